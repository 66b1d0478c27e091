//! The Telegram bot against a real HTTP server on loopback playing the Bot API
//! (authentication, de-duplication, ordering, retries, pacing, documents). Update bodies follow
//! the Bot API's documented shapes (https://core.telegram.org/bots/api#update).
#![recursion_limit = "256"]

mod account;
mod fake_api;
mod polling;

use vinbot_decoder::Decoder;
use vinbot_testkit::fixture as decoder_fixture;

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use fake_api::{FakeBotApi, TOKEN};
use serde_json::{Value, json};
use vinbot_server::{
    config::Settings,
    db,
    startup::{Application, Builder},
    telegram::{BotOptions, Counters, TelegramBot},
};

const SECRET: &str = "test-webhook-secret-0123456789-abcdefghij";
const CHAT: i64 = 111_222_333;
const HONDA: &str = "1HGCM82633A004352";

use vinbot_testkit::app::decoder;

fn settings(api: &FakeBotApi) -> Settings {
    let mut map: HashMap<&str, String> = HashMap::new();
    map.insert(
        "HOME",
        std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()),
    );
    map.insert("PORT", "0".into());
    map.insert("METRICS_PORT", "0".into());
    // Never the default database in the shared data directory.
    map.insert("DATABASE_URL", "sqlite::memory:".into());
    map.insert("TELEGRAM_BOT_TOKEN", TOKEN.into());
    map.insert("TELEGRAM_WEBHOOK_SECRET", SECRET.into());
    map.insert("TELEGRAM_API_BASE_URL", api.base_url());
    Settings::from_lookup(move |k| map.get(k).cloned()).expect("settings")
}

/// The production server on loopback with this process's decoder.
async fn start(builder: Builder) -> Application {
    start_on(builder, decoder()).await
}

/// The production server on loopback with `decoder`.
async fn start_on(builder: Builder, decoder: Decoder) -> Application {
    builder
        .decoder(decoder)
        .host(std::net::Ipv4Addr::LOCALHOST.into())
        .build()
        .await
        .expect("start the server")
}

/// The server with the bot on, de-duplicating through a fresh SQLite database.
struct BotApp {
    addr: SocketAddr,
    http: reqwest::Client,
    bot: Arc<TelegramBot>,
    api: FakeBotApi,
    _dir: tempfile::TempDir,
    _server: tokio::task::JoinHandle<std::io::Result<()>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn spawn_bot() -> BotApp {
    spawn_bot_with(BotOptions::default()).await
}

async fn spawn_bot_with(options: BotOptions) -> BotApp {
    spawn_bot_on(decoder(), options).await
}

async fn spawn_bot_on(decoder: Decoder, options: BotOptions) -> BotApp {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = settings(&api);
    settings.database_url = db::default_sqlite_url(dir.path()).into();
    let app = start_on(Application::builder(settings).bot_options(options), decoder).await;
    let addr = app.local_addr();
    let bot = app.state().telegram.clone().expect("the bot is on");
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    BotApp {
        addr,
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
        bot,
        api,
        _dir: dir,
        _server: server,
        _stop: stop,
    }
}

impl BotApp {
    fn url(&self) -> String {
        format!("http://{}/telegram/webhook", self.addr)
    }

    async fn post(&self, update: &Value) -> reqwest::Response {
        self.http
            .post(self.url())
            .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
            .json(update)
            .send()
            .await
            .expect("webhook reachable")
    }

    /// Waits until `n` updates were handled and the queue is empty.
    async fn wait_handled(&self, n: u64) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut ticker = tokio::time::interval(Duration::from_millis(20));
        while Counters::get(&self.bot.counters.handled) < n || self.bot.in_flight() > 0 {
            assert!(Instant::now() < deadline, "updates not handled in time");
            ticker.tick().await;
        }
    }
}

fn user(lang: &str) -> Value {
    json!({"id": 987654321, "is_bot": false, "first_name": "Ann", "last_name": "Lee", "username": "ann", "language_code": lang})
}

/// A private text message update, as the Bot API documents it.
fn text_update(update_id: i64, text: &str, lang: &str) -> Value {
    json!({
        "update_id": update_id,
        "message": {
            "message_id": 50 + update_id,
            "from": user(lang),
            "chat": {"id": CHAT, "first_name": "Ann", "last_name": "Lee", "username": "ann", "type": "private"},
            "date": 1_700_000_000,
            "text": text
        }
    })
}

