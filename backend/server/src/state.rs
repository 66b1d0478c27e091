//! The one application state, built once at start (by [`crate::startup`]) and handed to every
//! handler explicitly. It only holds what the features built: each feature starts on its own
//! (from the settings and what it needs) and never sees this state, so the state depends on the
//! features and no feature depends on the state.

use std::{sync::Arc, time::Instant};

use vinbot_decoder::Decoder;

pub use crate::data::ElementIndex;
use crate::{
    auth::Auth,
    config::Settings,
    data::{LiveData, Loaded},
    db::Channel,
    history::{DecodeRecording, History},
    ratelimit::RateLimits,
    readiness::{self, ReadinessCheck},
    telegram::TelegramBot,
};

/// Shared, immutable application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// The vPIC data, switchable while serving; read it through [`AppState::decoder`] or
    /// [`AppState::data`].
    data: LiveData,
    /// Validated settings.
    pub settings: Arc<Settings>,
    /// When this process started serving (for uptime).
    pub started_at: Instant,
    /// Readiness checks registered by optional parts (database, Redis).
    pub readiness: Arc<Vec<Arc<dyn ReadinessCheck>>>,
    /// The Telegram bot; `None` when it is off (the webhook answers 404).
    pub telegram: Option<Arc<TelegramBot>>,
    /// Decode history and statistics: database, recorder, stats cache. `None` in tests that
    /// build a state without a database; recording is then skipped and stats answer 503.
    pub history: Option<History>,
    /// Rate limits and API keys of the decode routes; `None` means unlimited.
    pub rate_limits: Option<Arc<RateLimits>>,
    /// Sign-in, sessions and access control; `None` without a database (the `/me` and
    /// sign-in routes then answer 503, admin routes refuse everyone).
    pub auth: Option<Arc<Auth>>,
}

impl AppState {
    /// State with the data (a decoder, or live data shared with the bot) and settings and no
    /// optional parts.
    pub fn new(data: impl Into<LiveData>, settings: Settings) -> Self {
        Self {
            data: data.into(),
            settings: Arc::new(settings),
            started_at: Instant::now(),
            readiness: Arc::new(Vec::new()),
            telegram: None,
            history: None,
            rate_limits: None,
            auth: None,
        }
    }

    /// The decoder of the data now current (a cheap handle sharing the data). Read it once per request
    /// and keep it: every result of one request then comes from the same vPIC data, even when a
    /// reload switches the data meanwhile.
    pub fn decoder(&self) -> Decoder {
        self.data.decoder()
    }

    /// vPIC elements by code and by lower-cased name (of the data now current), for the NHTSA
    /// routes.
    pub fn elements(&self) -> Arc<ElementIndex> {
        self.data.current().elements
    }

    /// The data now current: decoder, elements, when it was loaded.
    pub fn data(&self) -> Loaded {
        self.data.current()
    }

    /// The live data itself (to reload it).
    pub fn live_data(&self) -> &LiveData {
        &self.data
    }

    /// Records the decodes of one request on `channel` (a no-op without decode history).
    pub fn recording(&self, channel: Channel) -> DecodeRecording {
        DecodeRecording::new(self.history.as_ref().map(|h| h.recorder.clone()), channel)
    }

    /// Turns the Telegram bot on (builder style, before the state is shared).
    pub fn with_telegram(mut self, bot: Arc<TelegramBot>) -> Self {
        self.telegram = Some(bot);
        self
    }

    /// Attaches decode history and registers its database readiness check.
    pub fn with_history(mut self, history: History) -> Self {
        let check = history.readiness_check();
        self.history = Some(history);
        self.with_readiness_check(check)
    }

    /// Turns on rate limits (and API keys) on the decode routes.
    pub fn with_rate_limits(mut self, limits: Arc<RateLimits>) -> Self {
        self.rate_limits = Some(limits);
        self
    }

    /// Turns on sign-in, sessions and access control.
    pub fn with_auth(mut self, auth: Arc<Auth>) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Adds a readiness check (builder style, before the state is shared). Its changes of
    /// outcome are logged, once each.
    pub fn with_readiness_check(mut self, check: Arc<dyn ReadinessCheck>) -> Self {
        Arc::make_mut(&mut self.readiness).push(readiness::logged(check));
        self
    }
}
