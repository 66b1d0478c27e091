//! The Telegram bot (docs/TELEGRAM.md). Updates arrive by webhook (`POST /telegram/webhook`
//! authenticates and answers at once) or by long polling ([`polling`], `TELEGRAM_MODE=polling`);
//! both hand them to [`intake`], which de-duplicates and queues them; per-chat workers decode
//! VINs and answer through a paced, retrying Bot API client.
//!
//! Parts: [`webhook`] (the HTTP endpoint), [`account`] (history, garage, Save, `/forget`), [`dedupe`] (update ids seen), [`queue`] (per-chat
//! ordered work), [`handler`] (behaviour), [`document`] (files of VINs), [`render`], [`i18n`],
//! [`html`] (escaping, splitting), [`client`] + [`pacing`] (outbound), [`vins`] (finding VINs).

pub mod account;
pub mod account_i18n;
pub mod client;
pub mod dedupe;
pub mod document;
pub mod handler;
pub mod html;
pub mod i18n;
pub mod intake;
pub mod pacing;
pub mod polling;
pub mod queue;
pub mod render;
pub mod vins;
pub mod webhook;

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use crate::{
    auth::Auth,
    config::{TelegramMode, TelegramSettings},
    data::LiveData,
    db::recorder::RecorderHandle,
};
use client::{BotApi, BotApiError, ClientOptions};
use dedupe::UpdateDedup;
use handler::Handler;
use queue::Dispatcher;
use sea_orm::DatabaseConnection;
use secrecy::SecretString;

/// Limits of the bot. Not read from the environment; tests may shrink them.
#[derive(Debug, Clone)]
pub struct BotOptions {
    /// Outbound client tuning (pacing, retries).
    pub client: ClientOptions,
    /// Updates queued or in work at once; beyond it the webhook answers 503 and Telegram re-sends.
    pub queue_capacity: u32,
    /// Largest webhook body (413 beyond).
    pub max_body_bytes: usize,
    /// Largest document of VINs accepted.
    pub max_document_bytes: u64,
    /// Most VINs decoded from one document.
    pub max_document_vins: usize,
    /// Documents with more VINs than this get a progress message.
    pub progress_threshold: usize,
    /// Updates remembered by the in-process de-duplication (only without a database).
    pub in_process_dedup_capacity: usize,
}

impl Default for BotOptions {
    fn default() -> Self {
        Self {
            client: ClientOptions::default(),
            queue_capacity: 1000,
            max_body_bytes: 1024 * 1024,
            max_document_bytes: 2 * 1024 * 1024,
            max_document_vins: 10_000,
            progress_threshold: 200,
            in_process_dedup_capacity: 100_000,
        }
    }
}

/// What the bot may use beyond the decoder: all optional, each adds a feature.
#[derive(Clone, Default)]
pub struct BotDeps {
    /// The database: users, `/stats`, and de-duplication when `dedup` is not given.
    pub db: Option<DatabaseConnection>,
    /// Records decodes (channel `telegram`, user id).
    pub recorder: Option<RecorderHandle>,
    /// De-duplication store (Redis, ...); defaults to the database, else in-process.
    pub dedup: Option<Arc<dyn UpdateDedup>>,
    /// Who may read `/stats`: admins (`ADMIN_TELEGRAM_IDS`), or everyone when the statistics are public
    /// (`STATS_PUBLIC`), as on the HTTP statistics routes. `None`: everyone.
    pub auth: Option<Arc<Auth>>,
}

/// Counts of webhook outcomes (also exported as `vinbot_telegram_updates_total{outcome}`).
#[derive(Debug, Default)]
pub struct Counters {
    /// Authenticated, new and queued.
    pub accepted: AtomicU64,
    /// Re-deliveries skipped.
    pub duplicates: AtomicU64,
    /// Authenticated but not an update we can read (answered 200).
    pub unparseable: AtomicU64,
    /// Missing or wrong secret.
    pub unauthorized: AtomicU64,
    /// Refused because the queue was full or the de-duplication store failed (503).
    pub refused: AtomicU64,
    /// Updates whose handling finished.
    pub handled: AtomicU64,
}

impl Counters {
    pub(crate) fn bump(&self, counter: &AtomicU64, outcome: &'static str) {
        counter.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("vinbot_telegram_updates_total", "outcome" => outcome).increment(1);
    }

    /// A counter's value.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// The running bot: shared by the webhook route and the CLI.
pub struct TelegramBot {
    pub(crate) secret: SecretString,
    /// Webhook or polling.
    pub mode: TelegramMode,
    pub(crate) api: Arc<BotApi>,
    pub(crate) options: BotOptions,
    pub(crate) dedup: Arc<dyn UpdateDedup>,
    pub(crate) dispatcher: Dispatcher<Handler>,
    /// Webhook outcome counters.
    pub counters: Arc<Counters>,
}

impl std::fmt::Debug for TelegramBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramBot")
            .field("dedup", &self.dedup.name())
            .finish_non_exhaustive()
    }
}

impl TelegramBot {
    /// Builds the bot; spawns nothing until updates arrive (must run inside a tokio runtime).
    pub fn new(
        settings: &TelegramSettings,
        data: impl Into<LiveData>,
        deps: BotDeps,
        options: BotOptions,
    ) -> Result<Self, BotApiError> {
        let api = Arc::new(BotApi::new(settings, options.client.clone())?);
        let dedup: Arc<dyn UpdateDedup> = match (&deps.dedup, &deps.db) {
            (Some(d), _) => Arc::clone(d),
            (None, Some(db)) => Arc::new(dedupe::DbDedup::new(db.clone())),
            (None, None) => {
                tracing::warn!(
                    "telegram: no database or Redis for update de-duplication; using process memory (one instance only)"
                );
                Arc::new(dedupe::InProcessDedup::new(
                    options.in_process_dedup_capacity,
                ))
            }
        };
        let counters = Arc::new(Counters::default());
        let handler = Arc::new(Handler::new(
            Arc::clone(&api),
            data.into(),
            bot_id(settings),
            deps,
            options.clone(),
            Arc::clone(&counters),
        ));
        Ok(Self {
            secret: settings.webhook_secret.clone(),
            mode: settings.mode,
            api,
            dispatcher: Dispatcher::new(handler, options.queue_capacity),
            options,
            dedup,
            counters,
        })
    }

    /// Updates queued or in work.
    pub fn in_flight(&self) -> usize {
        self.dispatcher.in_flight()
    }

    /// Waits for queued updates to finish, at most `deadline`; returns how many were left.
    pub async fn drain(&self, deadline: std::time::Duration) -> usize {
        self.dispatcher.drain(deadline).await
    }
}

/// The bot's own user id: the digits before `:` in its token (to recognise replies to it).
fn bot_id(settings: &TelegramSettings) -> Option<u64> {
    use secrecy::ExposeSecret;
    settings
        .bot_token
        .expose_secret()
        .split(':')
        .next()
        .and_then(|id| id.parse().ok())
}