/// Every `&` starts an entity and every `<` one of the tags we use.
fn assert_valid_html(text: &str) {
    for (i, _) in text.match_indices('&') {
        let rest = &text[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;"]
                .iter()
                .any(|e| rest.starts_with(e)),
            "bare & in {text:?}"
        );
    }
    for (i, _) in text.match_indices('<') {
        let rest = &text[i..];
        assert!(
            [
                "<b>", "</b>", "<i>", "</i>", "<code>", "</code>", "<u>", "</u>"
            ]
            .iter()
            .any(|t| rest.starts_with(t)),
            "unexpected tag in {text:?}"
        );
    }
}

#[tokio::test]
async fn secret_absent_or_wrong_is_401_and_nothing_runs() {
    let app = spawn_bot().await;
    let update = text_update(1, HONDA, "en");
    let absent = app.http.post(app.url()).json(&update).send().await.unwrap();
    assert_eq!(absent.status(), 401);
    let body: Value = absent.json().await.unwrap();
    assert_eq!(body["code"], "unauthorized");
    let wrong = app
        .http
        .post(app.url())
        .header("X-Telegram-Bot-Api-Secret-Token", format!("{SECRET}x"))
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(Counters::get(&app.bot.counters.unauthorized), 2);
    assert_eq!(Counters::get(&app.bot.counters.accepted), 0);
    assert_eq!(app.bot.in_flight(), 0);

    let right = app.post(&update).await;
    assert_eq!(right.status(), 200);
    let sent = app.api.wait_for("sendMessage", 1).await;
    // The two refused deliveries never reached the handler: one reply, to the accepted one.
    app.wait_handled(1).await;
    assert_eq!(app.api.calls_of("sendMessage").len(), 1);
    let text = sent[0].json["text"].as_str().unwrap();
    assert!(text.contains(HONDA), "{text}");
    assert!(text.to_uppercase().contains("HONDA"), "{text}");
    assert_eq!(sent[0].json["parse_mode"], "HTML");
    assert_eq!(sent[0].json["reply_parameters"]["message_id"], 51);
    assert_valid_html(text);
    let button = &sent[0].json["reply_markup"]["inline_keyboard"][0][0];
    assert_eq!(button["callback_data"], format!("f:{HONDA}"));
}

#[tokio::test]
async fn bot_off_method_type_and_size_are_refused() {
    // Bot off: 404.
    let api = FakeBotApi::start().await;
    let mut s = settings(&api);
    s.telegram = None;
    let app = start(Application::builder(s)).await;
    let addr = app.local_addr();
    let (_stop, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let off = http
        .post(format!("http://{addr}/telegram/webhook"))
        .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
        .json(&text_update(1, HONDA, "en"))
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), 404);

    let app = spawn_bot().await;
    let get = app
        .http
        .get(app.url())
        .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
    let text = app
        .http
        .post(app.url())
        .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
    let big = format!(
        "{{\"update_id\": 1, \"pad\": \"{}\"}}",
        "x".repeat(1024 * 1024 + 10)
    );
    let too_big = app
        .http
        .post(app.url())
        .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), 413);

    // Authenticated but unreadable → 200, counted, nothing sent.
    for body in [
        json!({"no_update_id": true}),
        json!({"update_id": 9, "message": {"weird": 1}}),
    ] {
        let r = app.post(&body).await;
        assert_eq!(r.status(), 200);
    }
    let not_json = app
        .http
        .post(app.url())
        .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 200);
    assert_eq!(Counters::get(&app.bot.counters.unparseable), 3);
    assert_eq!(Counters::get(&app.bot.counters.accepted), 0);
    assert!(app.api.calls().is_empty());
}

#[tokio::test]
async fn same_update_ten_times_concurrently_gets_one_reply() {
    let app = spawn_bot().await;
    let update = text_update(77, HONDA, "en");
    let posts = (0..10).map(|_| app.post(&update));
    let statuses: Vec<u16> = futures_util::future::join_all(posts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses, vec![200; 10]);
    app.wait_handled(1).await;
    assert_eq!(Counters::get(&app.bot.counters.accepted), 1);
    assert_eq!(Counters::get(&app.bot.counters.duplicates), 9);
    assert_eq!(app.api.calls_of("sendMessage").len(), 1);
}

