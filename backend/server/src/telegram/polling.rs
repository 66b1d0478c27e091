//! Long polling (`TELEGRAM_MODE=polling`): instead of Telegram POSTing to a public webhook, the
//! server asks for updates with `getUpdates` and hands each one to the same
//! [`super::intake::accept`] as the webhook; everything after that (de-duplication, per-chat
//! queue, handler, replies) is shared. It works on a laptop or behind a firewall: the only
//! connection is outgoing. An update is confirmed (the next `offset`) only once it was queued,
//! de-duplicated or found unreadable; a busy queue stops the batch and the rest is asked for
//! again.

use std::{future::Future, sync::Arc, time::Duration};

use serde_json::{Value, json};

use super::{
    TelegramBot,
    client::BotApiError,
    intake::{self, Intake},
};

/// Tuning of the poller; tests shorten it.
#[derive(Debug, Clone)]
pub struct PollOptions {
    /// Seconds Telegram holds a `getUpdates` open while nothing arrives (below the client's timeout).
    pub timeout_secs: u32,
    /// Most updates a call returns (Telegram allows 1-100).
    pub limit: u32,
    /// First wait after a failed call; doubled on each further failure.
    pub retry_initial: Duration,
    /// Longest wait between failed calls.
    pub retry_max: Duration,
    /// Wait before asking again after the queue refused an update.
    pub busy_wait: Duration,
}

impl Default for PollOptions {
    fn default() -> Self {
        Self {
            timeout_secs: 25,
            limit: 100,
            retry_initial: Duration::from_secs(1),
            retry_max: Duration::from_secs(30),
            busy_wait: Duration::from_secs(1),
        }
    }
}

/// A running poller.
pub struct Poller {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Poller {
    /// Starts polling for `bot` in a task.
    pub fn spawn(bot: Arc<TelegramBot>, options: PollOptions) -> Self {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(run(bot, options, async {
            let _ = stopped.await;
        }));
        Self { stop, task }
    }

    /// Stops asking for updates (an open `getUpdates` is abandoned; what it held is asked for
    /// again by the next start and de-duplicated) and waits for the task to end.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Polls until `stop` completes.
pub async fn run(bot: Arc<TelegramBot>, options: PollOptions, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    tracing::info!("telegram bot on: polling getUpdates (the webhook route is off)");
    let mut offset: Option<i64> = None;
    let mut retry = options.retry_initial;
    loop {
        let params = json!({
            "offset": offset,
            "timeout": options.timeout_secs,
            "limit": options.limit,
            "allowed_updates": intake::allowed_updates(),
        });
        let call = bot.api.call::<_, Vec<Value>>("getUpdates", None, &params);
        let answer = tokio::select! {
            () = &mut stop => break,
            answer = call => answer,
        };
        let wait = match answer {
            Ok(updates) => {
                retry = options.retry_initial;
                match take(&bot, updates, &mut offset).await {
                    Taken::All => continue,
                    Taken::Busy => options.busy_wait,
                }
            }
            Err(err) => {
                log_failure(&err, retry);
                let wait = retry;
                retry = (retry * 2).min(options.retry_max);
                wait
            }
        };
        tokio::select! {
            () = &mut stop => break,
            () = tokio::time::sleep(wait) => {}
        }
    }
    tracing::info!("telegram polling stopped");
}

enum Taken {
    All,
    Busy,
}

/// Hands the updates to the intake in order, advancing `offset` past each one taken.
async fn take(bot: &TelegramBot, updates: Vec<Value>, offset: &mut Option<i64>) -> Taken {
    for update in updates {
        let id = update.get("update_id").and_then(Value::as_i64);
        if intake::accept(bot, update).await == Intake::Busy {
            return Taken::Busy;
        }
        if let Some(id) = id {
            *offset = Some(offset.map_or(id + 1, |o| o.max(id + 1)));
        }
    }
    Taken::All
}

fn log_failure(err: &BotApiError, retry: Duration) {
    match err {
        BotApiError::Api { code: 409, .. } => tracing::error!(
            error = %err,
            retry_secs = retry.as_secs(),
            "Telegram refuses getUpdates while a webhook is set for this bot: run `vinbot telegram \
             delete-webhook` to poll, or use TELEGRAM_MODE=webhook"
        ),
        BotApiError::Api { code: 401, .. } | BotApiError::Api { code: 404, .. } => tracing::error!(
            error = %err,
            retry_secs = retry.as_secs(),
            "Telegram does not know this bot token (TELEGRAM_BOT_TOKEN)"
        ),
        _ => {
            tracing::warn!(error = %err, retry_secs = retry.as_secs(), "getUpdates failed; retrying")
        }
    }
}
