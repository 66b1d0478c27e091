//! The bot's account features: `/history` (the user's last decodes), `/garage` (saved vehicles,
//! decoded again with the current data), the "Save" button under each decode card, and
//! `/forget`, which erases the user's data after a confirmation. The Telegram user is the
//! account: the same one that signs in on the web page with the Login Widget.

use frankenstein::{
    ParseMode,
    methods::{AnswerCallbackQueryParams, SendMessageParams},
    types::{
        CallbackQuery, ChatType, InlineKeyboardButton, InlineKeyboardMarkup,
        MaybeInaccessibleMessage, Message, ReplyMarkup,
    },
};

use super::{account_i18n::AccountTexts, handler::Handler, html::escape, i18n::Lang, render, vins};
use crate::db;

/// Prefix of the Save button's callback data (`s:VIN`).
pub const SAVE_CALLBACK: &str = "s:";
/// Prefix of `/forget`'s confirmation (`x:<user id>:<unix time>`) and cancellation (`x:no`).
const FORGET_CALLBACK: &str = "x:";
/// How long a `/forget` confirmation button works.
const FORGET_VALID_SECS: i64 = 600;
/// Entries `/history` shows.
const HISTORY_SHOWN: u64 = 10;
/// Most vehicles a user may save (the API's limit too).
const MAX_VEHICLES: u64 = 200;

type HandlerResult = Result<(), super::client::BotApiError>;

/// The Save button for one decoded VIN.
pub fn save_button(lang: Lang, vin: &str) -> InlineKeyboardButton {
    InlineKeyboardButton::builder()
        .text(format!("💾 {}", lang.account().save))
        .callback_data(format!("{SAVE_CALLBACK}{vin}"))
        .build()
}

fn user_lang(m: &Message) -> Lang {
    Lang::from_code(m.from.as_ref().and_then(|u| u.language_code.as_deref()))
}

impl Handler {
    /// Handles `/history`, `/garage` and `/forget`; `None` for other commands.
    pub(crate) async fn on_account_command(
        &self,
        m: &Message,
        command: &str,
    ) -> Option<HandlerResult> {
        if !matches!(command, "history" | "garage" | "forget") {
            return None;
        }
        let at = user_lang(m).account();
        let user_id = m.from.as_ref().and_then(|u| i64::try_from(u.id).ok());
        let (Some(db), Some(user_id)) = (&self.deps.db, user_id) else {
            return Some(self.send_html(m, at.unavailable.to_owned(), None).await);
        };
        if m.chat.type_field != ChatType::Private {
            return Some(self.send_html(m, at.private_only.to_owned(), None).await);
        }
        let answer = match command {
            "history" => self.history_text(db, user_id, at).await,
            "garage" => self.garage_text(db, user_id, at).await,
            _ => return Some(self.ask_forget(m, user_id, at).await),
        };
        Some(self.send_html(m, answer, None).await)
    }

