//! `POST /telegram/webhook` (T2, T3, T5, T7, T8, T9): authenticate the secret header in
//! constant time, read at most the body cap, parse, de-duplicate by `update_id`, queue, and
//! answer 200 at once; the work happens in the per-chat workers.

use std::{sync::Arc, time::Duration};

use frankenstein::updates::{Update, UpdateContent};
use poem::{
    Body, Endpoint, Request, Response,
    http::{HeaderValue, Method, StatusCode, header},
};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use super::{Counters, TelegramBot};
use crate::api::boundary::envelope;

/// The header Telegram sets to the `secret_token` given to `setWebhook`.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// How long the de-duplication store may take before the webhook gives up with 503.
const DEDUP_TIMEOUT: Duration = Duration::from_secs(3);

/// The webhook route; answers 404 when the bot is off.
pub struct WebhookEndpoint {
    bot: Option<Arc<TelegramBot>>,
}

impl WebhookEndpoint {
    /// The endpoint for this bot (or for none).
    pub fn new(bot: Option<Arc<TelegramBot>>) -> Self {
        Self { bot }
    }
}

impl Endpoint for WebhookEndpoint {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let Some(bot) = &self.bot else {
            return Ok(envelope(StatusCode::NOT_FOUND, ""));
        };
        if req.method() != Method::POST {
            let mut resp = envelope(StatusCode::METHOD_NOT_ALLOWED, "");
            resp.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return Ok(resp);
        }
        if !secret_matches(&req, bot) {
            bot.counters
                .bump(&bot.counters.unauthorized, "unauthorized");
            return Ok(envelope(StatusCode::UNAUTHORIZED, ""));
        }
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                ct.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/json")
            });
        if !is_json {
            return Ok(envelope(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The webhook accepts application/json only.",
            ));
        }
        let limit = bot.options.max_body_bytes;
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Ok(envelope(StatusCode::PAYLOAD_TOO_LARGE, ""));
        }
        let bytes = match req.take_body().into_bytes_limit(limit).await {
            Ok(bytes) => bytes,
            Err(poem::error::ReadBodyError::PayloadTooLarge) => {
                return Ok(envelope(StatusCode::PAYLOAD_TOO_LARGE, ""));
            }
            Err(_) => {
                return Ok(envelope(
                    StatusCode::BAD_REQUEST,
                    "Could not read the body.",
                ));
            }
        };
        Ok(accept(bot, &bytes).await)
    }
}

/// Constant-time comparison of the header with the configured secret (T3). Only the length
/// can leak, and Telegram's secrets have a public length range anyway.
fn secret_matches(req: &Request, bot: &TelegramBot) -> bool {
    let Some(given) = req.headers().get(SECRET_HEADER) else {
        return false;
    };
    let expected = bot.secret.expose_secret().as_bytes();
    bool::from(given.as_bytes().ct_eq(expected))
}

/// Parses, de-duplicates and queues an authenticated body.
async fn accept(bot: &TelegramBot, bytes: &[u8]) -> Response {
    let counters = &bot.counters;
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(err) => return unparseable(counters, &format!("not JSON: {err}"), None),
    };
    let Some(update_id) = value.get("update_id").and_then(serde_json::Value::as_i64) else {
        return unparseable(counters, "no update_id", None);
    };
    let update: Update = match serde_json::from_value(value) {
        Ok(u) => u,
        Err(err) => return unparseable(counters, &err.to_string(), Some(update_id)),
    };
    let Some(slot) = bot.dispatcher.try_reserve() else {
        bot.counters.bump(&counters.refused, "queue_full");
        tracing::warn!(update_id, "telegram queue full; asking Telegram to re-send");
        return busy();
    };
    match tokio::time::timeout(DEDUP_TIMEOUT, bot.dedup.first_delivery(update_id)).await {
        Ok(Ok(true)) => {}
        Ok(Ok(false)) => {
            bot.counters.bump(&counters.duplicates, "duplicate");
            return ok();
        }
        Ok(Err(err)) => {
            bot.counters.bump(&counters.refused, "dedup_error");
            tracing::warn!(update_id, store = bot.dedup.name(), error = %err, "cannot de-duplicate; asking Telegram to re-send");
            return busy();
        }
        Err(_) => {
            bot.counters.bump(&counters.refused, "dedup_timeout");
            tracing::warn!(
                update_id,
                store = bot.dedup.name(),
                "de-duplication timed out; asking Telegram to re-send"
            );
            return busy();
        }
    }
    let key = ordering_key(&update);
    bot.dispatcher.enqueue(key, update, slot);
    bot.counters.bump(&counters.accepted, "accepted");
    ok()
}

/// T7: an authenticated update we cannot read is acknowledged (else Telegram re-sends it
/// forever and holds back the chat), counted and logged.
fn unparseable(counters: &Counters, reason: &str, update_id: Option<i64>) -> Response {
    counters.bump(&counters.unparseable, "unparseable");
    tracing::warn!(
        ?update_id,
        reason,
        "telegram update not understood; acknowledged"
    );
    ok()
}

fn ok() -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .content_type("application/json")
        .body(Body::from_string("{}".to_owned()))
}

fn busy() -> Response {
    let mut resp = envelope(StatusCode::SERVICE_UNAVAILABLE, "");
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    resp
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
