//! The HTTP server: the calendar feed read back by an independent parser, health that follows
//! the database and the platforms, metrics that move.

mod common;

use std::io::BufReader;
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use common::*;
use convoca::engine::{Command, Engine, Request};
use convoca::http::{AppState, Platforms};
use convoca::store::Store;

struct Server {
    base: String,
    _stop: tokio::sync::watch::Sender<bool>,
}

async fn serve(engine: &Engine, platforms: Platforms) -> Server {
    let (stop, rx) = tokio::sync::watch::channel(false);
    let state = AppState::new(engine.clone().into()).with_platforms(platforms);
    let (addr, _) = convoca::http::serve("127.0.0.1:0".parse().unwrap(), state, rx).await.unwrap();
    Server { base: format!("http://{addr}"), _stop: stop }
}

async fn get(url: &str) -> (u16, String, String) {
    let r = reqwest::get(url).await.unwrap();
    let kind = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (r.status().as_u16(), kind, r.text().await.unwrap())
}

fn events(feed: &str) -> Vec<(String, String, DateTime<Utc>)> {
    let cal = ical::IcalParser::new(BufReader::new(feed.as_bytes())).next().unwrap().unwrap();
    cal.events
        .iter()
        .map(|e| {
            let prop = |n: &str| e.properties.iter().find(|p| p.name == n).and_then(|p| p.value.clone()).unwrap();
            let start = NaiveDateTime::parse_from_str(&prop("DTSTART"), "%Y%m%dT%H%M%SZ").unwrap().and_utc();
            (prop("UID"), prop("STATUS"), start)
        })
        .collect()
}

