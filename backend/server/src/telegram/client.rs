//! The outbound Bot API client: frankenstein's reqwest client on `{TELEGRAM_API_BASE_URL}/bot{token}`,
//! paced per chat and globally, waiting `retry_after` on 429. The token is part of every
//! URL, so nothing here ever prints a URL: errors are rebuilt without it, and `Debug` is redacted.

use std::time::Duration;

use frankenstein::{AsyncTelegramApi, client_reqwest::Bot, response::MethodResponse};
use secrecy::ExposeSecret;
use serde::{Serialize, de::DeserializeOwned};

use super::pacing::Pacer;
use crate::config::TelegramSettings;

/// Why a Bot API call failed. Never carries the token or a URL.
#[derive(Debug, thiserror::Error)]
pub enum BotApiError {
    /// Telegram answered `ok: false`.
    #[error("Bot API error {code}: {description}")]
    Api {
        /// `error_code`.
        code: u64,
        /// `description`.
        description: String,
    },
    /// Still rate limited after the retries.
    #[error("Bot API rate limit: retry after {0} s")]
    RateLimited(u64),
    /// Network, timeout or an unreadable answer.
    #[error("Bot API transport error: {0}")]
    Transport(String),
    /// A file larger than the cap.
    #[error("file larger than {0} bytes")]
    TooLarge(u64),
}

/// Tuning of the client.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Minimum gap between messages to one chat.
    pub per_chat_interval: Duration,
    /// Calls a second overall.
    pub global_per_second: u32,
    /// Attempts after a 429 or a transport error.
    pub max_retries: u32,
    /// Longest `retry_after` honoured by waiting; longer ones fail the call.
    pub max_retry_after: Duration,
    /// Timeout of one call.
    pub request_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            per_chat_interval: Duration::from_secs(1),
            global_per_second: 30,
            max_retries: 3,
            max_retry_after: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// A paced, retrying Bot API client.
pub struct BotApi {
    bot: Bot,
    file_base: String,
    http: reqwest::Client,
    pacer: Pacer,
    options: ClientOptions,
}

impl std::fmt::Debug for BotApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotApi").finish_non_exhaustive()
    }
}

