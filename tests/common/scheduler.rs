//! A scheduler under test: a sender that records what it is asked to post (and can hang,
//! fail or wait), and helpers to start a scheduler and wait for its status.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use convoca::engine::Engine;
use convoca::reminders::{
    Clock, Found, ManualClock, Post, Scheduler, SchedulerConfig, SendError, Sender, Senders, Status,
};
use convoca::store::{LedgerState, Store};
use futures_util::future::BoxFuture;
use tokio::sync::{Notify, watch};

use super::copy_of_shipped;

/// A post and the (manual) time the scheduler asked for it.
pub type Sent = (DateTime<Utc>, Post);

/// A sender that records every post with the (manual) time it was asked to send it.
#[derive(Clone, Default)]
pub struct Recorder {
    pub posts: Arc<Mutex<Vec<Sent>>>,
    pub arrived: Arc<Notify>,
    pub clock: Option<Arc<dyn Clock>>,
    /// Times the scheduler looked for an earlier attempt's post.
    pub finds: Arc<Mutex<u32>>,
    /// Never answer: a process that dies while sending.
    pub hang: bool,
    /// Fail this many first attempts with a passing error.
    pub fail_first: Arc<Mutex<u32>>,
    /// Finish a send only when a permit is added here (a slow platform).
    pub gate: Option<Arc<tokio::sync::Semaphore>>,
    /// The people a direct channel was opened for, in order.
    pub opened: Arc<Mutex<Vec<String>>>,
    /// People whose direct messages are closed: sends to them are refused as unreachable.
    pub closed: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    pub fn new(clock: &ManualClock) -> Recorder {
        Recorder { clock: Some(Arc::new(clock.clone())), ..Default::default() }
    }
    pub fn posts(&self) -> Vec<(DateTime<Utc>, Post)> {
        self.posts.lock().unwrap().clone()
    }
    pub async fn wait_for(&self, n: usize) -> Vec<(DateTime<Utc>, Post)> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let arrived = self.arrived.notified();
            if self.posts.lock().unwrap().len() >= n {
                return self.posts();
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!("expected {n} posts, got {}", self.posts.lock().unwrap().len());
            }
        }
    }
}

impl Sender for Recorder {
    fn send<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            let now = self.clock.as_ref().map(|c| c.now()).unwrap_or_else(Utc::now);
            {
                let mut fail = self.fail_first.lock().unwrap();
                if *fail > 0 {
                    *fail -= 1;
                    return Err(SendError::Transient("rate limited".into()));
                }
            }
            if let convoca::reminders::To::Person { user, .. } = &post.to
                && self.closed.lock().unwrap().contains(user)
            {
                return Err(SendError::Unreachable("Cannot send messages to this user (50007)".into()));
            }
            self.posts.lock().unwrap().push((now, post.clone()));
            self.arrived.notify_waiters();
            if self.hang {
                std::future::pending::<()>().await;
            }
            if let Some(gate) = &self.gate {
                gate.acquire().await.unwrap().forget();
            }
            Ok(())
        })
    }

    fn open_direct<'a>(&'a self, user: &'a str) -> BoxFuture<'a, Result<String, SendError>> {
        Box::pin(async move {
            self.opened.lock().unwrap().push(user.to_string());
            Ok(format!("dm-{user}"))
        })
    }

    /// The recorded posts are the channel: an earlier attempt that reached `send` is there.
    fn find<'a>(&'a self, post: &'a Post) -> BoxFuture<'a, Result<Found, SendError>> {
        Box::pin(async move {
            *self.finds.lock().unwrap() += 1;
            let posted = self.posts.lock().unwrap().iter().any(|(_, p)| p.key == post.key);
            Ok(if posted { Found::Posted } else { Found::NotPosted })
        })
    }
}

/// Shipped content with the monthly meeting's reminders going to `channels`, plus `extra`
/// appended to the meeting file.
pub fn content_with(channels: &[&str], extra: &str) -> tempfile::TempDir {
    let dir = copy_of_shipped();
    let path = dir.path().join("meetings/monthly.toml");
    let list = channels.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    let text = std::fs::read_to_string(&path).unwrap().replace("channels = []", &format!("channels = [{list}]"));
    std::fs::write(&path, format!("{text}\n{extra}")).unwrap();
    dir
}

/// The shipped content with a deadline (`2026-12-15T17:00`) on jilamito's petition.
pub fn petition_deadline() -> tempfile::TempDir {
    let dir = copy_of_shipped();
    let path = dir.path().join("campaigns/jilamito.toml");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "link = \"https://masspeaceaction.org/honduras-and-the-jilamito-project/\"\n\n[[actions]]",
        "link = \"https://masspeaceaction.org/honduras-and-the-jilamito-project/\"\ndeadline = \"2026-12-15T17:00\"\n\n[[actions]]",
        1,
    );
    std::fs::write(&path, text).unwrap();
    dir
}

pub struct Running {
    pub status: watch::Receiver<Status>,
    pub stop: watch::Sender<bool>,
    pub handle: tokio::task::JoinHandle<()>,
}

pub fn start(engine: &Engine, sender: &Recorder, clock: &ManualClock) -> Running {
    start_with(engine, Arc::new(sender.clone()), Arc::new(clock.clone()), SchedulerConfig::default())
}

/// A scheduler posting Discord reminders through `sender`, on `clock`, configured.
pub fn start_with(engine: &Engine, sender: Arc<dyn Sender>, clock: Arc<dyn Clock>, config: SchedulerConfig) -> Running {
    start_on(engine, &convoca::discord::ABILITIES, sender, clock, config)
}

/// A scheduler posting the reminders of the platform `on` declares through `sender`, on
/// `clock`, configured.
pub fn start_on(
    engine: &Engine,
    on: &'static convoca::chat::Abilities,
    sender: Arc<dyn Sender>,
    clock: Arc<dyn Clock>,
    config: SchedulerConfig,
) -> Running {
    let senders = Senders::new().with(on, sender);
    let scheduler = Scheduler::new(engine.clone(), senders, clock, config);
    let status = scheduler.status();
    let (stop, stop_rx) = watch::channel(false);
    let handle = tokio::spawn(scheduler.run(stop_rx));
    Running { status, stop, handle }
}

pub async fn wait_status(rx: &mut watch::Receiver<Status>, what: &str, f: impl Fn(&Status) -> bool) -> Status {
    let found = match tokio::time::timeout(std::time::Duration::from_secs(20), rx.wait_for(|s| f(s))).await {
        Ok(Ok(s)) => Some(s.clone()),
        _ => None,
    };
    found.unwrap_or_else(|| panic!("scheduler never reached: {what}; last status {:?}", *rx.borrow()))
}

pub async fn ledger(store: &Store, key: &str) -> Option<LedgerState> {
    store.ledger_states(&[key]).await.unwrap().into_iter().next().map(|(_, s, _)| s)
}