#[tokio::test]
async fn slow_bot_api_does_not_delay_the_ack() {
    let app = spawn_bot().await;
    app.api.set_delay(Duration::from_secs(5));
    let started = Instant::now();
    let r = app.post(&text_update(5, HONDA, "en")).await;
    let elapsed = started.elapsed();
    assert_eq!(r.status(), 200);
    assert!(
        elapsed < Duration::from_secs(1),
        "webhook answered in {elapsed:?}"
    );
    // A second update of the same chat is also acknowledged at once while the first is stuck.
    let started = Instant::now();
    assert_eq!(app.post(&text_update(6, "/help", "en")).await.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(1));
    eprintln!("ack with a 5 s Bot API: {elapsed:?}");
    // The reply still goes out (after the delay).
    app.api.wait_for("sendMessage", 1).await;
}

#[tokio::test]
async fn long_replies_are_split_under_4096_on_line_boundaries() {
    let app = spawn_bot().await;
    // 20 distinct VINs (most with a wrong check digit, so repair candidates lengthen the cards).
    let vins: Vec<String> = (0..20).map(|i| format!("1HGCM82633A0043{i:02}")).collect();
    app.post(&text_update(8, &vins.join("\n"), "en")).await;
    app.wait_handled(1).await;
    let sent = app.api.calls_of("sendMessage");
    assert!(
        sent.len() >= 2,
        "expected a split reply, got {} message(s)",
        sent.len()
    );
    let mut all = String::new();
    for (i, call) in sent.iter().enumerate() {
        let text = call.json["text"].as_str().unwrap();
        assert!(
            text.chars().count() <= 4096,
            "part {i} has {} chars",
            text.chars().count()
        );
        assert_valid_html(text);
        // Keyboard only under the last part.
        assert_eq!(call.json.get("reply_markup").is_some(), i + 1 == sent.len());
        all.push_str(text);
    }
    for vin in &vins {
        assert!(all.contains(vin.as_str()), "{vin} missing");
    }
    // Per-chat pacing: parts at least ~1 s apart.
    let gap = sent[1].at.duration_since(sent[0].at);
    assert!(gap >= Duration::from_millis(900), "parts {gap:?} apart");
}

#[tokio::test]
async fn start_and_help_name_the_month_of_the_loaded_data() {
    let app = spawn_bot().await;
    let date = decoder().identity().data_date.clone();
    let month = &date[..7];
    app.post(&text_update(21, "/start", "en")).await;
    app.wait_handled(1).await;
    app.post(&text_update(22, "/help", "ru")).await;
    app.wait_handled(2).await;
    let sent = app.api.calls_of("sendMessage");
    assert_eq!(sent.len(), 2);
    let start = sent[0].json["text"].as_str().unwrap();
    assert!(
        start.ends_with(&format!("<i>Data: NHTSA vPIC of {month} ({date}).</i>")),
        "{start}"
    );
    let help = sent[1].json["text"].as_str().unwrap();
    assert!(
        help.ends_with(&format!("<i>Данные: NHTSA vPIC за {month} ({date}).</i>")),
        "{help}"
    );
    assert_valid_html(start);
    assert_valid_html(help);
}

#[tokio::test]
async fn all_fields_button_sends_the_full_list_in_the_users_language() {
    let app = spawn_bot().await;
    let update = json!({
        "update_id": 12,
        "callback_query": {
            "id": "4382bfdwdsb323b2d9",
            "from": user("ru"),
            "message": {
                "message_id": 1000,
                "from": {"id": 424242, "is_bot": true, "first_name": "VIN bot", "username": "vin_test_bot"},
                "chat": {"id": CHAT, "type": "private", "first_name": "Ann"},
                "date": 1_700_000_000,
                "text": "card"
            },
            "chat_instance": "-1234567890",
            "data": format!("f:{HONDA}")
        }
    });
    assert_eq!(app.post(&update).await.status(), 200);
    app.wait_handled(1).await;
    let answered = app.api.calls_of("answerCallbackQuery");
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].json["callback_query_id"], "4382bfdwdsb323b2d9");
    let sent = app.api.calls_of("sendMessage");
    assert!(!sent.is_empty());
    let text = sent[0].json["text"].as_str().unwrap();
    assert!(text.starts_with("<b>Все поля"), "{text}");
    assert!(text.contains("Model Year: 2003"), "{text}");
    assert!(text.contains("<u>General</u>"), "{text}");
    // The lite data gives no defaults: nothing is marked.
    assert!(!text.contains("(по умолчанию)"), "{text}");
    for call in &sent {
        let t = call.json["text"].as_str().unwrap();
        assert!(t.chars().count() <= 4096);
        assert_valid_html(t);
    }
}

