//! `/healthz` and `/metrics`, for whoever hosts the bot.

use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::metrics::Gauge;

/// 200 only when the database answers, the content on disk is what the bot answers from,
/// every configured platform is connected and every long-running task runs; the body says
/// which part is not (a broken edit with its file and line).
pub async fn healthz(State(state): State<AppState>) -> Response {
    let mut ok = true;
    let mut lines = Vec::new();
    match tokio::time::timeout(Duration::from_secs(2), state.org.any().store().ping()).await {
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
    // The root's own errors, then each group's (kept on its content while it answers from
    // the last good version).
    let mut stale: Vec<_> = state.org.stale().into_iter().filter(|(group, _)| group.is_none()).collect();
    for (id, engine) in state.org.groups().iter() {
        if let Some(errors) = engine.content().stale() {
            stale.push((Some(id.clone()), errors));
        }
    }
    if stale.is_empty() {
        lines.push("content: ok".to_string());
    }
    for (group, errors) in stale {
        ok = false;
        let first: Vec<String> = errors.0.iter().take(5).map(|e| format!("  {e}")).collect();
        let place = match group.filter(|g| !g.is_single()) {
            Some(g) => format!("the group {g} in {}", state.org.dir().display()),
            None => state.org.dir().display().to_string(),
        };
        lines.push(format!(
            "content: stale: the last edit of {} did not load ({} error(s)); answering from the content before it:\n{}",
            place,
            errors.0.len(),
            first.join("\n")
        ));
    }
    for (name, connected) in state.platforms.connected() {
        ok &= connected;
        let matrix = state.platforms.matrix.as_ref().filter(|_| name == "matrix");
        match (connected, matrix.and_then(|m| m.why_not_started())) {
            (true, _) => lines.push(format!("{name}: connected")),
            (false, Some(why)) => lines.push(format!("{name}: not started ({why}); trying again")),
            (false, None) => lines.push(format!("{name}: disconnected")),
        }
    }
    for (task, s) in state.platforms.tasks.states() {
        ok &= s.up;
        if s.up {
            lines.push(format!("task {task}: running"));
        } else {
            let why = s.last_failure.as_deref().unwrap_or("not running");
            lines.push(format!("task {task}: down ({why}; restarting, {} restarts so far)", s.restarts));
        }
    }
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    lines.push(format!("instance: {}", state.org.any().instance()));
    let body = format!("{}\n{}\n", if ok { "ok" } else { "unhealthy" }, lines.join("\n"));
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// The same verdict as [`healthz`] without the details: "ok" or "unhealthy", and the
/// instance.
pub async fn brief(state: State<AppState>) -> Response {
    let instance = state.org.any().instance().to_string();
    let full = healthz(state).await;
    let status = full.status();
    let verdict = if status == StatusCode::OK { "ok" } else { "unhealthy" };
    let body = format!("{verdict}\ninstance: {instance}\n");
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// Counters in the Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut gauges = Vec::new();
    for (platform, connected) in state.platforms.connected() {
        gauges.push(Gauge {
            name: "convoca_platform_connected",
            help: "1 while the platform is connected.",
            label: ("platform", platform),
            value: f64::from(u8::from(connected)),
        });
    }
    let reconnects = [
        ("discord", state.platforms.discord.as_ref().map(|d| d.link.reconnects())),
        ("matrix", state.platforms.matrix.as_ref().map(|m| m.link.reconnects())),
    ];
    for (platform, n) in reconnects {
        if let Some(n) = n {
            gauges.push(Gauge {
                name: "convoca_platform_reconnects_total",
                help: "Reconnections after a lost connection.",
                label: ("platform", platform),
                value: n as f64,
            });
        }
    }
    for (task, s) in state.platforms.tasks.states() {
        gauges.push(Gauge {
            name: "convoca_task_up",
            help: "1 while the long-running task runs.",
            label: ("task", task),
            value: f64::from(u8::from(s.up)),
        });
        gauges.push(Gauge {
            name: "convoca_task_restarts_total",
            help: "Times the long-running task died and was restarted.",
            label: ("task", task),
            value: s.restarts as f64,
        });
    }
    let body = state.org.any().metrics().render(&gauges);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}
