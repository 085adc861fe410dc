//! Engine latency per command: `meeting` and `campaign jilamito` (targets: p99 under 100 µs)
//! and `signup` on SQLite (p99 under 2 ms). Percentiles from 20,000 timed calls each, then
//! criterion's own estimate.
//!
//! Run: `cargo bench --bench engine`.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use convoca::content::ContentHandle;
use convoca::engine::{Command, Engine, Request, Settings};
use convoca::store::Store;
use criterion::Criterion;

fn engine(rt: &tokio::runtime::Runtime) -> Engine {
    let dir = tempfile::tempdir().unwrap().keep();
    let store = rt.block_on(Store::open(Some(&format!("sqlite://{}", dir.join("bench.db").display())))).unwrap();
    let content = ContentHandle::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join("commands")).unwrap();
    Engine::new(content, store, Settings::default())
}

fn request(text: &str, user: u64) -> Request {
    Request::new(&convoca::discord::ABILITIES, &user.to_string(), "Bench", Command::parse(text), Utc::now())
}

fn percentiles(name: &str, rt: &tokio::runtime::Runtime, engine: &Engine, make: impl Fn(u64) -> Request) {
    let n = 20_000u64;
    // Warm up caches (content, changes, prepared statements).
    for i in 0..500 {
        rt.block_on(engine.handle(&make(1_000_000 + i)));
    }
    let mut times: Vec<Duration> = (0..n)
        .map(|i| {
            let req = make(i);
            let t = Instant::now();
            let reply = rt.block_on(engine.handle(&req));
            let d = t.elapsed();
            assert_ne!(reply.tone, convoca::engine::Tone::Error);
            d
        })
        .collect();
    times.sort();
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "{name:<20} p50 {:>8.1} µs   p99 {:>8.1} µs   max {:>8.1} µs   ({n} calls)",
        p(0.50).as_secs_f64() * 1e6,
        p(0.99).as_secs_f64() * 1e6,
        times.last().unwrap().as_secs_f64() * 1e6
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let engine = engine(&rt);
    percentiles("meeting", &rt, &engine, |_| request("/meeting", 1));
    percentiles("campaign jilamito", &rt, &engine, |_| request("/campaign jilamito", 1));
    percentiles("signup (SQLite)", &rt, &engine, |i| request("/signup jilamito petition", 10_000_000 + i));

    let mut c = Criterion::default().configure_from_args().measurement_time(Duration::from_secs(3));
    c.bench_function("meeting", |b| b.iter(|| rt.block_on(engine.handle(&request("/meeting", 1)))));
    c.bench_function("campaign jilamito", |b| b.iter(|| rt.block_on(engine.handle(&request("/campaign jilamito", 1)))));
    let mut user = 50_000_000u64;
    c.bench_function("signup (SQLite)", |b| {
        b.iter(|| {
            user += 1;
            rt.block_on(engine.handle(&request("/signup jilamito petition", user)))
        })
    });
    c.final_summary();
}