/// A callback of the "All fields" button for `vin`, from a user speaking `lang`.
fn all_fields_update(update_id: i64, vin: &str, lang: &str) -> Value {
    json!({
        "update_id": update_id,
        "callback_query": {
            "id": "4382bfdwdsb323b2e0",
            "from": user(lang),
            "message": {
                "message_id": 1001,
                "from": {"id": 424242, "is_bot": true, "first_name": "VIN bot", "username": "vin_test_bot"},
                "chat": {"id": CHAT, "type": "private", "first_name": "Ann"},
                "date": 1_700_000_000,
                "text": "card"
            },
            "chat_instance": "-1234567890",
            "data": format!("f:{vin}")
        }
    })
}

#[tokio::test]
async fn all_fields_group_values_and_mark_what_the_vin_does_not_give() {
    // NHTSA's lite data has no defaults or vehicle specs: the decoder's fixture has both.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = decoder_fixture::write(dir.path(), true);
    let fixture = Decoder::from_sqlite(&path).expect("fixture loads");
    let app = spawn_bot_on(fixture, BotOptions::default()).await;
    let vin = decoder_fixture::vin("A12B4", "123456");
    assert_eq!(
        app.post(&all_fields_update(13, &vin, "de")).await.status(),
        200
    );
    app.wait_handled(1).await;
    let text: String = app
        .api
        .calls_of("sendMessage")
        .iter()
        .map(|c| c.json["text"].as_str().unwrap().to_owned())
        .collect();
    assert_valid_html(&text);
    assert!(text.starts_with("<b>Alle Felder von"), "{text}");
    // vPIC's groups, each heading once, with its values under it.
    for heading in ["General", "Exterior / Body", "Exterior / Truck"] {
        assert_eq!(
            text.matches(&format!("<u>{heading}</u>")).count(),
            1,
            "{heading}: {text}"
        );
    }
    let truck = text.split("<u>Exterior / Truck</u>").nth(1).unwrap();
    assert!(
        truck.contains("Bed Type: Not Applicable <i>(Standardwert)</i>"),
        "{text}"
    );
    assert!(
        text.contains("Drive Type: RWD <i>(Modellangabe)</i>"),
        "{text}"
    );
    assert!(
        text.contains("Body Class: Coupe\n"),
        "a VIN pattern's value is unmarked: {text}"
    );
    assert!(
        text.contains("<i>(Standardwert)</i>: Standardwert für diesen Fahrzeugtyp"),
        "the legend: {text}"
    );
}

#[tokio::test]
async fn inline_query_answers_with_an_article() {
    let app = spawn_bot().await;
    let update = json!({
        "update_id": 20,
        "inline_query": {
            "id": "AAEqBbQCAAAAAHNWkFMVXzXf",
            "from": user("es"),
            "chat_type": "sender",
            "query": format!("vin {}", HONDA.to_lowercase()),
            "offset": ""
        }
    });
    assert_eq!(app.post(&update).await.status(), 200);
    let calls = app.api.wait_for("answerInlineQuery", 1).await;
    let params = &calls[0].json;
    assert_eq!(params["inline_query_id"], "AAEqBbQCAAAAAHNWkFMVXzXf");
    let result = &params["results"][0];
    assert_eq!(result["type"], "article");
    assert_eq!(result["id"], HONDA);
    assert!(
        result["title"]
            .as_str()
            .unwrap()
            .to_uppercase()
            .contains("HONDA")
    );
    let content = result["input_message_content"]["message_text"]
        .as_str()
        .unwrap();
    assert!(content.contains("Marca:"), "Spanish labels: {content}");
    assert_eq!(result["input_message_content"]["parse_mode"], "HTML");
    assert_valid_html(content);
}

fn document_update(update_id: i64, name: &str, mime: &str, size: u64) -> Value {
    json!({
        "update_id": update_id,
        "message": {
            "message_id": 300,
            "from": user("en"),
            "chat": {"id": CHAT, "type": "private", "first_name": "Ann"},
            "date": 1_700_000_000,
            "document": {
                "file_name": name, "mime_type": mime,
                "file_id": "BQACAgIAAxkBAAIBY2Vr", "file_unique_id": "AgADVw4AAv", "file_size": size
            },
            "caption": "my fleet"
        }
    })
}

