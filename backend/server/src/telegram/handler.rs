//! The bot's behaviour for one update: commands, VINs in messages (text, captions, forwards;
//! in groups only when addressed), the "All fields" button, inline mode, and documents.

use std::{sync::Arc, time::Instant};

use frankenstein::{
    ParseMode,
    inline_mode::{
        InlineQuery, InlineQueryResult, InlineQueryResultArticle, InputTextMessageContent,
    },
    methods::{AnswerCallbackQueryParams, AnswerInlineQueryParams, SendMessageParams},
    types::{
        CallbackQuery, ChatType, InlineKeyboardButton, InlineKeyboardMarkup,
        MaybeInaccessibleMessage, Message, MessageEntityType, ReplyMarkup, ReplyParameters, User,
    },
    updates::{Update, UpdateContent},
};
use tokio::sync::OnceCell;
use vinbot_decoder::{Decoded, Decoder};

use super::{
    BotDeps, BotOptions, Counters,
    client::BotApi,
    html::{MAX_MESSAGE_CHARS, escape, split_message},
    i18n::{Lang, Texts},
    queue::UpdateHandler,
    render,
    vins::{MAX_VINS_PER_MESSAGE, find_vins},
};
use crate::{
    data::LiveData,
    db::{self, Channel, DecodeEvent, TelegramUser},
};

/// Prefix of the "All fields" callback data (`f:VIN`, far below Telegram's 64 bytes).
const FIELDS_CALLBACK: &str = "f:";
/// Results offered in inline mode.
const MAX_INLINE_RESULTS: usize = 5;

/// Handles updates; one per bot, shared by all chat workers.
pub struct Handler {
    pub(crate) api: Arc<BotApi>,
    data: LiveData,
    bot_id: Option<u64>,
    username: OnceCell<Option<String>>,
    pub(crate) deps: BotDeps,
    pub(crate) options: BotOptions,
    counters: Arc<Counters>,
}

impl UpdateHandler for Handler {
    async fn handle(&self, update: Update) {
        let update_id = update.update_id;
        let result = match update.content {
            UpdateContent::Message(m) => self.on_message(&m).await,
            UpdateContent::CallbackQuery(q) => self.on_callback(&q).await,
            UpdateContent::InlineQuery(q) => self.on_inline(&q).await,
            // Edits, channel posts, member updates...: nothing to answer.
            _ => Ok(()),
        };
        if let Err(err) = result {
            tracing::warn!(update_id, error = %err, "telegram update handling failed");
        }
        self.counters.bump(&self.counters.handled, "handled");
    }
}

type HandlerResult = Result<(), super::client::BotApiError>;

impl Handler {
    pub(crate) fn new(
        api: Arc<BotApi>,
        data: LiveData,
        bot_id: Option<u64>,
        deps: BotDeps,
        options: BotOptions,
        counters: Arc<Counters>,
    ) -> Self {
        Self {
            api,
            data,
            bot_id,
            username: OnceCell::new(),
            deps,
            options,
            counters,
        }
    }

    /// The decoder of the data now current (read once per update).
    pub(crate) fn decoder(&self) -> Decoder {
        self.data.decoder()
    }

    async fn on_message(&self, m: &Message) -> HandlerResult {
        let lang = Lang::from_code(m.from.as_ref().and_then(|u| u.language_code.as_deref()));
        let t = lang.texts();
        if let Some(user) = &m.from {
            self.remember_user(user).await;
        }
        let private = m.chat.type_field == ChatType::Private;
        let text = m.text.as_deref().or(m.caption.as_deref()).unwrap_or("");
        if let Some((command, args)) = self.command(m, text).await {
            return self.on_command(m, t, &command, args).await;
        }
        if !private && !self.addressed(m, text).await {
            return Ok(());
        }
        if let Some(doc) = &m.document {
            return super::document::handle(self, m, doc, t).await;
        }
        let mut vins = find_vins(text);
        if vins.is_empty()
            && let Some(replied) = &m.reply_to_message
        {
            // "@bot" in reply to someone's VIN: decode the VIN of the message replied to.
            let quoted = replied
                .text
                .as_deref()
                .or(replied.caption.as_deref())
                .unwrap_or("");
            vins = find_vins(quoted);
        }
        if vins.is_empty() {
            return self.send_html(m, t.no_vin.to_owned(), None).await;
        }
        self.reply_with_cards(m, t, &vins).await
    }

