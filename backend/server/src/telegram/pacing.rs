//! Outbound pacing: at most one message a second per chat and about thirty a second
//! overall, as Telegram asks of bots. Callers reserve a slot and sleep until it; nothing is
//! dropped, messages only wait.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use tokio::time::Instant;

/// Chats remembered before old entries are pruned.
const PRUNE_AT: usize = 1024;

/// Reserves send slots per chat and globally.
#[derive(Debug)]
pub struct Pacer {
    per_chat: Duration,
    global: Duration,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    next_global: Instant,
    next_chat: HashMap<i64, Instant>,
}

impl Pacer {
    /// A pacer allowing one message per `per_chat` to a chat and `per_second` overall.
    pub fn new(per_chat: Duration, per_second: u32) -> Self {
        Self {
            per_chat,
            global: Duration::from_secs(1) / per_second.max(1),
            state: Mutex::new(State {
                next_global: Instant::now(),
                next_chat: HashMap::new(),
            }),
        }
    }

    /// Waits until a message to `chat` (or a chat-less call such as `answerInlineQuery`) may go.
    pub async fn wait(&self, chat: Option<i64>) {
        if let Some(chat) = chat {
            let slot = self.reserve_chat(chat);
            tokio::time::sleep_until(slot).await;
        }
        let slot = self.reserve_global();
        tokio::time::sleep_until(slot).await;
        if let Some(chat) = chat {
            // The global wait may have pushed this send later than its chat slot: keep the next
            // message to this chat a full interval after the real send.
            let sent = Instant::now();
            if let Ok(mut state) = self.state.lock() {
                let next = state.next_chat.entry(chat).or_insert(sent);
                *next = (*next).max(sent + self.per_chat);
            }
        }
    }

    fn reserve_chat(&self, chat: i64) -> Instant {
        let now = Instant::now();
        let Ok(mut state) = self.state.lock() else {
            return now;
        };
        if state.next_chat.len() >= PRUNE_AT {
            state.next_chat.retain(|_, next| *next > now);
        }
        let next = state.next_chat.entry(chat).or_insert(now);
        let slot = (*next).max(now);
        *next = slot + self.per_chat;
        slot
    }

    fn reserve_global(&self) -> Instant {
        let now = Instant::now();
        let Ok(mut state) = self.state.lock() else {
            return now;
        };
        let slot = state.next_global.max(now);
        state.next_global = slot + self.global;
        slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_message_per_interval_per_chat() {
        let pacer = Pacer::new(Duration::from_millis(100), 1000);
        let start = Instant::now();
        for _ in 0..3 {
            pacer.wait(Some(7)).await;
        }
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    }

    #[tokio::test]
    async fn other_chats_do_not_wait_for_each_other() {
        let pacer = Pacer::new(Duration::from_secs(10), 1000);
        let start = Instant::now();
        for chat in 0..5 {
            pacer.wait(Some(chat)).await;
        }
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test]
    async fn global_rate_across_chats() {
        let pacer = Pacer::new(Duration::from_secs(1), 100);
        let start = Instant::now();
        for chat in 0..21 {
            pacer.wait(Some(chat)).await;
        }
        // 21 sends at 100/s need at least 200 ms.
        assert!(
            start.elapsed() >= Duration::from_millis(200),
            "{:?}",
            start.elapsed()
        );
    }
}
