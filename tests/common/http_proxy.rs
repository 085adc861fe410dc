//! An HTTP proxy in front of a homeserver that can fail on purpose: answer 500, answer 429
//! with `retry_after_ms`, or forward a message send and lose its answer (the event exists,
//! the client hears 500).
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// How the proxy answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Forward everything.
    Pass,
    /// 500 for everything, forwarding nothing.
    Fail500,
    /// 429 with `retry_after_ms` for everything, forwarding nothing.
    Fail429,
    /// Forward everything, but answer a message send (`PUT …/send/…`) with 500.
    LoseSendAnswers,
}

struct Shared {
    target: Mutex<String>,
    mode: Mutex<Mode>,
    seen: Mutex<Vec<(Mode, String, String)>>,
    /// Sends the homeserver took whose answer was then lost.
    lost: std::sync::atomic::AtomicUsize,
    client: reqwest::Client,
}

pub struct HttpProxy {
    pub url: String,
    shared: Arc<Shared>,
}

impl HttpProxy {
    /// A proxy, to be aimed at its target with [`HttpProxy::aim`].
    pub async fn start() -> HttpProxy {
        let shared = Arc::new(Shared {
            target: Mutex::default(),
            mode: Mutex::new(Mode::Pass),
            seen: Mutex::default(),
            lost: Default::default(),
            client: reqwest::Client::new(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().fallback(forward).with_state(Arc::clone(&shared));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        HttpProxy { url, shared }
    }

    pub fn aim(&self, target: &str) {
        *self.shared.target.lock().unwrap() = target.trim_end_matches('/').to_string();
    }

    pub fn set(&self, mode: Mode) {
        *self.shared.mode.lock().unwrap() = mode;
    }

    /// Sends the homeserver took (and answered) whose answer the proxy then lost.
    pub fn lost_sends(&self) -> usize {
        self.shared.lost.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Requests other than syncs answered in `mode`.
    pub fn requests(&self, mode: Mode) -> usize {
        self.shared.seen.lock().unwrap().iter().filter(|(m, _, p)| *m == mode && !p.contains("/sync")).count()
    }

    /// Requests answered in `mode` whose method and path match.
    pub fn count(&self, mode: Mode, method: &str, path_part: &str) -> usize {
        self.shared
            .seen
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, me, p)| *m == mode && me == method && p.contains(path_part))
            .count()
    }
}

async fn forward(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mode = *shared.mode.lock().unwrap();
    let path = uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
    shared.seen.lock().unwrap().push((mode, method.to_string(), path.clone()));
    let error = |status: StatusCode, body: serde_json::Value| (status, axum::Json(body)).into_response();
    match mode {
        Mode::Fail500 => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                serde_json::json!({"errcode": "M_UNKNOWN", "error": "down"}),
            );
        }
        Mode::Fail429 => {
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                serde_json::json!({"errcode": "M_LIMIT_EXCEEDED", "error": "slow down", "retry_after_ms": 200}),
            );
        }
        _ => {}
    }
    let target = shared.target.lock().unwrap().clone();
    let mut request = shared.client.request(method.clone(), format!("{target}{path}")).body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name.as_str(), value.as_bytes());
        }
    }
    let Ok(answer) = request.send().await else {
        return error(StatusCode::BAD_GATEWAY, serde_json::json!({"errcode": "M_UNKNOWN", "error": "no upstream"}));
    };
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
    let kind =
        answer.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("application/json").to_string();
    let bytes = answer.bytes().await.unwrap_or_default();
    if mode == Mode::LoseSendAnswers && method == Method::PUT && path.contains("/send/") {
        if status.is_success() {
            shared.lost.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        return error(StatusCode::INTERNAL_SERVER_ERROR, serde_json::json!({"errcode": "M_UNKNOWN", "error": "lost"}));
    }
    (status, [("content-type", kind)], bytes.to_vec()).into_response()
}
