//! What happens to an update once it has arrived, however it arrived (webhook POST or
//! `getUpdates`): parse, take a queue slot, de-duplicate by `update_id`, queue for the chat's
//! worker. The webhook turns the outcome into an HTTP answer, the poller into its next offset.

use std::time::Duration;

use frankenstein::{
    types::AllowedUpdate,
    updates::{Update, UpdateContent},
};

use super::TelegramBot;
use crate::observability::metrics::record_telegram_update;

/// How long the de-duplication store may take before the update is refused (and re-sent).
const DEDUP_TIMEOUT: Duration = Duration::from_secs(3);

/// The update kinds the bot handles (`setWebhook` and `getUpdates` ask for these only).
pub fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![
        AllowedUpdate::Message,
        AllowedUpdate::CallbackQuery,
        AllowedUpdate::InlineQuery,
    ]
}

/// The fate of one received update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intake {
    /// New and queued.
    Accepted,
    /// Seen before (a re-delivery): skipped.
    Duplicate,
    /// Not an update we can read: acknowledged so it is not re-sent forever, counted, logged.
    Unparseable,
    /// Not taken now (queue full, de-duplication store failed or slow): Telegram must send it again.
    Busy,
}

/// Takes one update given as JSON.
pub async fn accept(bot: &TelegramBot, value: serde_json::Value) -> Intake {
    let counters = &bot.counters;
    let Some(update_id) = value.get("update_id").and_then(serde_json::Value::as_i64) else {
        return unparseable(bot, "no update_id", None);
    };
    let update: Update = match serde_json::from_value(value) {
        Ok(u) => u,
        Err(err) => return unparseable(bot, &err.to_string(), Some(update_id)),
    };
    let Some(slot) = bot.dispatcher.try_reserve() else {
        counters.bump(&counters.refused, "queue_full");
        tracing::warn!(update_id, "telegram queue full; the update will be re-sent");
        return Intake::Busy;
    };
    match tokio::time::timeout(DEDUP_TIMEOUT, bot.dedup.first_delivery(update_id)).await {
        Ok(Ok(true)) => {}
        Ok(Ok(false)) => {
            counters.bump(&counters.duplicates, "duplicate");
            return Intake::Duplicate;
        }
        Ok(Err(err)) => {
            counters.bump(&counters.refused, "dedup_error");
            tracing::warn!(update_id, store = bot.dedup.name(), error = %err, "cannot de-duplicate; the update will be re-sent");
            return Intake::Busy;
        }
        Err(_) => {
            counters.bump(&counters.refused, "dedup_timeout");
            tracing::warn!(
                update_id,
                store = bot.dedup.name(),
                "de-duplication timed out; the update will be re-sent"
            );
            return Intake::Busy;
        }
    }
    let key = ordering_key(&update);
    let kind = update_kind(&update.content);
    bot.dispatcher.enqueue(key, update, slot);
    counters.bump(&counters.accepted, "accepted");
    record_telegram_update(kind);
    Intake::Accepted
}

/// Counts and logs an update that cannot be read.
pub(crate) fn unparseable(bot: &TelegramBot, reason: &str, update_id: Option<i64>) -> Intake {
    bot.counters.bump(&bot.counters.unparseable, "unparseable");
    tracing::warn!(
        ?update_id,
        reason,
        "telegram update not understood; acknowledged"
    );
    Intake::Unparseable
}

/// The `kind` label of `telegram_updates_total`: the update type as the Bot API names it, for
/// the kinds the bot asks for and their edits; `other` for the rest.
fn update_kind(content: &UpdateContent) -> &'static str {
    match content {
        UpdateContent::Message(_) => "message",
        UpdateContent::EditedMessage(_) => "edited_message",
        UpdateContent::ChannelPost(_) => "channel_post",
        UpdateContent::EditedChannelPost(_) => "edited_channel_post",
        UpdateContent::CallbackQuery(_) => "callback_query",
        UpdateContent::InlineQuery(_) => "inline_query",
        _ => "other",
    }
}

/// Updates with the same key are handled in order: the chat of a message, the user of a
/// callback or inline query.
fn ordering_key(update: &Update) -> i64 {
    match &update.content {
        UpdateContent::Message(m)
        | UpdateContent::EditedMessage(m)
        | UpdateContent::ChannelPost(m)
        | UpdateContent::EditedChannelPost(m) => m.chat.id,
        UpdateContent::CallbackQuery(q) => i64::try_from(q.from.id).unwrap_or(0),
        UpdateContent::InlineQuery(q) => i64::try_from(q.from.id).unwrap_or(0),
        _ => 0,
    }
}