    async fn history_text(
        &self,
        db: &sea_orm::DatabaseConnection,
        user_id: i64,
        at: &AccountTexts,
    ) -> String {
        let filter = db::HistoryFilter::default();
        match db::user_history(db, user_id, &filter, None, HISTORY_SHOWN).await {
            Ok(rows) if rows.is_empty() => at.history_empty.to_owned(),
            Ok(rows) => {
                let lines = rows.iter().map(|r| {
                    let what = [
                        r.model_year.map(|y| y.to_string()),
                        r.make.clone(),
                        r.model.clone(),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                    format!(
                        "• <code>{}</code> {} · {}",
                        escape(&r.vin),
                        escape(&what),
                        r.occurred_at.format("%Y-%m-%d")
                    )
                });
                format!(
                    "<b>{}</b>\n{}",
                    at.history_title,
                    lines.collect::<Vec<_>>().join("\n")
                )
            }
            Err(error) => {
                tracing::warn!(%error, "telegram /history failed");
                at.unavailable.to_owned()
            }
        }
    }

    async fn garage_text(
        &self,
        db: &sea_orm::DatabaseConnection,
        user_id: i64,
        at: &AccountTexts,
    ) -> String {
        match db::list_vehicles(db, user_id).await {
            Ok(rows) if rows.is_empty() => at.garage_empty.to_owned(),
            Ok(rows) => {
                let decoder = self.decoder();
                let lines = rows.iter().map(|r| {
                    let d = decoder.decode(&r.vin, None);
                    let name = r
                        .nickname
                        .as_deref()
                        .map(|n| format!("<b>{}</b> ", escape(n)))
                        .unwrap_or_default();
                    format!(
                        "• {name}{} <code>{}</code>",
                        escape(&render::headline(&d)),
                        escape(&r.vin)
                    )
                });
                format!(
                    "<b>{}</b>\n{}",
                    at.garage_title,
                    lines.collect::<Vec<_>>().join("\n")
                )
            }
            Err(error) => {
                tracing::warn!(%error, "telegram /garage failed");
                at.unavailable.to_owned()
            }
        }
    }

    async fn ask_forget(&self, m: &Message, user_id: i64, at: &AccountTexts) -> HandlerResult {
        let now = chrono::Utc::now().timestamp();
        let keyboard = InlineKeyboardMarkup::builder()
            .inline_keyboard(vec![vec![
                InlineKeyboardButton::builder()
                    .text(at.forget_yes)
                    .callback_data(format!("{FORGET_CALLBACK}{user_id}:{now}"))
                    .build(),
                InlineKeyboardButton::builder()
                    .text(at.forget_no)
                    .callback_data(format!("{FORGET_CALLBACK}no"))
                    .build(),
            ]])
            .build();
        self.send_html(
            m,
            at.forget_confirm.to_owned(),
            Some(ReplyMarkup::InlineKeyboardMarkup(keyboard)),
        )
        .await
    }

    /// Handles the Save and `/forget` buttons; `None` for other callbacks.
    pub(crate) async fn on_account_callback(&self, q: &CallbackQuery) -> Option<HandlerResult> {
        let data = q.data.as_deref()?;
        let at = Lang::from_code(q.from.language_code.as_deref()).account();
        let user_id = i64::try_from(q.from.id).ok()?;
        if let Some(vin) = data.strip_prefix(SAVE_CALLBACK) {
            let text = self.save_from_button(vin, user_id, at).await;
            return Some(self.answer_callback(q, Some(text)).await);
        }
        let rest = data.strip_prefix(FORGET_CALLBACK)?;
        if rest == "no" {
            self.answer_callback(q, None).await.ok();
            return Some(self.send_to_chat(q, at.forget_cancelled.to_owned()).await);
        }
        let fresh = rest
            .split_once(':')
            .and_then(|(uid, at)| Some((uid.parse::<i64>().ok()?, at.parse::<i64>().ok()?)))
            .is_some_and(|(uid, asked)| {
                uid == user_id
                    && (0..=FORGET_VALID_SECS).contains(&(chrono::Utc::now().timestamp() - asked))
            });
        if !fresh {
            return Some(
                self.answer_callback(q, Some(at.forget_stale.to_owned()))
                    .await,
            );
        }
        self.answer_callback(q, None).await.ok();
        let text = match &self.deps.db {
            Some(db) => match db::erase_user(db, user_id).await {
                Ok(e) => format!(
                    "{} {} × history, {} × garage, {} × sessions.",
                    at.forgotten, e.decodes, e.vehicles, e.sessions
                ),
                Err(error) => {
                    tracing::warn!(%error, "telegram /forget failed");
                    at.unavailable.to_owned()
                }
            },
            None => at.unavailable.to_owned(),
        };
        Some(self.send_to_chat(q, text).await)
    }

    async fn save_from_button(&self, vin: &str, user_id: i64, at: &AccountTexts) -> String {
        let Some(db) = &self.deps.db else {
            return at.unavailable.to_owned();
        };
        let Some(vin) = vins::find_vins(vin).into_iter().next() else {
            return at.unavailable.to_owned();
        };
        match db::count_vehicles(db, user_id).await {
            Ok(n) if n >= MAX_VEHICLES => return at.garage_full.to_owned(),
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "telegram save failed");
                return at.unavailable.to_owned();
            }
        }
        match db::save_vehicle(db, user_id, &vin, None, None, chrono::Utc::now()).await {
            Ok((_, true)) => at.saved.to_owned(),
            Ok((_, false)) => at.already_saved.to_owned(),
            Err(error) => {
                tracing::warn!(%error, "telegram save failed");
                at.unavailable.to_owned()
            }
        }
    }

    async fn answer_callback(&self, q: &CallbackQuery, text: Option<String>) -> HandlerResult {
        let mut answer = AnswerCallbackQueryParams::builder()
            .callback_query_id(q.id.clone())
            .build();
        answer.text = text;
        self.api
            .call::<_, bool>("answerCallbackQuery", None, &answer)
            .await
            .map(drop)
    }

    async fn send_to_chat(&self, q: &CallbackQuery, html: String) -> HandlerResult {
        let chat = match &q.message {
            Some(MaybeInaccessibleMessage::Message(m)) => m.chat.id,
            Some(MaybeInaccessibleMessage::InaccessibleMessage(m)) => m.chat.id,
            None => i64::try_from(q.from.id).unwrap_or_default(),
        };
        let params = SendMessageParams::builder()
            .chat_id(chat)
            .text(html)
            .parse_mode(ParseMode::Html)
            .build();
        self.api
            .call::<_, Message>("sendMessage", Some(chat), &params)
            .await
            .map(drop)
    }
}
