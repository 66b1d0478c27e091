//! The bot's account features against the loopback Bot API: the Save button under each card,
//! `/garage`, `/history` (whole VINs: the user's own decodes), and `/forget` with its
//! confirmation, which erases the user's data.

use std::time::Duration;

use serde_json::{Value, json};
use vinbot_server::{config::Settings, db, history::History, startup::Application};

use super::{BotApp, CHAT, HONDA, settings, text_update, user};
use crate::fake_api::FakeBotApi;

const ANN: i64 = 987_654_321;

/// The bot with a database and a recorder (the history needs both).
async fn spawn_with_history() -> (BotApp, History) {
    spawn_with_history_where(|_| {}).await
}

/// [`spawn_with_history`] with settings of the test's own.
async fn spawn_with_history_where(tweak: impl FnOnce(&mut Settings)) -> (BotApp, History) {
    let api = FakeBotApi::start().await;
    let mut settings = settings(&api);
    tweak(&mut settings);
    let dir = tempfile::tempdir().expect("tempdir");
    settings.database_url = db::default_sqlite_url(dir.path()).into();
    let app = super::start(Application::builder(settings)).await;
    let history = app.state().history.clone().expect("history is on");
    let bot = app.state().telegram.clone().expect("the bot is on");
    let addr = app.local_addr();
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    let app = BotApp {
        addr,
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
        bot,
        api,
        _dir: dir,
        _server: server,
        _stop: stop,
    };
    (app, history)
}

fn callback(update_id: i64, from: Value, data: &str) -> Value {
    json!({
        "update_id": update_id,
        "callback_query": {
            "id": format!("cb{update_id}"),
            "from": from,
            "message": {
                "message_id": 1000,
                "from": {"id": 424242, "is_bot": true, "first_name": "VIN bot", "username": "vin_test_bot"},
                "chat": {"id": CHAT, "type": "private", "first_name": "Ann"},
                "date": 1_700_000_000,
                "text": "card"
            },
            "chat_instance": "-1234567890",
            "data": data
        }
    })
}

