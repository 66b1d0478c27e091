//! The work queue between the webhook and the handler: bounded overall by permits
//! taken before the webhook answers, one worker task per active chat so updates of a chat are
//! handled in arrival order while chats proceed independently. A worker ends after a quiet
//! spell; the map of workers only holds active chats.

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
    time::Duration,
};

use frankenstein::updates::Update;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

/// How long a chat's worker waits for more work before it ends.
const WORKER_IDLE: Duration = Duration::from_secs(30);

/// Handles one update (the bot's behaviour).
pub trait UpdateHandler: Send + Sync + 'static {
    /// Does everything an update asks for; errors are logged inside.
    fn handle(&self, update: Update) -> impl Future<Output = ()> + Send;
}

/// A slot in the queue, taken before the webhook acknowledges.
pub struct Slot {
    _permit: OwnedSemaphorePermit,
}

struct Job {
    update: Update,
    _slot: Slot,
}

/// Per-chat ordered, globally bounded work queue.
pub struct Dispatcher<H> {
    capacity: u32,
    permits: Arc<Semaphore>,
    chats: Arc<Mutex<HashMap<i64, mpsc::UnboundedSender<Job>>>>,
    handler: Arc<H>,
}

impl<H: UpdateHandler> Dispatcher<H> {
    /// A queue holding at most `capacity` updates (queued or being handled).
    pub fn new(handler: Arc<H>, capacity: u32) -> Self {
        let capacity = capacity.max(1);
        Self {
            capacity,
            permits: Arc::new(Semaphore::new(capacity as usize)),
            chats: Arc::new(Mutex::new(HashMap::new())),
            handler,
        }
    }

    /// A slot, or `None` when the queue is full (the webhook then answers 503 so Telegram
    /// re-sends later, instead of accepting work it cannot do).
    pub fn try_reserve(&self) -> Option<Slot> {
        Arc::clone(&self.permits)
            .try_acquire_owned()
            .ok()
            .map(|p| Slot { _permit: p })
    }

    /// Hands the update to its chat's worker (starting one when needed); never waits.
    pub fn enqueue(&self, key: i64, update: Update, slot: Slot) {
        let mut job = Job {
            update,
            _slot: slot,
        };
        let Ok(mut chats) = self.chats.lock() else {
            tracing::error!("telegram queue lock poisoned; update dropped");
            return;
        };
        if let Some(tx) = chats.get(&key) {
            match tx.send(job) {
                Ok(()) => return,
                // The worker ended (idle or panicked): start a new one below.
                Err(mpsc::error::SendError(back)) => job = back,
            }
        }
        let (tx, rx) = mpsc::unbounded_channel();
        if tx.send(job).is_err() {
            return;
        }
        chats.insert(key, tx);
        tokio::spawn(worker(
            key,
            rx,
            Arc::clone(&self.chats),
            Arc::clone(&self.handler),
        ));
    }

    /// Updates queued or being handled.
    pub fn in_flight(&self) -> usize {
        self.capacity as usize - self.permits.available_permits()
    }

    /// Waits until every queued update is handled, at most `deadline` (for shutdown). Returns
    /// how many were still in flight at the deadline.
    pub async fn drain(&self, deadline: Duration) -> usize {
        let all = Arc::clone(&self.permits).acquire_many_owned(self.capacity);
        match tokio::time::timeout(deadline, all).await {
            Ok(_) => 0,
            Err(_) => self.in_flight(),
        }
    }
}

async fn worker<H: UpdateHandler>(
    key: i64,
    mut rx: mpsc::UnboundedReceiver<Job>,
    chats: Arc<Mutex<HashMap<i64, mpsc::UnboundedSender<Job>>>>,
    handler: Arc<H>,
) {
    loop {
        match tokio::time::timeout(WORKER_IDLE, rx.recv()).await {
            Ok(Some(job)) => {
                handler.handle(job.update).await;
                // `job._slot` is released here, after the work.
            }
            Ok(None) => return,
            Err(_) => {
                // Under the lock no new job can arrive between the check and the removal.
                let Ok(mut map) = chats.lock() else { return };
                if rx.is_empty() {
                    map.remove(&key);
                    return;
                }
            }
        }
    }
}
