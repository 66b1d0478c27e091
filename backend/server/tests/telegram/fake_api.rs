//! A real HTTP server on loopback playing Telegram's Bot API: records every call, serves
//! files, can answer slowly or with 429 `retry_after`, and holds updates for `getUpdates` (long
//! polling: `offset` confirms, `timeout` waits, 409 while a webhook is set). Answers use the Bot
//! API's JSON shapes.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use poem::{
    Body, EndpointExt, Request, Response, Route, Server, http::StatusCode, listener::TcpAcceptor,
};
use serde_json::{Value, json};
use tokio::sync::watch;

/// The token of the test bot (id 424242).
pub const TOKEN: &str = "424242:TEST-token_secret-part";

/// One recorded call.
#[derive(Debug, Clone)]
pub struct Call {
    /// Bot API method, e.g. `sendMessage`.
    pub method: String,
    /// JSON parameters (`Null` for multipart).
    pub json: Value,
    /// The raw body (multipart uploads).
    pub raw: String,
    /// When it arrived.
    pub at: Instant,
}

#[derive(Default)]
struct Behaviour {
    delay: Duration,
    /// method → (remaining 429 answers, retry_after)
    rate_limited: HashMap<String, (u32, u64)>,
    files: HashMap<String, Vec<u8>>,
    /// Updates not yet confirmed by a `getUpdates` offset, in id order.
    pending: Vec<Value>,
    /// A webhook is set: `getUpdates` answers 409, as Telegram does.
    webhook_active: bool,
}

/// The fake Bot API.
pub struct FakeBotApi {
    pub addr: SocketAddr,
    calls: Arc<Mutex<Vec<Call>>>,
    changed: watch::Receiver<usize>,
    behaviour: Arc<Mutex<Behaviour>>,
    _server: tokio::task::JoinHandle<()>,
}

impl FakeBotApi {
    /// Starts on 127.0.0.1:0.
    pub async fn start() -> Self {
        let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
        let behaviour: Arc<Mutex<Behaviour>> = Arc::default();
        let (tx, rx) = watch::channel(0usize);
        let tx = Arc::new(tx);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake api");
        let addr = listener.local_addr().expect("addr");
        let acceptor = TcpAcceptor::from_tokio(listener).expect("acceptor");

        let (c, b, t) = (calls.clone(), behaviour.clone(), tx.clone());
        let method_ep = poem::endpoint::make(move |mut req: Request| {
            let (calls, behaviour, tx) = (c.clone(), b.clone(), t.clone());
            async move {
                let bot = req
                    .path_params::<(String, String)>()
                    .map(|p| p.0)
                    .unwrap_or_default();
                let method = req
                    .path_params::<(String, String)>()
                    .map(|p| p.1)
                    .unwrap_or_default();
                if bot != format!("bot{TOKEN}") {
                    return json_response(
                        StatusCode::NOT_FOUND,
                        json!({"ok": false, "error_code": 404, "description": "Not Found"}),
                    );
                }
                let raw = req.take_body().into_string().await.unwrap_or_default();
                let params: Value = serde_json::from_str(&raw).unwrap_or(Value::Null);
                let (delay, limited) = {
                    let mut b = behaviour.lock().unwrap();
                    let limited = match b.rate_limited.get_mut(&method) {
                        Some((n, after)) if *n > 0 => {
                            *n -= 1;
                            Some(*after)
                        }
                        _ => None,
                    };
                    (b.delay, limited)
                };
                {
                    let mut calls = calls.lock().unwrap();
                    calls.push(Call {
                        method: method.clone(),
                        json: params.clone(),
                        raw,
                        at: Instant::now(),
                    });
                    tx.send_replace(calls.len());
                }
                if let Some(after) = limited {
                    return json_response(
                        StatusCode::TOO_MANY_REQUESTS,
                        json!({
                            "ok": false, "error_code": 429,
                            "description": format!("Too Many Requests: retry after {after}"),
                            "parameters": {"retry_after": after}
                        }),
                    );
                }
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                if method == "getUpdates" {
                    return get_updates(&behaviour, &params).await;
                }
                json_response(
                    StatusCode::OK,
                    json!({"ok": true, "result": answer(&method, &params)}),
                )
            }
        });
        let b2 = behaviour.clone();
        let file_ep = poem::endpoint::make(move |req: Request| {
            let behaviour = b2.clone();
            async move {
                let path = req.uri().path().to_owned();
                let prefix = format!("/file/bot{TOKEN}/");
                let file = path
                    .strip_prefix(&prefix)
                    .and_then(|p| behaviour.lock().unwrap().files.get(p).cloned());
                match file {
                    Some(bytes) => Response::builder()
                        .status(StatusCode::OK)
                        .body(Body::from_vec(bytes)),
                    None => Response::builder().status(StatusCode::NOT_FOUND).finish(),
                }
            }
        });
        let app = Route::new()
            .at("/file/*path", file_ep)
            .at("/:bot/:method", method_ep)
            .map_to_response();
        let server = tokio::spawn(async move {
            let _ = Server::new_with_acceptor(acceptor).run(app).await;
        });
        Self {
            addr,
            calls,
            changed: rx,
            behaviour,
            _server: server,
        }
    }