fn last_text(app: &BotApp) -> String {
    let sent = app.api.calls_of("sendMessage");
    sent.last().expect("a message").json["text"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn last_answer(app: &BotApp) -> Value {
    app.api
        .calls_of("answerCallbackQuery")
        .last()
        .expect("an answer")
        .json
        .clone()
}

async fn wait_written(history: &History, n: u64) {
    let mut progress = history.recorder.progress();
    tokio::time::timeout(
        Duration::from_secs(30),
        progress.wait_for(|c| c.written >= n),
    )
    .await
    .expect("written in time")
    .expect("recorder alive");
}

#[tokio::test]
async fn save_button_fills_the_garage_and_history_keeps_whole_vins() {
    let (app, history) = spawn_with_history().await;
    app.post(&text_update(1, HONDA, "en")).await;
    app.wait_handled(1).await;
    let card = &app.api.calls_of("sendMessage")[0].json;
    let row = &card["reply_markup"]["inline_keyboard"][0];
    assert_eq!(row[1]["callback_data"], format!("s:{HONDA}"), "{card}");
    assert_eq!(row[1]["text"], "💾 Save");

    app.post(&callback(2, user("en"), &format!("s:{HONDA}")))
        .await;
    app.wait_handled(2).await;
    assert_eq!(last_answer(&app)["text"], "Saved to your garage.");
    app.post(&callback(3, user("de"), &format!("s:{HONDA}")))
        .await;
    app.wait_handled(3).await;
    assert_eq!(last_answer(&app)["text"], "Schon in deiner Garage.");

    app.post(&text_update(4, "/garage", "en")).await;
    app.wait_handled(4).await;
    let garage = last_text(&app);
    assert!(garage.starts_with("<b>Your garage</b>"), "{garage}");
    assert!(
        garage.contains(&format!("<code>{HONDA}</code>")) && garage.contains("Accord"),
        "{garage}"
    );

    wait_written(&history, 1).await;
    app.post(&text_update(5, "/history", "en")).await;
    app.wait_handled(5).await;
    let text = last_text(&app);
    assert!(text.starts_with("<b>Your last decodes</b>"), "{text}");
    assert!(
        text.contains(&format!("<code>{HONDA}</code> 2003 HONDA Accord")),
        "{text}"
    );
    let stored = db::user_history(&history.db, ANN, &db::HistoryFilter::default(), None, 10)
        .await
        .unwrap();
    assert_eq!(
        stored[0].vin, HONDA,
        "a user's own decode keeps the whole VIN"
    );
}

#[tokio::test]
async fn forget_erases_after_a_fresh_confirmation_by_the_same_user() {
    let (app, history) = spawn_with_history().await;
    app.post(&text_update(1, HONDA, "en")).await;
    app.post(&callback(2, user("en"), &format!("s:{HONDA}")))
        .await;
    app.wait_handled(2).await;
    wait_written(&history, 1).await;

    app.post(&text_update(3, "/forget", "en")).await;
    app.wait_handled(3).await;
    let ask = app.api.calls_of("sendMessage").last().unwrap().json.clone();
    let buttons = &ask["reply_markup"]["inline_keyboard"][0];
    assert_eq!(buttons[1]["callback_data"], "x:no");
    let yes = buttons[0]["callback_data"].as_str().unwrap().to_owned();
    assert!(yes.starts_with(&format!("x:{ANN}:")), "{yes}");

    // Somebody else pressing it, or an old confirmation, erases nothing.
    let mut mallory = user("en");
    mallory["id"] = json!(5);
    app.post(&callback(4, mallory, &yes)).await;
    app.post(&callback(5, user("en"), &format!("x:{ANN}:1000")))
        .await;
    app.wait_handled(5).await;
    let answers = app.api.calls_of("answerCallbackQuery");
    for a in &answers[answers.len() - 2..] {
        assert!(
            a.json["text"].as_str().unwrap().contains("expired"),
            "{:?}",
            a.json
        );
    }
    assert_eq!(db::list_vehicles(&history.db, ANN).await.unwrap().len(), 1);

    app.post(&callback(6, user("en"), &yes)).await;
    app.wait_handled(6).await;
    let done = last_text(&app);
    assert!(done.starts_with("Done."), "{done}");
    assert!(
        db::list_vehicles(&history.db, ANN)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(db::find_user(&history.db, ANN).await.unwrap().is_none());
    let left = db::user_history(&history.db, ANN, &db::HistoryFilter::default(), None, 10)
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");

    // In a group the account commands refuse to speak.
    let mut group = text_update(7, "/history@vin_test_bot", "en");
    group["message"]["chat"] = json!({"id": -100, "type": "group", "title": "cars"});
    app.post(&group).await;
    app.wait_handled(7).await;
    assert_eq!(
        last_text(&app),
        "Use this command in a private chat with me."
    );
}

#[tokio::test]
async fn stats_are_for_admins_unless_they_are_public() {
    const DENIED: &str = "Statistics are for the administrators of this bot.";
    let (app, _history) = spawn_with_history().await;
    app.post(&text_update(1, "/stats", "en")).await;
    app.wait_handled(1).await;
    assert_eq!(
        last_text(&app),
        DENIED,
        "not an admin, statistics not public"
    );

    let (app, _history) = spawn_with_history_where(|s| s.auth.admin_telegram_ids = vec![ANN]).await;
    app.post(&text_update(1, "/stats", "en")).await;
    app.wait_handled(1).await;
    let text = last_text(&app);
    assert!(
        text.starts_with("<b>"),
        "an admin gets the statistics: {text}"
    );
    assert_ne!(text, DENIED);

    let (app, _history) = spawn_with_history_where(|s| s.auth.stats_public = true).await;
    app.post(&text_update(1, "/stats", "de")).await;
    app.wait_handled(1).await;
    let text = last_text(&app);
    assert!(text.starts_with("<b>"), "public statistics: {text}");
}