#[tokio::test]
async fn a_csv_of_vins_comes_back_as_a_csv_of_decodes() {
    let app = spawn_bot().await;
    let csv = format!("vin,note\n{HONDA},car one\n5YJSA1E26HF000337,\"a<b>&c\"\nnot a vin\n");
    app.api.add_file("documents/file_1.csv", csv.as_bytes());
    app.post(&document_update(
        30,
        "fleet.csv",
        "text/csv",
        csv.len() as u64,
    ))
    .await;
    let docs = app.api.wait_for("sendDocument", 1).await;
    let get_file = app.api.calls_of("getFile");
    assert_eq!(get_file[0].json["file_id"], "BQACAgIAAxkBAAIBY2Vr");
    let raw = &docs[0].raw;
    assert!(raw.contains("filename=\"fleet-decoded.csv\""), "{raw}");
    assert!(raw.contains(vinbot_server::telegram::render::CSV_HEADER));
    let rows: Vec<&str> = raw
        .lines()
        .filter(|l| l.contains(HONDA) || l.contains("5YJSA1E26HF000337"))
        .collect();
    assert_eq!(rows.len(), 2, "{raw}");
    assert!(rows[0].to_uppercase().contains("HONDA"));
    assert!(raw.contains(&format!("name=\"chat_id\"\r\n\r\n{CHAT}")));
    assert!(raw.contains("Decoded VINs: 2"));
}

#[tokio::test]
async fn too_large_or_non_text_documents_get_a_clear_reply() {
    let app = spawn_bot().await;
    app.post(&document_update(
        40,
        "huge.csv",
        "text/csv",
        50 * 1024 * 1024,
    ))
    .await;
    app.post(&document_update(41, "photo.jpg", "image/jpeg", 1000))
        .await;
    app.wait_handled(2).await;
    let sent = app.api.calls_of("sendMessage");
    assert_eq!(sent.len(), 2);
    assert!(sent[0].json["text"].as_str().unwrap().contains("too large"));
    assert!(
        sent[1].json["text"]
            .as_str()
            .unwrap()
            .contains("text or CSV")
    );
    assert!(app.api.calls_of("getFile").is_empty(), "nothing downloaded");
}

#[tokio::test]
async fn rate_limited_call_is_retried_after_retry_after() {
    let app = spawn_bot().await;
    app.api.rate_limit("sendMessage", 1, 2);
    app.post(&text_update(50, HONDA, "en")).await;
    let calls = app.api.wait_for("sendMessage", 2).await;
    let waited = calls[1].at.duration_since(calls[0].at);
    assert!(waited >= Duration::from_secs(2), "retried after {waited:?}");
    assert!(waited < Duration::from_secs(5), "retried after {waited:?}");
    assert_eq!(calls[0].json, calls[1].json, "same message re-sent");
    app.wait_handled(1).await;
    assert_eq!(app.api.calls_of("sendMessage").len(), 2);
}

#[tokio::test]
async fn groups_only_when_mentioned_or_replied_to() {
    let app = spawn_bot().await;
    let group = json!({"id": -100123, "title": "Cars", "type": "supergroup"});
    let plain = json!({"update_id": 60, "message": {
        "message_id": 1, "from": user("en"), "chat": group, "date": 1_700_000_000, "text": HONDA}});
    let mention_text = format!("@vin_test_bot {HONDA}");
    let mentioned = json!({"update_id": 61, "message": {
        "message_id": 2, "from": user("en"), "chat": group, "date": 1_700_000_000, "text": mention_text,
        "entities": [{"type": "mention", "offset": 0, "length": 13}]}});
    let reply = json!({"update_id": 62, "message": {
        "message_id": 3, "from": user("en"), "chat": group, "date": 1_700_000_000,
        "text": format!("and 5YJSA1E26HF000337?"),
        "reply_to_message": {"message_id": 1000, "from": {"id": 424242, "is_bot": true, "first_name": "VIN bot"},
            "chat": group, "date": 1_700_000_000, "text": "card"}}});
    for u in [&plain, &mentioned, &reply] {
        assert_eq!(app.post(u).await.status(), 200);
    }
    app.wait_handled(3).await;
    let sent = app.api.calls_of("sendMessage");
    assert_eq!(sent.len(), 2, "plain group message ignored");
    assert!(sent[0].json["text"].as_str().unwrap().contains(HONDA));
    assert!(
        sent[1].json["text"]
            .as_str()
            .unwrap()
            .contains("5YJSA1E26HF000337")
    );
}

#[tokio::test]
async fn the_token_never_shows_in_debug_output() {
    let app = spawn_bot().await;
    let secret_part = TOKEN.split(':').nth(1).unwrap();
    assert!(!format!("{:?}", app.bot).contains(secret_part));
}