/// An organizer's change, which must be done.
async fn organizer_does(engine: &Engine, text: &str) {
    let reply = organizer(engine, text, Utc::now()).await;
    assert_eq!(reply.tone, convoca::engine::Tone::Done, "{}", convoca::console::render(&reply));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_matches_meeting_for_twelve_occurrences_with_changes() {
    let engine = engine_on(&shipped()).await;
    let now = Utc::now();
    let content = engine.content().current();
    let changes = engine.calendar_changes().await.unwrap();
    let agenda = convoca::agenda::Agenda::new(&content, &changes);
    let next: Vec<_> =
        agenda.upcoming(convoca::agenda::Which::Only("monthly"), now, 3, convoca::agenda::Cancelled::Skipped);
    // Cancel the second upcoming date and move the third a week later, 6 pm.
    organizer_does(&engine, &format!("/cancel {}", next[1].date)).await;
    let moved_to = next[2].date + chrono::Duration::days(7);
    organizer_does(&engine, &format!("/move {} {moved_to} 18:00", next[2].date)).await;
    organizer_does(&engine, &format!("/addmeeting {} 19:00 2h Teach-in", next[0].date + chrono::Duration::days(3)))
        .await;

    let server = serve(&engine, Platforms::default()).await;
    let (status, kind, feed) = get(&format!("{}/calendar.ics", server.base)).await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/calendar"), "{kind}");
    assert!(feed.contains("BEGIN:VALARM") && feed.contains("TRIGGER:-PT1H"), "an alarm an hour before");
    let parsed = events(&feed);

    let changes = engine.calendar_changes().await.unwrap();
    let agenda = convoca::agenda::Agenda::new(&content, &changes);
    let expected = agenda.upcoming(convoca::agenda::Which::All, now, 12, convoca::agenda::Cancelled::Skipped);
    let mut upcoming: Vec<_> =
        parsed.iter().filter(|(_, status, start)| status == "CONFIRMED" && *start > now).collect();
    upcoming.sort_by_key(|e| e.2);
    assert!(upcoming.len() >= 12);
    for (occ, (uid, _, start)) in expected.iter().zip(&upcoming) {
        assert_eq!(occ.start, *start, "{uid}");
    }
    // The `/meeting` reply shows the same next three.
    let reply =
        engine.handle(&Request::new(&convoca::console::ABILITIES, "m", "M", Command::parse("/meeting"), now)).await;
    let shown: Vec<DateTime<Utc>> = reply
        .blocks
        .iter()
        .filter_map(|b| match b {
            convoca::engine::Block::Event(e) => Some(e.start),
            _ => None,
        })
        .collect();
    assert_eq!(shown, upcoming.iter().take(3).map(|e| e.2).collect::<Vec<_>>());
    // The cancelled one is in the feed as cancelled, under its stable UID.
    let cancelled_uid = format!("monthly-{}@la-cwg.convoca", next[1].date.format("%Y%m%d"));
    assert!(parsed.iter().any(|(uid, status, _)| *uid == cancelled_uid && status == "CANCELLED"));
    // Downloads agree on UIDs.
    let (_, _, again) = get(&format!("{}/calendar.ics", server.base)).await;
    let uids = |f: &str| events(f).into_iter().map(|e| e.0).collect::<Vec<_>>();
    assert_eq!(uids(&feed), uids(&again));

    // One meeting's feed, in Spanish; an unknown one is a 404 that lists the real ones.
    let (status, _, one) = get(&format!("{}/calendar/monthly.ics?lang=es", server.base)).await;
    assert_eq!(status, 200);
    assert!(one.contains("SUMMARY:Reunión mensual del GT-ALC") && !one.contains("Teach-in"));
    let (status, _, body) = get(&format!("{}/calendar/weekly.ics", server.base)).await;
    assert_eq!(status, 404);
    assert!(body.contains("/calendar/monthly.ics"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_follows_the_database_going_away_and_coming_back() {
    let Some(url) = postgres_url() else { return };
    let (prefix, rest) = url.split_once("@127.0.0.1:").unwrap();
    let (port, db) = rest.split_once('/').unwrap();
    let proxy = common::proxy::Proxy::start(format!("127.0.0.1:{port}")).await;
    let store = Store::open(Some(&format!("{prefix}@127.0.0.1:{}/{db}", proxy.port))).await.unwrap();
    let engine = engine_with(&shipped(), store);
    let server = serve(&engine, Platforms::default()).await;
    let health = format!("{}/healthz", server.base);
    let (status, _, body) = get(&health).await;
    let healthy = format!("ok\ndatabase: ok\ncontent: ok\ninstance: {}\n", engine.instance());
    assert_eq!((status, body), (200, healthy));

    proxy.down().await;
    let (status, _, body) = get(&health).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("database:") && !body.contains("database: ok"), "{body}");

    proxy.up();
    until("health back", PATIENCE, async || get(&health).await.0 == 200).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_says_which_platform_is_down() {
    let engine = engine_on(&shipped()).await;
    let discord = Arc::new(convoca::discord::GatewayState::default());
    let matrix = Arc::new(convoca::matrix::MatrixState::default());
    discord.link.up();
    let server = serve(
        &engine,
        Platforms { discord: Some(Arc::clone(&discord)), matrix: Some(Arc::clone(&matrix)), ..Default::default() },
    )
    .await;
    let (status, _, body) = get(&format!("{}/healthz", server.base)).await;
    assert_eq!(status, 503);
    assert!(body.contains("discord: connected") && body.contains("matrix: disconnected"), "{body}");
    matrix.link.up();
    let (status, _, _) = get(&format!("{}/healthz", server.base)).await;
    assert_eq!(status, 200);
    // Down, then back: one reconnection.
    matrix.link.down();
    matrix.link.up();
    let (_, _, metrics) = get(&format!("{}/metrics", server.base)).await;
    assert!(metrics.contains("convoca_platform_connected{platform=\"matrix\"} 1"), "{metrics}");
    assert!(metrics.contains("convoca_platform_reconnects_total{platform=\"matrix\"} 1"), "{metrics}");
}

fn metric(text: &str, line_start: &str) -> u64 {
    text.lines().find(|l| l.starts_with(line_start)).and_then(|l| l.rsplit(' ').next()?.parse().ok()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_move_when_commands_are_answered() {
    let engine = engine_on(&shipped()).await;
    let server = serve(&engine, Platforms::default()).await;
    let url = format!("{}/metrics", server.base);
    let (status, kind, before) = get(&url).await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let key = "convoca_commands_total{command=\"meeting\",platform=\"matrix\"}";
    assert_eq!(metric(&before, key), 0);
    for _ in 0..3 {
        engine
            .handle(&Request::new(&convoca::matrix::ABILITIES, "@a:x", "A", Command::parse("!meeting"), Utc::now()))
            .await;
    }
    engine
        .handle(&Request::new(&convoca::discord::ABILITIES, "1", "A", Command::parse("/signup jilamito"), Utc::now()))
        .await;
    let (_, _, after) = get(&url).await;
    assert_eq!(metric(&after, key), 3, "{after}");
    assert_eq!(metric(&after, "convoca_signups_total"), 1, "{after}");
    assert!(after.contains("# TYPE convoca_reminder_lateness_seconds histogram"));
}

/// An HTTP server with `limits` in front of the usual routes plus `/slow` (answers after a
/// minute), and its address.
async fn limited(limits: convoca::http::Limits) -> (std::net::SocketAddr, tokio::sync::watch::Sender<bool>) {
    let engine = engine_on(&shipped()).await;
    let state = AppState::new(engine.into());
    let app = convoca::http::router(state).route(
        "/slow",
        axum::routing::get(|| async {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            "late"
        }),
    );
    let (stop, rx) = tokio::sync::watch::channel(false);
    let (addr, _) = convoca::http::serve_app("127.0.0.1:0".parse().unwrap(), app, rx, limits).await.unwrap();
    (addr, stop)
}

/// Reads until the server closes the connection (or 10 s pass); what it sent.
async fn read_to_close(stream: &mut tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut got = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut got)).await;
    read.ok().map(|_| String::from_utf8_lossy(&got).into_owned())
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    use tokio::io::AsyncWriteExt;
    let limits = convoca::http::Limits { header_read: std::time::Duration::from_millis(300), ..Default::default() };
    let (addr, _stop) = limited(limits).await;
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: bot\r\nX-Slow: ").await.unwrap();
    let said = read_to_close(&mut slow).await.expect("the server closed the connection, it did not wait forever");
    assert!(said.is_empty() || said.starts_with("HTTP/1.1 408"), "{said}");
}

#[tokio::test]
async fn connections_beyond_the_limit_are_closed_at_once_and_a_freed_place_is_reused() {
    use tokio::io::AsyncWriteExt;
    let limits = convoca::http::Limits { connections: 2, ..Default::default() };
    let (addr, _stop) = limited(limits).await;
    let first = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _second = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _ = third.write_all(b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n").await;
    let said = read_to_close(&mut third).await.expect("closed at once");
    assert!(said.is_empty(), "no answer beyond the limit: {said}");
    drop(first);
    // The freed place is taken by the next connection (once the server notices the close).
    until("the freed place reused", std::time::Duration::from_secs(10), async || {
        let mut next = tokio::net::TcpStream::connect(addr).await.unwrap();
        let _ = next.write_all(b"GET /healthz HTTP/1.1\r\nHost: bot\r\nConnection: close\r\n\r\n").await;
        read_to_close(&mut next).await.unwrap_or_default().starts_with("HTTP/1.1 200")
    })
    .await;
}

#[tokio::test]
async fn a_request_not_answered_in_time_gets_503() {
    let limits = convoca::http::Limits { request: std::time::Duration::from_millis(200), ..Default::default() };
    let (addr, _stop) = limited(limits).await;
    let (code, _, body) = get(&format!("http://{addr}/slow")).await;
    assert_eq!(code, 503, "{body}");
    let (code, _, _) = get(&format!("http://{addr}/healthz")).await;
    assert_eq!(code, 200);
}

#[tokio::test]
async fn health_and_metrics_can_be_served_apart_from_the_public_routes() {
    let engine = engine_on(&shipped()).await;
    let state = AppState::new(engine.into());
    let (_stop, rx) = tokio::sync::watch::channel(false);
    let limits = convoca::http::Limits::default();
    let any = "127.0.0.1:0".parse().unwrap();
    let instance = state.org.any().instance().to_string();
    let (public, _) =
        convoca::http::serve_app(any, convoca::http::public_router_with_status(state.clone()), rx.clone(), limits)
            .await
            .unwrap();
    let (private, _) = convoca::http::serve_app(any, convoca::http::health_router(state), rx, limits).await.unwrap();
    // The public address says only whether it is healthy, and which bot answers.
    let (code, _, body) = get(&format!("http://{public}/healthz")).await;
    assert_eq!((code, body), (200, format!("ok\ninstance: {instance}\n")));
    assert_eq!(get(&format!("http://{public}/metrics")).await.0, 404);
    assert_eq!(get(&format!("http://{public}/calendar.ics")).await.0, 200);
    let (code, _, body) = get(&format!("http://{private}/healthz")).await;
    assert_eq!(code, 200);
    assert!(body.contains("database: ok") && body.contains(&format!("instance: {instance}")), "{body}");
    assert_eq!(get(&format!("http://{private}/metrics")).await.0, 200);
    assert_eq!(get(&format!("http://{private}/calendar.ics")).await.0, 404);
}

/// A connection from `source` (an address of the loopback range) to `addr`.
async fn connect_from(source: &str, addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(format!("{source}:0").parse().unwrap())?;
    socket.connect(addr).await
}

#[tokio::test]
async fn one_peer_holding_half_open_connections_cannot_lock_others_out() {
    use tokio::io::AsyncWriteExt;
    // Small numbers, the same rule: 16 connections in all, 4 from any one address; slow
    // headers allowed a minute, so the attacker's connections stay for the whole test.
    let header_read = std::time::Duration::from_secs(60);
    let limits = convoca::http::Limits { connections: 16, per_peer: 4, header_read, ..Default::default() };
    let (addr, _stop) = limited(limits).await;
    // The attacker opens more connections than the server takes in all, each sending part of
    // a header and holding it.
    let mut held = Vec::new();
    for _ in 0..20 {
        if let Ok(mut s) = connect_from("127.0.0.2", addr).await {
            let _ = s.write_all(b"GET /calendar.ics HTTP/1.1\r\nHost: bot\r\nX-Slow: ").await;
            held.push(s);
        }
    }
    // Its connections past its share are closed at once; its share stays open.
    let mut closed = 0;
    for s in held.iter_mut() {
        use tokio::io::AsyncReadExt;
        let mut buf = [0u8; 64];
        let read = tokio::time::timeout(std::time::Duration::from_millis(500), s.read(&mut buf)).await;
        if matches!(read, Ok(Ok(0)) | Ok(Err(_))) {
            closed += 1;
        }
    }
    assert_eq!(closed, 16, "every connection past the peer's share is closed, the share held");
    // Another client is answered while the attacker holds its share.
    let mut legit = connect_from("127.0.0.1", addr).await.unwrap();
    legit.write_all(b"GET /calendar.ics HTTP/1.1\r\nHost: bot\r\nConnection: close\r\n\r\n").await.unwrap();
    let said = read_to_close(&mut legit).await.unwrap_or_default();
    assert!(said.starts_with("HTTP/1.1 200") && said.contains("BEGIN:VCALENDAR"), "{said}");
}

#[tokio::test]
async fn a_client_that_stops_reading_answers_is_cut_off() {
    use tokio::io::AsyncWriteExt;
    // One connection per address: the reader's address is locked out until its stalled
    // connection is cut.
    let write_stall = std::time::Duration::from_millis(300);
    let limits = convoca::http::Limits { per_peer: 1, write_stall, ..Default::default() };
    let (addr, _stop) = limited(limits).await;
    let stalled = connect_from("127.0.0.3", addr).await.unwrap();
    let (_read_half, mut write_half) = stalled.into_split();
    // Asks for the calendar again and again and never reads: the answers fill the buffers.
    let asking = tokio::spawn(async move {
        let request = b"GET /calendar.ics HTTP/1.1\r\nHost: bot\r\n\r\n".repeat(1000);
        for _ in 0..100 {
            if write_half.write_all(&request).await.is_err() {
                return;
            }
        }
    });
    until("the connection that stopped reading cut", std::time::Duration::from_secs(20), async || {
        let mut next = connect_from("127.0.0.3", addr).await.unwrap();
        let _ = next.write_all(b"GET /healthz HTTP/1.1\r\nHost: bot\r\nConnection: close\r\n\r\n").await;
        read_to_close(&mut next).await.unwrap_or_default().starts_with("HTTP/1.1 200")
    })
    .await;
    asking.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_answering_from_content_before_a_broken_edit_is_unhealthy_with_the_file_and_line() {
    let dir = copy_of_shipped();
    let engine = engine_on(dir.path()).await;
    let server = serve(&engine, Platforms::default()).await;
    let health = format!("{}/healthz", server.base);
    assert_eq!(get(&health).await.0, 200);
    let file = dir.path().join("meetings/monthly.toml");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replace("start = \"17:00\"", "start = \"5pm\"")).unwrap();
    assert!(engine.content().reload().is_err(), "the edit is refused; the last good content stays");
    let (status, _, body) = get(&health).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("content: stale") && body.contains("monthly.toml:") && body.contains("5pm"), "{body}");
    std::fs::write(&file, good).unwrap();
    engine.content().reload().unwrap();
    let (status, _, body) = get(&health).await;
    assert_eq!((status, body.contains("content: ok")), (200, true), "{body}");
}