impl BotApi {
    /// A client for the configured bot.
    pub fn new(settings: &TelegramSettings, options: ClientOptions) -> Result<Self, BotApiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(options.request_timeout)
            .build()
            .map_err(|e| BotApiError::Transport(e.without_url().to_string()))?;
        let token = settings.bot_token.expose_secret();
        let base = settings.api_base_url.trim_end_matches('/');
        let bot = Bot::builder()
            .api_url(format!("{base}/bot{token}"))
            .client(http.clone())
            .build();
        Ok(Self {
            bot,
            file_base: format!("{base}/file/bot{token}"),
            http,
            pacer: Pacer::new(options.per_chat_interval, options.global_per_second),
            options,
        })
    }

    /// Calls `method` with JSON `params`. `chat` is the chat a message goes to (paced per chat);
    /// `None` for calls that send no message (answers, getFile, webhook management).
    pub async fn call<P, O>(
        &self,
        method: &str,
        chat: Option<i64>,
        params: &P,
    ) -> Result<O, BotApiError>
    where
        P: Serialize + std::fmt::Debug + Send + Sync,
        O: DeserializeOwned,
    {
        let mut attempt = 0;
        loop {
            self.pacer.wait(chat).await;
            let result: Result<MethodResponse<O>, frankenstein::Error> =
                self.bot.request(method, Some(params)).await;
            let wait = match result {
                Ok(response) => return Ok(response.result),
                Err(frankenstein::Error::Api(err)) if err.error_code == 429 => {
                    let secs = err
                        .parameters
                        .and_then(|p| p.retry_after)
                        .map_or(1, u64::from);
                    let wait = Duration::from_secs(secs);
                    if attempt >= self.options.max_retries || wait > self.options.max_retry_after {
                        return Err(BotApiError::RateLimited(secs));
                    }
                    metrics::counter!("vinbot_telegram_api_retries_total", "reason" => "429")
                        .increment(1);
                    tracing::warn!(method, retry_after = secs, "Bot API rate limit; waiting");
                    wait
                }
                Err(frankenstein::Error::Api(err)) => {
                    return Err(BotApiError::Api {
                        code: err.error_code,
                        description: err.description,
                    });
                }
                Err(frankenstein::Error::HttpReqwest(err))
                    if attempt < self.options.max_retries =>
                {
                    metrics::counter!("vinbot_telegram_api_retries_total", "reason" => "transport")
                        .increment(1);
                    tracing::warn!(method, error = %err, "Bot API call failed; retrying");
                    Duration::from_millis(500 << attempt)
                }
                Err(err) => return Err(BotApiError::Transport(transport_text(&err))),
            };
            attempt += 1;
            tokio::time::sleep(wait).await;
        }
    }

    /// Downloads `{base}/file/bot{token}/{file_path}`, refusing more than `max_bytes`.
    pub async fn download(&self, file_path: &str, max_bytes: u64) -> Result<Vec<u8>, BotApiError> {
        let path = file_path.trim_start_matches('/');
        let mut response = self
            .http
            .get(format!("{}/{path}", self.file_base))
            .send()
            .await
            .map_err(|e| BotApiError::Transport(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(BotApiError::Api {
                code: u64::from(response.status().as_u16()),
                description: "file download failed".into(),
            });
        }
        if response.content_length().is_some_and(|n| n > max_bytes) {
            return Err(BotApiError::TooLarge(max_bytes));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| BotApiError::Transport(e.without_url().to_string()))?
        {
            if body.len() as u64 + chunk.len() as u64 > max_bytes {
                return Err(BotApiError::TooLarge(max_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// `sendDocument` with an in-memory file (multipart), paced and retried like [`Self::call`].
    pub async fn send_document(
        &self,
        chat: i64,
        file_name: &str,
        bytes: Vec<u8>,
        caption: &str,
        reply_to: Option<i32>,
    ) -> Result<(), BotApiError> {
        let mut attempt = 0;
        loop {
            self.pacer.wait(Some(chat)).await;
            let part = reqwest::multipart::Part::bytes(bytes.clone())
                .file_name(file_name.to_owned())
                .mime_str("text/csv")
                .map_err(|e| BotApiError::Transport(e.without_url().to_string()))?;
            let mut form = reqwest::multipart::Form::new()
                .text("chat_id", chat.to_string())
                .text("caption", caption.to_owned())
                .text("parse_mode", "HTML")
                .part("document", part);
            if let Some(id) = reply_to {
                form = form.text(
                    "reply_parameters",
                    serde_json::json!({"message_id": id, "allow_sending_without_reply": true})
                        .to_string(),
                );
            }
            let response = self
                .http
                .post(format!("{}/sendDocument", self.bot.api_url))
                .multipart(form)
                .send()
                .await;
            let wait = match response {
                Ok(r) => {
                    let text = r
                        .text()
                        .await
                        .map_err(|e| BotApiError::Transport(e.without_url().to_string()))?;
                    let value: serde_json::Value = serde_json::from_str(&text)
                        .map_err(|e| BotApiError::Transport(format!("unreadable answer: {e}")))?;
                    if value["ok"].as_bool() == Some(true) {
                        return Ok(());
                    }
                    let code = value["error_code"].as_u64().unwrap_or(0);
                    let retry_after = value["parameters"]["retry_after"].as_u64();
                    match retry_after {
                        Some(secs)
                            if code == 429
                                && attempt < self.options.max_retries
                                && Duration::from_secs(secs) <= self.options.max_retry_after =>
                        {
                            Duration::from_secs(secs)
                        }
                        Some(secs) if code == 429 => return Err(BotApiError::RateLimited(secs)),
                        _ => {
                            return Err(BotApiError::Api {
                                code,
                                description: value["description"].as_str().unwrap_or("").into(),
                            });
                        }
                    }
                }
                Err(e) if attempt < self.options.max_retries => {
                    tracing::warn!(error = %e.without_url(), "sendDocument failed; retrying");
                    Duration::from_millis(500 << attempt)
                }
                Err(e) => return Err(BotApiError::Transport(e.without_url().to_string())),
            };
            attempt += 1;
            tokio::time::sleep(wait).await;
        }
    }
}

/// frankenstein's errors without anything that could hold the URL (its reqwest errors are
/// already stripped of it; this keeps the guarantee local).
fn transport_text(err: &frankenstein::Error) -> String {
    match err {
        frankenstein::Error::HttpReqwest(e) => e.to_string(),
        frankenstein::Error::JsonDecode { source, .. } => format!("unreadable answer: {source}"),
        frankenstein::Error::JsonEncode { source, .. } => format!("cannot encode: {source}"),
        other => format!("{other}"),
    }
}
