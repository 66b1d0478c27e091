//! The one application state, built once at start and handed to every handler explicitly.
//! Other modules plug in here: a database handle, a Redis client, readiness checks.

use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc, time::Instant};

use vinbot_decoder::{Decoder, ElementInfo};

use crate::config::Settings;

/// Outcome of one readiness check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// Working.
    Ok,
    /// Not working; decoding still works without it (the instance is degraded, not down).
    Degraded(String),
    /// Not working and the instance cannot serve (the instance is unavailable).
    Down(String),
}

/// A dependency that `/health/ready` asks about (database, Redis, ...).
pub trait ReadinessCheck: Send + Sync {
    /// Short stable name, the key under `checks`.
    fn name(&self) -> &'static str;
    /// Probe the dependency; implementations bound their own time.
    fn check(&self) -> Pin<Box<dyn Future<Output = CheckOutcome> + Send + '_>>;
}

/// Shared, immutable application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// The decoding engine with its loaded vPIC snapshot.
    pub decoder: Arc<Decoder>,
    /// Validated settings.
    pub settings: Arc<Settings>,
    /// When this process started serving (for uptime).
    pub started_at: Instant,
    /// vPIC elements by code and by lower-cased name, for the NHTSA routes.
    pub elements: Arc<ElementIndex>,
    /// Readiness checks registered by optional parts (database, Redis).
    pub readiness: Arc<Vec<Arc<dyn ReadinessCheck>>>,
    // --- telegram (issue 8) ---
    /// The Telegram bot; `None` when it is off (the webhook answers 404).
    pub telegram: Option<Arc<crate::telegram::TelegramBot>>,
    // --- end telegram ---
    // -- history (issue 6) --
    /// Decode history and statistics: database, recorder, stats cache. `None` in tests that
    /// build a state without a database; recording is then skipped and stats answer 503.
    pub history: Option<crate::history::History>,
    // -- end history --
    /// Rate limits and API keys of the decode routes; `None` means unlimited (issue 7).
    pub rate_limits: Option<Arc<crate::ratelimit::RateLimits>>,
}

impl AppState {
    /// State with the decoder and settings and no optional parts.
    pub fn new(decoder: Arc<Decoder>, settings: Settings) -> Self {
        let elements = Arc::new(ElementIndex::new(decoder.elements()));
        Self {
            decoder,
            settings: Arc::new(settings),
            started_at: Instant::now(),
            elements,
            readiness: Arc::new(Vec::new()),
            telegram: None,
            history: None,
            rate_limits: None,
        }
    }

    /// Turns the Telegram bot on (builder style, before the state is shared).
    pub fn with_telegram(mut self, bot: Arc<crate::telegram::TelegramBot>) -> Self {
        self.telegram = Some(bot);
        self
    }

    /// Attaches decode history and registers its database readiness check.
    pub fn with_history(mut self, history: crate::history::History) -> Self {
        let check = history.readiness_check();
        self.history = Some(history);
        self.with_readiness_check(check)
    }

    /// Turns on rate limits (and API keys) on the decode routes.
    pub fn with_rate_limits(mut self, limits: Arc<crate::ratelimit::RateLimits>) -> Self {
        self.rate_limits = Some(limits);
        self
    }

    /// Adds a readiness check (builder style, before the state is shared).
    pub fn with_readiness_check(mut self, check: Arc<dyn ReadinessCheck>) -> Self {
        Arc::make_mut(&mut self.readiness).push(check);
        self
    }
}

/// Lookups over the decoder's element list.
pub struct ElementIndex {
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    by_id: HashMap<u16, usize>,
    elements: Vec<ElementInfo>,
}

impl ElementIndex {
    fn new(elements: &[ElementInfo]) -> Self {
        let mut index = Self {
            by_code: HashMap::new(),
            by_name: HashMap::new(),
            by_id: HashMap::new(),
            elements: elements.to_vec(),
        };
        for (i, e) in elements.iter().enumerate() {
            index.by_code.insert(e.code.clone(), i);
            index.by_name.insert(e.name.to_lowercase(), i);
            index.by_id.insert(e.id, i);
        }
        index
    }

    /// The element with this vPIC code (`BodyClass`).
    pub fn by_code(&self, code: &str) -> Option<&ElementInfo> {
        self.by_code.get(code).map(|&i| &self.elements[i])
    }

    /// The element by id, code or (case-insensitive) name, as vPIC's variable routes accept.
    pub fn find(&self, key: &str) -> Option<&ElementInfo> {
        let key = key.trim();
        if let Ok(id) = key.parse::<u16>() {
            return self.by_id.get(&id).map(|&i| &self.elements[i]);
        }
        self.by_code(key).or_else(|| {
            self.by_name
                .get(&key.to_lowercase())
                .map(|&i| &self.elements[i])
        })
    }

    /// All elements in the decoder's order.
    pub fn all(&self) -> &[ElementInfo] {
        &self.elements
    }
}
