//! Long polling (`TELEGRAM_MODE=polling`) against the same loopback Bot API: updates come from
//! `getUpdates` instead of the webhook and go through the same intake, queue and handler.

use std::collections::HashMap;

use vinbot_server::{
    config::TelegramMode,
    telegram::polling::{PollOptions, Poller},
};

use super::*;

/// A bot in polling mode (no webhook secret), de-duplicating through a fresh SQLite database,
/// served by an HTTP app so the webhook route can be checked too.
struct PollingBot {
    bot: Arc<TelegramBot>,
    api: FakeBotApi,
    poller: Option<Poller>,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
    _server: tokio::task::JoinHandle<std::io::Result<()>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Short long polls and retries.
fn fast() -> PollOptions {
    PollOptions {
        timeout_secs: 1,
        retry_initial: Duration::from_millis(50),
        retry_max: Duration::from_millis(200),
        busy_wait: Duration::from_millis(50),
        ..PollOptions::default()
    }
}

async fn spawn_polling_bot(webhook_still_set: bool) -> PollingBot {
    let api = FakeBotApi::start().await;
    api.set_webhook_active(webhook_still_set);
    let mut map: HashMap<&str, String> = HashMap::new();
    map.insert(
        "HOME",
        std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()),
    );
    map.insert("PORT", "0".into());
    map.insert("METRICS_PORT", "0".into());
    map.insert("TELEGRAM_BOT_TOKEN", TOKEN.into());
    map.insert("TELEGRAM_MODE", "polling".into());
    map.insert("TELEGRAM_API_BASE_URL", api.base_url());
    let settings = Settings::from_lookup(move |k| map.get(k).cloned()).expect("settings");
    let tg = settings
        .telegram
        .clone()
        .expect("a token alone turns the polling bot on");
    assert_eq!(tg.mode, TelegramMode::Polling);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = settings;
    settings.database_url = db::default_sqlite_url(dir.path()).into();
    // The test drives the poller itself (it stops and restarts it).
    let app = start(Application::builder(settings).poll_options(None)).await;
    let addr = app.local_addr();
    let bot = app.state().telegram.clone().expect("the bot is on");
    let poller = Poller::spawn(bot.clone(), fast());
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    PollingBot {
        bot,
        api,
        poller: Some(poller),
        addr,
        _dir: dir,
        _server: server,
        _stop: stop,
    }
}

#[tokio::test]
async fn polling_answers_exactly_as_the_webhook_does() {
    let polling = spawn_polling_bot(false).await;
    polling.api.push_update(text_update(1, HONDA, "en"));
    let sent = polling.api.wait_for("sendMessage", 1).await;
    assert_eq!(sent[0].json["chat_id"], CHAT);
    assert!(
        sent[0].json["text"].as_str().unwrap().contains("HONDA"),
        "{:?}",
        sent[0].json
    );

    // The same update through the webhook of a webhook-mode bot: the same reply, call for call.
    let webhook = spawn_bot().await;
    assert_eq!(
        webhook.post(&text_update(1, HONDA, "en")).await.status(),
        200
    );
    let via_webhook = webhook.api.wait_for("sendMessage", 1).await;
    assert_eq!(sent[0].json, via_webhook[0].json);

    // getUpdates asks for the bot's update kinds only, and confirms what it took by the offset.
    let calls = polling.api.wait_for("getUpdates", 2).await;
    assert_eq!(
        calls[0].json["allowed_updates"],
        json!(["message", "callback_query", "inline_query"])
    );
    assert_eq!(calls[1].json["offset"], 2, "{:?}", calls[1].json);
    assert_eq!(polling.api.pending_updates(), 0, "update 1 confirmed");
}

#[tokio::test]
async fn a_redelivered_update_is_answered_once_and_the_webhook_route_is_off() {
    let mut polling = spawn_polling_bot(false).await;
    polling.api.push_update(text_update(7, HONDA, "en"));
    polling.api.wait_for("sendMessage", 1).await;
    // A restart before the offset reached Telegram: update 7 comes again, then a new one.
    polling.poller.take().unwrap().stop().await;
    // The abandoned long poll (offset 8) ends within its 1 s timeout; after that nothing confirms.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    polling.api.push_update(text_update(7, HONDA, "en"));
    polling.api.push_update(text_update(8, "/help", "en"));
    polling.poller = Some(Poller::spawn(polling.bot.clone(), fast()));
    polling.api.wait_for("sendMessage", 2).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while Counters::get(&polling.bot.counters.handled) < 2 || polling.bot.in_flight() > 0 {
        assert!(Instant::now() < deadline, "updates not handled in time");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(Counters::get(&polling.bot.counters.duplicates), 1);
    assert_eq!(
        polling.api.calls_of("sendMessage").len(),
        2,
        "one reply per update"
    );

    // No webhook in this mode: the route answers as if the bot were off, secret or not.
    let resp = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("http://{}/telegram/webhook", polling.addr))
        .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
        .json(&text_update(9, HONDA, "en"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);

    let stopped = tokio::time::timeout(
        Duration::from_secs(5),
        polling.poller.take().unwrap().stop(),
    )
    .await;
    assert!(
        stopped.is_ok(),
        "the poller stops at once, even inside a long poll"
    );
}

#[tokio::test]
async fn a_webhook_still_set_is_retried_until_it_is_deleted() {
    let polling = spawn_polling_bot(true).await;
    polling.api.push_update(text_update(3, HONDA, "en"));
    // Telegram answers 409 while the webhook is set; the poller keeps asking, backing off.
    polling.api.wait_for("getUpdates", 3).await;
    assert!(polling.api.calls_of("sendMessage").is_empty());
    polling.api.set_webhook_active(false);
    let sent = polling.api.wait_for("sendMessage", 1).await;
    assert!(sent[0].json["text"].as_str().unwrap().contains("HONDA"));
}

#[tokio::test]
async fn vinbot_serve_polls_when_told_to() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = vinbot_server::config::data_dir_from(|k| std::env::var(k).ok()).unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_vinbot"))
        .arg("serve")
        .env("VINBOT_DATA_DIR", data_dir)
        .env("PORT", "0")
        .env("METRICS_PORT", "0")
        .env("DATABASE_URL", db::default_sqlite_url(dir.path()))
        .env("TELEGRAM_BOT_TOKEN", TOKEN)
        .env("TELEGRAM_MODE", "polling")
        // Warnings only: stderr is read only if the server exits, so it must not fill the pipe.
        .env("RUST_LOG", "warn")
        .env("TELEGRAM_API_BASE_URL", api.base_url())
        .env_remove("TELEGRAM_WEBHOOK_SECRET")
        .env_remove("REDIS_URL")
        .env_remove("APP_ENV")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start vinbot serve");
    // Starting loads the vPIC data, slow in a debug build on a busy machine: wait for the first poll.
    let deadline = Instant::now() + Duration::from_secs(180);
    while api.calls_of("getUpdates").is_empty() {
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            use tokio::io::AsyncReadExt;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .await
                .ok();
            panic!("vinbot serve exited with {status}:\n{err}");
        }
        assert!(
            Instant::now() < deadline,
            "vinbot serve never called getUpdates"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    api.push_update(text_update(21, HONDA, "en"));
    let sent = api.wait_for("sendMessage", 1).await;
    assert!(sent[0].json["text"].as_str().unwrap().contains("HONDA"));
    child.kill().await.ok();
}
