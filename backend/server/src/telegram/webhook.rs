//! `POST /telegram/webhook`: authenticate the secret header in constant time, read at most the
//! body cap, hand the update to [`super::intake`] (parse, de-duplicate, queue), and answer 200 at
//! once; the work happens in the per-chat workers.

use std::sync::Arc;

use poem::{
    Body, Endpoint, Request, Response,
    http::{HeaderValue, Method, StatusCode, header},
};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use super::{
    TelegramBot,
    intake::{self, Intake},
};
use crate::{config::TelegramMode, envelope::response as envelope};

/// The header Telegram sets to the `secret_token` given to `setWebhook`.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// The webhook route; answers 404 when the bot is off.
pub struct WebhookEndpoint {
    bot: Option<Arc<TelegramBot>>,
}

impl WebhookEndpoint {
    /// The endpoint for this bot (or for none). A polling bot has no webhook: 404, as when off.
    pub fn new(bot: Option<Arc<TelegramBot>>) -> Self {
        let bot = bot.filter(|b| b.mode == TelegramMode::Webhook);
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

/// Constant-time comparison of the header with the configured secret. Only the length
/// can leak, and Telegram's secrets have a public length range anyway.
fn secret_matches(req: &Request, bot: &TelegramBot) -> bool {
    let Some(given) = req.headers().get(SECRET_HEADER) else {
        return false;
    };
    let expected = bot.secret.expose_secret().as_bytes();
    bool::from(given.as_bytes().ct_eq(expected))
}

/// Parses an authenticated body and hands it to the shared intake.
async fn accept(bot: &TelegramBot, bytes: &[u8]) -> Response {
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(err) => {
            intake::unparseable(bot, &format!("not JSON: {err}"), None);
            return ok();
        }
    };
    match intake::accept(bot, value).await {
        // T7: an update we cannot read is acknowledged too, else Telegram re-sends it forever
        // and holds back the chat.
        Intake::Accepted | Intake::Duplicate | Intake::Unparseable => ok(),
        Intake::Busy => busy(),
    }
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