    /// Queues an update for `getUpdates`.
    pub fn push_update(&self, update: Value) {
        self.behaviour.lock().unwrap().pending.push(update);
    }

    /// Updates queued and not yet confirmed by an offset.
    pub fn pending_updates(&self) -> usize {
        self.behaviour.lock().unwrap().pending.len()
    }

    /// Whether a webhook is set (then `getUpdates` answers 409).
    pub fn set_webhook_active(&self, active: bool) {
        self.behaviour.lock().unwrap().webhook_active = active;
    }

    /// `http://127.0.0.1:port` (what `TELEGRAM_API_BASE_URL` is set to).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Delays every answer by `delay`.
    pub fn set_delay(&self, delay: Duration) {
        self.behaviour.lock().unwrap().delay = delay;
    }

    /// Answers the next `times` calls of `method` with 429 and `retry_after` seconds.
    pub fn rate_limit(&self, method: &str, times: u32, retry_after: u64) {
        self.behaviour
            .lock()
            .unwrap()
            .rate_limited
            .insert(method.into(), (times, retry_after));
    }

    /// Serves `bytes` at `{base}/file/bot{token}/{path}`.
    pub fn add_file(&self, path: &str, bytes: &[u8]) {
        self.behaviour
            .lock()
            .unwrap()
            .files
            .insert(path.into(), bytes.to_vec());
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// Calls of one method.
    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .collect()
    }

    /// Waits (at most 20 s) until at least `n` calls of `method` arrived; returns them.
    pub async fn wait_for(&self, method: &str, n: usize) -> Vec<Call> {
        let mut rx = self.changed.clone();
        let calls = self.calls.clone();
        let method = method.to_owned();
        let waited = tokio::time::timeout(
            Duration::from_secs(20),
            rx.wait_for(|_| {
                calls
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|c| c.method == method)
                    .count()
                    >= n
            }),
        )
        .await;
        assert!(
            waited.is_ok(),
            "timed out waiting for {n} {method} call(s); got {:?}",
            self.calls().iter().map(|c| &c.method).collect::<Vec<_>>()
        );
        self.calls_of(&method)
    }
}

/// `getUpdates`: confirms the updates below `offset`, then answers those left (at most `limit`),
/// waiting up to `timeout` seconds for one to arrive.
async fn get_updates(behaviour: &Mutex<Behaviour>, params: &Value) -> Response {
    let offset = params["offset"].as_i64().unwrap_or(0);
    let limit = params["limit"].as_u64().unwrap_or(100) as usize;
    let deadline = Instant::now() + Duration::from_secs(params["timeout"].as_u64().unwrap_or(0));
    loop {
        {
            let mut b = behaviour.lock().unwrap();
            if b.webhook_active {
                return json_response(
                    StatusCode::CONFLICT,
                    json!({"ok": false, "error_code": 409,
                           "description": "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}),
                );
            }
            b.pending
                .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            if !b.pending.is_empty() || Instant::now() >= deadline {
                let updates: Vec<Value> = b.pending.iter().take(limit).cloned().collect();
                return json_response(StatusCode::OK, json!({"ok": true, "result": updates}));
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn json_response(status: StatusCode, body: Value) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json")
        .body(body.to_string())
}

/// Plausible `result`s in the Bot API's shapes.
fn answer(method: &str, params: &Value) -> Value {
    let chat_id = params["chat_id"].as_i64().unwrap_or(1);
    match method {
        "sendMessage" | "editMessageText" | "sendDocument" => json!({
            "message_id": 1000,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "text": params["text"].as_str().unwrap_or("")
        }),
        "getMe" => {
            json!({"id": 424242, "is_bot": true, "first_name": "VIN bot", "username": "vin_test_bot"})
        }
        "getFile" => json!({
            "file_id": params["file_id"], "file_unique_id": "AgADfile", "file_size": 120,
            "file_path": "documents/file_1.csv"
        }),
        "getWebhookInfo" => {
            json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})
        }
        _ => json!(true),
    }
}