    /// `/cmd@bot args` → (`cmd`, `args`) when addressed to no bot or to this one.
    async fn command<'t>(&self, m: &Message, text: &'t str) -> Option<(String, &'t str)> {
        let rest = text.strip_prefix('/')?;
        let (word, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let (name, target) = word
            .split_once('@')
            .map_or((word, None), |(n, t)| (n, Some(t)));
        if let Some(target) = target {
            let mine = self.username().await;
            if !mine.is_some_and(|u| u.eq_ignore_ascii_case(target)) {
                return None;
            }
        } else if m.chat.type_field != ChatType::Private
            && !matches!(name, "decode" | "stats" | "help" | "start")
        {
            return None;
        }
        Some((name.to_ascii_lowercase(), args.trim()))
    }

    async fn on_command(&self, m: &Message, t: &Texts, command: &str, args: &str) -> HandlerResult {
        if let Some(done) = self.on_account_command(m, command).await {
            return done;
        }
        match command {
            "start" => {
                let start = format!("{}\n\n{}", t.start, self.data_line(t));
                self.send_html(m, start, None).await
            }
            "help" => {
                let lang =
                    Lang::from_code(m.from.as_ref().and_then(|u| u.language_code.as_deref()));
                let help = format!("{}{}\n\n{}", t.help, lang.account().help, self.data_line(t));
                self.send_html(m, help, None).await
            }
            "decode" => {
                let vins = find_vins(args);
                if vins.is_empty() {
                    self.send_html(m, t.decode_usage.to_owned(), None).await
                } else {
                    self.reply_with_cards(m, t, &vins).await
                }
            }
            "stats" if !self.may_read_stats(m) => {
                self.send_html(m, t.stats_admins_only.to_owned(), None)
                    .await
            }
            "stats" => self.send_html(m, self.stats_text(t).await, None).await,
            _ => Ok(()),
        }
    }

    /// Which vPIC data answers: the month and date of the data now loaded.
    fn data_line(&self, t: &Texts) -> String {
        let decoder = self.decoder();
        let id = decoder.identity();
        t.data_line
            .replace("{month}", &escape(&crate::data::live::data_month(id)))
            .replace("{date}", &escape(&id.data_date))
    }

    /// In groups the bot speaks when mentioned (`@name` or a text mention) or replied to.
    async fn addressed(&self, m: &Message, text: &str) -> bool {
        let replied_to_me = m
            .reply_to_message
            .as_ref()
            .and_then(|r| r.from.as_ref())
            .is_some_and(|u| Some(u.id) == self.bot_id);
        if replied_to_me {
            return true;
        }
        let entities = m
            .entities
            .as_deref()
            .or(m.caption_entities.as_deref())
            .unwrap_or(&[]);
        for e in entities {
            match e.type_field {
                MessageEntityType::TextMention
                    if e.user.as_ref().is_some_and(|u| Some(u.id) == self.bot_id) =>
                {
                    return true;
                }
                MessageEntityType::Mention => {
                    let mention = utf16_slice(text, e.offset, e.length);
                    if let Some(me) = self.username().await
                        && mention.trim_start_matches('@').eq_ignore_ascii_case(me)
                    {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// The bot's username from `getMe`, asked once.
    async fn username(&self) -> Option<&str> {
        self.username
            .get_or_init(|| async {
                match self
                    .api
                    .call::<_, User>("getMe", None, &serde_json::json!({}))
                    .await
                {
                    Ok(me) => me.username,
                    Err(err) => {
                        tracing::warn!(error = %err, "getMe failed; group mentions are not recognised");
                        None
                    }
                }
            })
            .await
            .as_deref()
    }

    /// Decodes each VIN, records it, and answers with the compact cards and one "All fields"
    /// button per VIN under the last part.
    async fn reply_with_cards(&self, m: &Message, t: &Texts, vins: &[String]) -> HandlerResult {
        let user_id = m.from.as_ref().and_then(|u| i64::try_from(u.id).ok());
        let lang = Lang::from_code(m.from.as_ref().and_then(|u| u.language_code.as_deref()));
        let mut cards = Vec::new();
        let mut buttons = Vec::new();
        let decoder = self.decoder();
        for vin in vins.iter().take(MAX_VINS_PER_MESSAGE) {
            let d = self.decode(&decoder, vin, user_id);
            cards.push(render::card(&d, t));
            let mut row = vec![
                InlineKeyboardButton::builder()
                    .text(format!("{} · {}", t.all_fields, d.vin))
                    .callback_data(format!("{FIELDS_CALLBACK}{}", d.vin))
                    .build(),
            ];
            // Only whole VINs can be saved (a card for a partial VIN gets no button).
            if self.deps.db.is_some() && d.vin.len() == 17 && !d.vin.contains('*') {
                row.push(super::account::save_button(lang, &d.vin));
            }
            buttons.push(row);
        }
        let mut text = cards.join("\n\n");
        if vins.len() > MAX_VINS_PER_MESSAGE {
            text.push_str(&format!("\n\n{}", t.too_many_vins));
        }
        let keyboard = ReplyMarkup::InlineKeyboardMarkup(
            InlineKeyboardMarkup::builder()
                .inline_keyboard(buttons)
                .build(),
        );
        self.send_html(m, text, Some(keyboard)).await
    }

    /// Decodes one VIN and records the event (channel `telegram`, the user's id).
    pub(crate) fn decode<'d>(
        &self,
        decoder: &'d Decoder,
        vin: &str,
        user_id: Option<i64>,
    ) -> Decoded<'d> {
        let started = Instant::now();
        let d = decoder.decode(vin, None);
        self.record(&d, started.elapsed(), user_id);
        d
    }

    pub(crate) fn record(
        &self,
        d: &Decoded<'_>,
        latency: std::time::Duration,
        user_id: Option<i64>,
    ) {
        self.record_event(Handler::event(d, latency, user_id));
    }

    /// Records a decode event (a no-op without decode history).
    pub(crate) fn record_event(&self, event: DecodeEvent) {
        if let Some(recorder) = &self.deps.recorder {
            recorder.record(event);
        }
    }

    /// The history event of a decode from the bot.
    pub(crate) fn event(
        d: &Decoded<'_>,
        latency: std::time::Duration,
        user_id: Option<i64>,
    ) -> DecodeEvent {
        let mut event = DecodeEvent::new(Channel::Telegram, d.vin.clone(), latency)
            .with_error_codes(&d.error_codes);
        let non_empty = |code: &str| d.value(code).filter(|v| !v.is_empty()).map(str::to_owned);
        event.wmi = Some(vinbot_decoder::vin::wmi_owned(&d.vin));
        event.make = non_empty("Make");
        event.model = non_empty("Model");
        event.model_year = d.model_year.map(i32::from);
        event.user_id = user_id;
        event
    }

    async fn on_callback(&self, q: &CallbackQuery) -> HandlerResult {
        if let Some(done) = self.on_account_callback(q).await {
            return done;
        }
        let t = Lang::from_code(q.from.language_code.as_deref()).texts();
        let vin = q
            .data
            .as_deref()
            .and_then(|d| d.strip_prefix(FIELDS_CALLBACK))
            .map(find_vins)
            .and_then(|v| v.into_iter().next());
        let chat = match &q.message {
            Some(MaybeInaccessibleMessage::Message(m)) => m.chat.id,
            Some(MaybeInaccessibleMessage::InaccessibleMessage(m)) => m.chat.id,
            None => i64::try_from(q.from.id).unwrap_or_default(),
        };
        let mut answer = AnswerCallbackQueryParams::builder()
            .callback_query_id(q.id.clone())
            .build();
        let Some(vin) = vin else {
            answer.text = Some(t.callback_stale.to_owned());
            return self
                .api
                .call::<_, bool>("answerCallbackQuery", None, &answer)
                .await
                .map(drop);
        };
        // Answer first so the button stops spinning, then send the list.
        self.api
            .call::<_, bool>("answerCallbackQuery", None, &answer)
            .await?;
        let decoder = self.decoder();
        let d = self.decode(&decoder, &vin, i64::try_from(q.from.id).ok());
        let text = render::all_fields(&d, t);
        for part in split_message(&text, MAX_MESSAGE_CHARS) {
            let params = SendMessageParams::builder()
                .chat_id(chat)
                .text(part)
                .parse_mode(ParseMode::Html)
                .build();
            self.api
                .call::<_, Message>("sendMessage", Some(chat), &params)
                .await?;
        }
        Ok(())
    }

    async fn on_inline(&self, q: &InlineQuery) -> HandlerResult {
        let t = Lang::from_code(q.from.language_code.as_deref()).texts();
        let user_id = i64::try_from(q.from.id).ok();
        let decoder = self.decoder();
        let results: Vec<InlineQueryResult> = find_vins(&q.query)
            .into_iter()
            .take(MAX_INLINE_RESULTS)
            .map(|vin| {
                let d = self.decode(&decoder, &vin, user_id);
                let headline = render::headline(&d);
                let description = [render::engine(&d), render::plant(&d)]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · ");
                let content = InputTextMessageContent::builder()
                    .message_text(render::card(&d, t))
                    .parse_mode(ParseMode::Html)
                    .build();
                let mut article = InlineQueryResultArticle::builder()
                    .id(d.vin.clone())
                    .title(if headline.is_empty() {
                        d.vin.clone()
                    } else {
                        format!("{headline} · {}", d.vin)
                    })
                    .input_message_content(content)
                    .build();
                article.description = Some(if description.is_empty() {
                    t.inline_hint.to_owned()
                } else {
                    description
                });
                InlineQueryResult::Article(article)
            })
            .collect();
        let params = AnswerInlineQueryParams::builder()
            .inline_query_id(q.id.clone())
            .results(results)
            .cache_time(300)
            .build();
        self.api
            .call::<_, bool>("answerInlineQuery", None, &params)
            .await
            .map(drop)
    }

    /// The HTTP statistics routes' rule: admins, or everyone when the statistics are public.
    fn may_read_stats(&self, m: &Message) -> bool {
        let Some(auth) = &self.deps.auth else {
            return true;
        };
        let sender = m.from.as_ref().and_then(|u| i64::try_from(u.id).ok());
        auth.stats_public() || sender.is_some_and(|id| auth.is_admin(id))
    }

    async fn stats_text(&self, t: &Texts) -> String {
        let Some(db) = &self.deps.db else {
            return t.stats_unavailable.to_owned();
        };
        match db::stats::decode_stats(db, 30, chrono::Utc::now()).await {
            Ok(report) => {
                let makes = report
                    .top_makes
                    .iter()
                    .take(5)
                    .map(|m| format!("{} ({})", escape(&m.name), m.count))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "<b>{} {}</b>\n{}: {}\n{}: {:.1}%\n{}: {}",
                    t.stats_title,
                    report.days,
                    t.stats_total,
                    report.total,
                    t.stats_clean,
                    report.clean_rate * 100.0,
                    t.stats_top_makes,
                    if makes.is_empty() {
                        "—".to_owned()
                    } else {
                        makes
                    },
                )
            }
            Err(err) => {
                tracing::warn!(error = %err, "stats for /stats failed");
                t.stats_unavailable.to_owned()
            }
        }
    }

    async fn remember_user(&self, user: &User) {
        let Some(db) = &self.deps.db else { return };
        let Ok(id) = i64::try_from(user.id) else {
            return;
        };
        let name = match &user.last_name {
            Some(last) => format!("{} {last}", user.first_name),
            None => user.first_name.clone(),
        };
        let row = TelegramUser {
            id,
            name: Some(name),
            language: user.language_code.clone(),
        };
        if let Err(err) = db::upsert_user(db, &row, chrono::Utc::now()).await {
            tracing::warn!(error = %err, "cannot store the telegram user");
        }
    }

    /// Sends `html` as a reply to `m`, split on line boundaries; `markup` goes under the last part.
    pub(crate) async fn send_html(
        &self,
        m: &Message,
        html: String,
        markup: Option<ReplyMarkup>,
    ) -> HandlerResult {
        let parts = split_message(&html, MAX_MESSAGE_CHARS);
        let count = parts.len();
        let mut markup = markup;
        for (i, part) in parts.into_iter().enumerate() {
            let mut params = SendMessageParams::builder()
                .chat_id(m.chat.id)
                .text(part)
                .parse_mode(ParseMode::Html)
                .build();
            params.message_thread_id = m.message_thread_id;
            if i == 0 {
                params.reply_parameters = Some(
                    ReplyParameters::builder()
                        .message_id(m.message_id)
                        .allow_sending_without_reply(true)
                        .build(),
                );
            }
            if i + 1 == count {
                params.reply_markup = markup.take();
            }
            self.api
                .call::<_, Message>("sendMessage", Some(m.chat.id), &params)
                .await?;
        }
        Ok(())
    }
}

/// Telegram entity offsets count UTF-16 code units.
fn utf16_slice(text: &str, offset: u16, length: u16) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    let start = usize::from(offset).min(units.len());
    let end = (start + usize::from(length)).min(units.len());
    String::from_utf16_lossy(&units[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_offsets_are_utf16() {
        let text = "😀 @vin_bot hi";
        // The emoji is two UTF-16 units.
        assert_eq!(utf16_slice(text, 3, 8), "@vin_bot");
    }
}
