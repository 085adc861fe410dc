//! `/healthz` and `/metrics`, for whoever hosts the bot.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::metrics::Gauge;

/// 200 only when the database answers and every configured platform is connected; the body
/// says which part is not.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let mut ok = true;
    let mut lines = Vec::new();
    match tokio::time::timeout(Duration::from_secs(2), state.engine.store().ping()).await {
        Ok(Ok(())) => lines.push("database: ok".to_string()),
        Ok(Err(e)) => {
            ok = false;
            lines.push(format!("database: unreachable ({e})"));
        }
        Err(_) => {
            ok = false;
            lines.push("database: no answer within 2 s".to_string());
        }
    }
    for (name, connected) in state.platforms.connected() {
        ok &= connected;
        lines.push(format!("{name}: {}", if connected { "connected" } else { "disconnected" }));
    }
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = format!("{}\n{}\n", if ok { "ok" } else { "unhealthy" }, lines.join("\n"));
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// Counters in the Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut gauges = Vec::new();
    for (platform, connected) in state.platforms.connected() {
        gauges.push(Gauge {
            name: "convoca_platform_connected",
            help: "1 while the platform is connected.",
            platform,
            value: f64::from(u8::from(connected)),
        });
    }
    let reconnects = [
        ("discord", state.platforms.discord.as_ref().map(|d| d.reconnects.load(Ordering::Relaxed))),
        ("matrix", state.platforms.matrix.as_ref().map(|m| m.reconnects.load(Ordering::Relaxed))),
    ];
    for (platform, n) in reconnects {
        if let Some(n) = n {
            gauges.push(Gauge {
                name: "convoca_platform_reconnects_total",
                help: "Reconnections after a lost connection.",
                platform,
                value: n as f64,
            });
        }
    }
    let body = state.engine.metrics().render(&gauges);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}
