//! A fake Discord on loopback: REST under `/api/v10` and a gateway speaking the real wire
//! format (text-frame JSON: HELLO, IDENTIFY, READY, heartbeats, dispatches). It records every
//! REST call for tests to inspect and drops a second message with the same nonce, as Discord
//! does with `enforce_nonce`. Posting messages keeps Discord's rate limits (5 per channel
//! per 5 seconds, 50 a second in all, by default; opening a DM channel counts against the
//! global limit too): headers on every answer, 429 with `retry_after` beyond them, and a
//! count of requests sent into a limit after a 429. DM channels are opened once per person
//! (the same channel comes back), and a person can close their DMs (50007).
//!
//! Besides the home server (`GUILD_ID`), tests can add servers of their own
//! ([`FakeDiscord::add_guild`]) with roles, channels (categories, text channels, threads)
//! and members, for an organization whose groups live in different servers and channels.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{Mutex, Notify, mpsc};
use tokio_tungstenite::tungstenite::Message as Ws;

pub const APP_ID: &str = "900000000000000001";
pub const BOT_ID: &str = "900000000000000002";
pub const GUILD_ID: &str = "700000000000000001";
pub const CHANNEL_ID: &str = "700000000000000002";
/// The "Organizers" role of the home server.
pub const ORGANIZER_ROLE: &str = "700000000000000009";
/// A role with Administrator in the home server.
pub const ADMIN_ROLE: &str = "700000000000000010";
/// A role with Manage Events in the home server.
pub const EVENTS_ROLE: &str = "700000000000000011";
/// The home server's owner.
pub const OWNER_ID: &str = "700000000000000099";
/// The bot's own role in the home server (View Channel, Send Messages, Embed Links, Read
/// Message History).
pub const BOT_ROLE: &str = "700000000000000012";
/// The application's verify key (a valid Ed25519 public key).
pub const VERIFY_KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
/// The token the fake accepts.
pub const TOKEN: &str = "fake-token";
/// Another server, whose admin is nobody in the group.
pub const FOREIGN_GUILD_ID: &str = "600000000000000001";
pub const FOREIGN_CHANNEL_ID: &str = "600000000000000002";

/// One REST call.
#[derive(Clone, Debug)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
    pub raw: Vec<u8>,
    /// When it arrived.
    pub at: std::time::SystemTime,
    /// Its answer's status.
    pub status: u16,
}

#[derive(Default)]
struct Shared {
    calls: Mutex<Vec<Call>>,
    arrived: Notify,
    gateway: Mutex<Option<mpsc::UnboundedSender<Ws>>>,
    seq: AtomicU64,
    ids: AtomicU64,
    identifies: AtomicU64,
    resumes: AtomicU64,
    ws_url: Mutex<String>,
    nonces: Mutex<HashMap<String, Value>>,
    created: Mutex<Vec<Value>>,
    events: Mutex<Vec<Value>>,
    /// Members of the home server by user id, with their role ids.
    members: Mutex<HashMap<String, Vec<String>>>,
    limits: std::sync::Mutex<RateLimits>,
    /// Statuses to answer the next message posts with, instead of posting.
    failures: Mutex<std::collections::VecDeque<u16>>,
    /// 429s answered.
    pub rate_limited: AtomicU64,
    /// Requests sent to a bucket before the `retry_after` of its 429 had passed.
    pub violations: AtomicU64,
    /// Gateway connections open now.
    open_gateways: AtomicU64,
    /// The bot lacks Read Message History: fetching messages is refused.
    history_denied: std::sync::atomic::AtomicBool,
    /// DM channels opened, by user id: each open of an existing one returns the same channel.
    dms: Mutex<HashMap<String, String>>,
    /// Users whose DMs are closed to the bot: posts to their DM channel get 50007.
    closed_dms: Mutex<std::collections::HashSet<String>>,
    /// Channels deleted: a message to one gets Discord's 10003 (Unknown Channel).
    deleted: Mutex<std::collections::HashSet<String>>,
    /// `POST /users/@me/channels` calls answered.
    pub dm_opens: AtomicU64,
    /// Commands registered, by the path they were put to.
    commands: Mutex<HashMap<String, Value>>,
    /// Channels' permission overwrites, by channel id.
    overwrites: Mutex<HashMap<String, Value>>,
    /// Whether anyone may add the bot ("Public Bot").
    bot_public: std::sync::atomic::AtomicBool,
    /// Servers added by tests, by id (the home server `GUILD_ID` is not among them).
    guilds: std::sync::Mutex<HashMap<String, Guild>>,
}

/// A server a test added: its owner, roles, channels and members.
#[derive(Clone, Debug, Default)]
pub struct Guild {
    pub name: String,
    pub owner: String,
    /// Roles as Discord lists them (`@everyone`, whose id is the server's, comes first).
    pub roles: Vec<Value>,
    /// Channels by id: their type (0 text, 4 category, 11 public thread) and parent.
    pub channels: HashMap<String, (u8, Option<String>)>,
    /// Members by user id, with their role ids.
    pub members: HashMap<String, Vec<String>>,
}

/// Discord's limits on posting messages, and where each bucket stands.
pub struct RateLimits {
    pub per_channel: u32,
    pub window: std::time::Duration,
    pub global_per_second: u32,
    channels: HashMap<String, (u32, std::time::Instant)>,
    global: (u32, std::time::Instant),
    /// Buckets answered 429: since when, until when.
    blocked: HashMap<String, (std::time::Instant, std::time::Instant)>,
}

impl Default for RateLimits {
    fn default() -> RateLimits {
        RateLimits {
            per_channel: 5,
            window: std::time::Duration::from_secs(5),
            global_per_second: 50,
            channels: HashMap::new(),
            global: (0, std::time::Instant::now()),
            blocked: HashMap::new(),
        }
    }
}

/// What the limits say about one more post to a channel.
enum Verdict {
    Go { remaining: u32, reset_after: f64 },
    Limited { retry_after: f64, global: bool, violation: bool },
}

impl RateLimits {
    /// One more request that only counts against the global limit (opening a DM channel).
    fn global_only(&mut self) -> Option<Verdict> {
        let now = std::time::Instant::now();
        let violation = self.sent_into("global", now);
        let limited = self.global_second(now, violation);
        if limited.is_none() {
            self.global.0 += 1;
        }
        limited
    }

    /// Whether a request now goes into `bucket` after its 429 could have arrived (requests
    /// already on their way when it was given are not counted).
    fn sent_into(&self, bucket: &str, now: std::time::Instant) -> bool {
        let learned = std::time::Duration::from_millis(100);
        self.blocked.get(bucket).is_some_and(|(since, until)| now > *since + learned && now < *until)
    }

    /// The global second: `Some` 429 when it is full.
    fn global_second(&mut self, now: std::time::Instant, violation: bool) -> Option<Verdict> {
        if now.duration_since(self.global.1) >= std::time::Duration::from_secs(1) {
            self.global = (0, now);
        }
        if self.global.0 < self.global_per_second {
            return None;
        }
        let retry_after = (std::time::Duration::from_secs(1) - now.duration_since(self.global.1)).as_secs_f64();
        let until = now + std::time::Duration::from_secs_f64(retry_after);
        let since = self.blocked.get("global").filter(|(_, u)| now < *u).map_or(now, |(s, _)| *s);
        self.blocked.insert("global".into(), (since, until));
        Some(Verdict::Limited { retry_after, global: true, violation })
    }

    fn post(&mut self, channel: &str) -> Verdict {
        let now = std::time::Instant::now();
        let violation = self.sent_into(channel, now) || self.sent_into("global", now);
        if let Some(limited) = self.global_second(now, violation) {
            return limited;
        }
        let window = self.window;
        let entry = self.channels.entry(channel.to_string()).or_insert((0, now));
        if now.duration_since(entry.1) >= window {
            *entry = (0, now);
        }
        let reset_after = (window - now.duration_since(entry.1)).as_secs_f64();
        if entry.0 >= self.per_channel {
            let until = now + std::time::Duration::from_secs_f64(reset_after);
            let since = self.blocked.get(channel).filter(|(_, u)| now < *u).map_or(now, |(s, _)| *s);
            self.blocked.insert(channel.to_string(), (since, until));
            return Verdict::Limited { retry_after: reset_after, global: false, violation };
        }
        entry.0 += 1;
        self.global.0 += 1;
        Verdict::Go { remaining: self.per_channel - entry.0, reset_after }
    }
}

/// The fake server.
#[derive(Clone)]
pub struct FakeDiscord {
    shared: Arc<Shared>,
    /// `http://127.0.0.1:PORT`, for `DISCORD_API_BASE`.
    pub base: String,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        let shared = Arc::new(Shared::default());
        shared.ids.store(800_000_000_000_000_000, Ordering::SeqCst);
        shared.members.lock().await.insert(BOT_ID.to_string(), vec![BOT_ROLE.to_string()]);
        let ws = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        *shared.ws_url.lock().await = format!("ws://{}", ws.local_addr().unwrap());
        tokio::spawn(gateway(ws, Arc::clone(&shared)));
        let rest = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", rest.local_addr().unwrap());
        let app = Router::new().fallback(rest_call).with_state(Arc::clone(&shared));
        tokio::spawn(async move { axum::serve(rest, app).await.unwrap() });
        FakeDiscord { shared, base }
    }

    pub fn next_id(&self) -> String {
        self.shared.ids.fetch_add(1, Ordering::SeqCst).to_string()
    }

    pub async fn calls(&self) -> Vec<Call> {
        self.shared.calls.lock().await.clone()
    }

    /// The server's scheduled events as they stand.
    pub async fn events(&self) -> Vec<Value> {
        self.shared.events.lock().await.clone()
    }

    /// Adds an event someone else made (a member, by hand).
    pub async fn add_event(&self, event: Value) {
        self.shared.events.lock().await.push(event);
    }

    /// Messages actually created in channels (after nonce de-duplication).
    pub async fn created(&self) -> Vec<Value> {
        self.shared.created.lock().await.clone()
    }

    /// Sets the message-posting limits.
    pub fn set_limits(&self, per_channel: u32, window: std::time::Duration, global_per_second: u32) {
        let mut l = self.shared.limits.lock().unwrap();
        l.per_channel = per_channel;
        l.window = window;
        l.global_per_second = global_per_second;
    }

    /// The next message posts are answered with these statuses (500, 502…), not posted.
    pub async fn fail_posts(&self, statuses: &[u16]) {
        self.shared.failures.lock().await.extend(statuses);
    }

    /// Gateway connections open now.
    pub fn open_gateways(&self) -> u64 {
        self.shared.open_gateways.load(Ordering::SeqCst)
    }

    /// Sets a channel's permission overwrites (a JSON array, as Discord lists them).
    pub async fn set_overwrites(&self, channel: &str, overwrites: Value) {
        self.shared.overwrites.lock().await.insert(channel.to_string(), overwrites);
    }

    /// Turns "Public Bot" on or off.
    pub fn set_bot_public(&self, public: bool) {
        self.shared.bot_public.store(public, Ordering::SeqCst);
    }

    /// Closes `user`'s DMs to the bot: a message to them gets Discord's 50007.
    pub async fn close_dms(&self, user: &str) {
        self.shared.closed_dms.lock().await.insert(user.to_string());
    }

    /// Deletes `channel`: a message to it gets Discord's 10003.
    pub async fn delete_channel(&self, channel: &str) {
        self.shared.deleted.lock().await.insert(channel.to_string());
    }

    /// DM channels opened so far (`POST /users/@me/channels` answered).
    pub fn dm_opens(&self) -> u64 {
        self.shared.dm_opens.load(Ordering::SeqCst)
    }

    /// The DM channel opened with `user`, if any.
    pub async fn dm_channel(&self, user: &str) -> Option<String> {
        self.shared.dms.lock().await.get(user).cloned()
    }

    /// Takes the bot's Read Message History permission away.
    pub fn deny_history(&self) {
        self.shared.history_denied.store(true, Ordering::SeqCst);
    }

    /// 429s answered so far.
    pub fn rate_limited(&self) -> u64 {
        self.shared.rate_limited.load(Ordering::SeqCst)
    }

    /// Requests sent into a limit after its 429 said to wait.
    pub fn violations(&self) -> u64 {
        self.shared.violations.load(Ordering::SeqCst)
    }

    /// Forgets every nonce, as Discord does a few minutes after a message: a second post
    /// with the same nonce is then a second message.
    pub async fn forget_nonces(&self) {
        self.shared.nonces.lock().await.clear();
    }

    pub fn identifies(&self) -> u64 {
        self.shared.identifies.load(Ordering::SeqCst)
    }

    pub fn resumes(&self) -> u64 {
        self.shared.resumes.load(Ordering::SeqCst)
    }

    /// Waits (with a deadline) for a REST call matching `f`, counting from call `from`.
    pub async fn wait_call(&self, from: usize, what: &str, f: impl Fn(&Call) -> bool) -> Call {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let arrived = self.shared.arrived.notified();
            if let Some(c) = self.shared.calls.lock().await.iter().skip(from).find(|c| f(c)) {
                return c.clone();
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                let calls: Vec<String> =
                    self.calls().await.iter().map(|c| format!("{} {}", c.method, c.path)).collect();
                panic!("no REST call for {what}; calls so far: {calls:#?}");
            }
        }
    }

    /// Waits until a gateway session is identified (`n` identifies in all).
    pub async fn wait_identified(&self, n: u64) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
        while self.identifies() + self.resumes() < n {
            assert!(tokio::time::Instant::now() < deadline, "the client never identified");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// Sends a dispatch (op 0) on the current gateway connection.
    pub async fn dispatch(&self, kind: &str, data: Value) {
        let s = self.shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
        let frame = json!({"op": 0, "t": kind, "s": s, "d": data});
        let tx = self.shared.gateway.lock().await.clone().expect("a gateway connection");
        tx.send(Ws::Text(frame.to_string())).expect("gateway connection open");
    }

    /// Closes the gateway connection as Discord does when it wants the client to reconnect.
    pub async fn close_gateway(&self) {
        if let Some(tx) = self.shared.gateway.lock().await.take() {
            let _ = tx.send(Ws::Close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
                code: tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::Library(4000),
                reason: "reconnect".into(),
            })));
        }
    }

    /// Makes `user` a member of the home server with these role ids (for `GET
    /// /guilds/{id}/members/{user}`, which DMs need).
    pub async fn set_member(&self, user: &str, roles: &[&str]) {
        self.shared.members.lock().await.insert(user.to_string(), roles.iter().map(|r| r.to_string()).collect());
    }

    /// Adds a server owned by `owner`, with an `@everyone` role of no permissions; the bot
    /// is in it (listed at the next READY).
    pub fn add_guild(&self, id: &str, name: &str, owner: &str) {
        let guild = Guild {
            name: name.into(),
            owner: owner.into(),
            roles: vec![role(id, "@everyone", "0")],
            members: HashMap::from([(owner.to_string(), Vec::new()), (BOT_ID.to_string(), Vec::new())]),
            ..Default::default()
        };
        self.shared.guilds.lock().unwrap().insert(id.into(), guild);
    }

    /// Adds a role to a server added with [`FakeDiscord::add_guild`].
    pub fn add_role(&self, guild: &str, id: &str, name: &str, permissions: &str) {
        self.shared.guilds.lock().unwrap().get_mut(guild).expect("an added server").roles.push(role(
            id,
            name,
            permissions,
        ));
    }

    /// Adds a channel (`kind` 0 text, 4 category, 11 public thread) under `parent`.
    pub fn add_channel(&self, guild: &str, id: &str, kind: u8, parent: Option<&str>) {
        let mut guilds = self.shared.guilds.lock().unwrap();
        let g = guilds.get_mut(guild).expect("an added server");
        g.channels.insert(id.into(), (kind, parent.map(str::to_string)));
    }

    /// Makes `user` a member of an added server, with these role ids.
    pub fn add_member(&self, guild: &str, user: &str, roles: &[&str]) {
        let mut guilds = self.shared.guilds.lock().unwrap();
        let g = guilds.get_mut(guild).expect("an added server");
        g.members.insert(user.into(), roles.iter().map(|r| r.to_string()).collect());
    }

    /// A command sent `at` a channel of an added server (`(server, channel)`) by a member
    /// whose `standing` is the permissions Discord computed for them there and their role
    /// ids; the channel's type and parent as the server has them.
    pub fn command_in(
        &self,
        at: (&str, &str),
        name: &str,
        options: Value,
        user: (&str, &str),
        locale: &str,
        (permissions, roles): (&str, &[&str]),
    ) -> Value {
        let mut i = self.command(name, options, user, locale, permissions);
        self.place_in(&mut i, at.0, at.1);
        i["member"]["roles"] = json!(roles);
        i
    }

    /// A click on `message` in `channel` of an added server, by a member with no role.
    pub fn click_in(&self, guild: &str, channel: &str, custom_id: &str, message: Value, user: (&str, &str)) -> Value {
        let mut i = self.click(custom_id, message, user, "en-US");
        self.place_in(&mut i, guild, channel);
        i
    }

    /// Moves an interaction into `channel` of an added server.
    fn place_in(&self, i: &mut Value, guild: &str, channel: &str) {
        let (kind, parent) =
            self.shared.guilds.lock().unwrap()[guild].channels.get(channel).cloned().expect("a channel of that server");
        i["guild_id"] = json!(guild);
        i["channel_id"] = json!(channel);
        i["channel"] = json!({"id": channel, "type": kind, "parent_id": parent});
        i["authorizing_integration_owners"] = json!({"0": guild});
    }

    /// The same command sent from another server, where the user has `permissions`.
    pub fn command_in_foreign_server(
        &self,
        name: &str,
        options: Value,
        user: (&str, &str),
        permissions: &str,
    ) -> Value {
        let mut i = self.command(name, options, user, "en-US", permissions);
        i["guild_id"] = json!(FOREIGN_GUILD_ID);
        i["channel_id"] = json!(FOREIGN_CHANNEL_ID);
        i["channel"] = json!({"id": FOREIGN_CHANNEL_ID, "type": 0});
        i["authorizing_integration_owners"] = json!({"0": FOREIGN_GUILD_ID});
        i
    }

    /// The same command sent in the bot's DM (no server, no member: a user), as Discord
    /// sends it: context 1 (BOT_DM), a channel of type 1.
    pub fn command_in_dm(&self, name: &str, options: Value, (id, name_): (&str, &str)) -> Value {
        let mut i = self.command(name, options, (id, name_), "en-US", "0");
        let obj = i.as_object_mut().unwrap();
        obj.remove("guild_id");
        obj.remove("member");
        obj.insert("user".into(), json!({"id": id, "username": name_.to_lowercase(), "global_name": name_, "discriminator": "0", "avatar": null}));
        obj.insert("channel_id".into(), json!("500000000000000001"));
        obj.insert("channel".into(), json!({"id": "500000000000000001", "type": 1}));
        obj.insert("context".into(), json!(1));
        obj.insert("authorizing_integration_owners".into(), json!({"0": "0"}));
        i
    }

    /// A slash command interaction as Discord sends it.
    pub fn command(&self, name: &str, options: Value, user: (&str, &str), locale: &str, permissions: &str) -> Value {
        json!({
            "id": self.next_id(), "application_id": APP_ID, "type": 2, "token": format!("token-{}", self.next_id()),
            "version": 1,
            "data": {"id": self.next_id(), "name": name, "type": 1, "options": options},
            "guild_id": GUILD_ID, "channel_id": CHANNEL_ID, "channel": {"id": CHANNEL_ID, "type": 0},
            "member": member(user, permissions),
            "locale": locale, "guild_locale": "en-US", "app_permissions": "2147483648",
            "entitlements": [], "authorizing_integration_owners": {"0": GUILD_ID}, "context": 0,
            "attachment_size_limit": 26214400
        })
    }

    /// A slash command from a member with the organizer role (and no permission of note).
    pub fn organizer_command(&self, name: &str, options: Value, user: (&str, &str)) -> Value {
        let mut i = self.command(name, options, user, "en-US", "0");
        i["member"]["roles"] = json!([ORGANIZER_ROLE]);
        i
    }

    /// A button click on `message`.
    pub fn click(&self, custom_id: &str, message: Value, user: (&str, &str), locale: &str) -> Value {
        json!({
            "id": self.next_id(), "application_id": APP_ID, "type": 3, "token": format!("token-{}", self.next_id()),
            "version": 1,
            "data": {"custom_id": custom_id, "component_type": 2},
            "guild_id": GUILD_ID, "channel_id": CHANNEL_ID, "channel": {"id": CHANNEL_ID, "type": 0},
            "member": member(user, "0"), "message": message,
            "locale": locale, "guild_locale": "en-US", "app_permissions": "2147483648",
            "entitlements": [], "authorizing_integration_owners": {"0": GUILD_ID}, "context": 0,
            "attachment_size_limit": 26214400
        })
    }

    /// An autocomplete request while typing `value` into option `option`.
    pub fn autocomplete(&self, name: &str, option: &str, value: &str) -> Value {
        let mut i = self.command(
            name,
            json!([{"name": option, "type": 3, "value": value, "focused": true}]),
            ("1", "Ana"),
            "en-US",
            "0",
        );
        i["type"] = json!(4);
        i
    }
}

/// Whether `c` is the callback answering `interaction`.
pub fn callback_for(c: &Call, interaction: &Value) -> bool {
    c.method == "POST"
        && c.path
            == format!(
                "/api/v10/interactions/{}/{}/callback",
                interaction["id"].as_str().unwrap(),
                interaction["token"].as_str().unwrap()
            )
}

/// Sends `interaction` over the gateway and returns the response the bot gave it.
pub async fn interact(fake: &FakeDiscord, interaction: Value) -> Value {
    let from = fake.calls().await.len();
    fake.dispatch("INTERACTION_CREATE", interaction.clone()).await;
    fake.wait_call(from, "the interaction callback", |c| callback_for(c, &interaction)).await.body
}

/// The first embed's title, description, fields and footer, as one text.
pub fn embed_text(response: &Value) -> String {
    let e = &response["data"]["embeds"][0];
    let mut text = format!("{}\n{}\n", e["title"].as_str().unwrap_or(""), e["description"].as_str().unwrap_or(""));
    for f in e["fields"].as_array().cloned().unwrap_or_default() {
        text.push_str(&format!("{}: {}\n", f["name"].as_str().unwrap_or(""), f["value"].as_str().unwrap_or("")));
    }
    text.push_str(e["footer"]["text"].as_str().unwrap_or(""));
    text
}

/// Whether a response is seen by the asker alone.
pub fn ephemeral(response: &Value) -> bool {
    response["data"]["flags"].as_u64().unwrap_or(0) & 64 == 64
}

fn role(id: &str, name: &str, permissions: &str) -> Value {
    json!({"id": id, "name": name, "color": 0,
           "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
           "hoist": false, "icon": null, "unicode_emoji": null, "position": 1,
           "permissions": permissions, "managed": false, "mentionable": false, "flags": 0})
}

fn member((id, name): (&str, &str), permissions: &str) -> Value {
    json!({
        "user": {"id": id, "username": name.to_lowercase(), "global_name": name, "discriminator": "0", "avatar": null},
        "roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
        "flags": 0, "pending": false, "permissions": permissions, "nick": null, "avatar": null
    })
}

/// A message object as Discord returns it.
pub fn message_json(id: &str, channel: &str, body: &Value) -> Value {
    json!({
        "id": id, "channel_id": channel, "guild_id": GUILD_ID,
        "author": {"id": BOT_ID, "username": "convoca", "discriminator": "0", "avatar": null, "bot": true},
        "content": body.get("content").cloned().unwrap_or(json!("")),
        "timestamp": "2026-11-28T12:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": body.get("embeds").cloned().unwrap_or(json!([])),
        "components": body.get("components").cloned().unwrap_or(json!([])),
        "pinned": false, "type": 0, "flags": body.get("flags").cloned().unwrap_or(json!(0)),
        "nonce": body.get("nonce").cloned().unwrap_or(Value::Null)
    })
}

async fn rest_call(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let json_body: Value = if body.is_empty() {
        Value::Null
    } else if let Ok(v) = serde_json::from_slice(&body) {
        v
    } else {
        // multipart: keep the payload_json part.
        let text = String::from_utf8_lossy(&body);
        text.find("{\"")
            .and_then(|i| serde_json::from_str::<Value>(text[i..].split("\r\n").next().unwrap_or("")).ok())
            .unwrap_or(Value::Null)
    };
    let at = std::time::SystemTime::now();
    let authorization = headers.get("authorization").and_then(|v| v.to_str().ok());
    let response = answer(&shared, &method, &path, uri.query().unwrap_or(""), &json_body, authorization).await;
    let call = Call {
        method: method.to_string(),
        path: path.clone(),
        body: json_body,
        raw: body.to_vec(),
        at,
        status: response.status().as_u16(),
    };
    shared.calls.lock().await.push(call);
    shared.arrived.notify_waiters();
    response
}

/// `limit` (default 50, at most 100) and `before` of a message history request.
fn page_query(query: &str) -> (usize, Option<u64>) {
    let mut limit = 50;
    let mut before = None;
    for (k, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
        match k {
            "limit" => limit = v.parse::<usize>().unwrap_or(50).clamp(1, 100),
            "before" => before = v.parse().ok(),
            _ => {}
        }
    }
    (limit, before)
}

async fn answer(
    shared: &Shared,
    method: &Method,
    path: &str,
    query: &str,
    body: &Value,
    authorization: Option<&str>,
) -> Response {
    let segments: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
    let json = |v: Value| (StatusCode::OK, axum::Json(v)).into_response();
    // Interaction callbacks and webhooks are authorized by their token in the path.
    let by_path = matches!(segments.first(), Some(&"interactions" | &"webhooks" | &"gateway"));
    if !by_path && authorization.is_some_and(|a| a != format!("Bot {TOKEN}")) {
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({"message": "401: Unauthorized", "code": 0})))
            .into_response();
    }
    if let Some(answered) = added_guilds(shared, method.as_str(), &segments) {
        return answered;
    }
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["applications", "@me"]) => json(json!({
            "id": APP_ID, "name": "convoca", "icon": null, "description": "", "verify_key": VERIFY_KEY,
            "bot_public": shared.bot_public.load(Ordering::SeqCst), "bot_require_code_grant": false, "flags": 0
        })),
        ("GET", ["applications", _, "guilds", _, "commands"]) => {
            json(shared.commands.lock().await.get(path).cloned().unwrap_or_else(|| json!([])))
        }
        ("GET", ["channels", channel]) => json(json!({
            "id": channel, "type": 0, "guild_id": GUILD_ID, "name": "general", "position": 0,
            "permission_overwrites": shared.overwrites.lock().await.get(*channel).cloned().unwrap_or_else(|| json!([]))
        })),
        ("GET", ["gateway"]) => json(json!({"url": *shared.ws_url.lock().await})),
        ("GET", ["gateway", "bot"]) => json(json!({
            "url": *shared.ws_url.lock().await, "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        })),
        ("GET", ["users", "@me", "guilds"]) => json(json!([
            {"id": GUILD_ID, "name": "LA/CWG", "icon": null, "owner": false, "permissions": "0", "features": []}
        ])),
        ("GET", ["guilds", guild, "channels"]) if *guild == GUILD_ID => json(json!([
            {"id": CHANNEL_ID, "type": 0, "guild_id": GUILD_ID, "name": "general", "position": 0, "permission_overwrites": []},
            {"id": "700000000000000077", "type": 2, "guild_id": GUILD_ID, "name": "Voice", "position": 1, "permission_overwrites": []},
            {"id": "700000000000000078", "type": 0, "guild_id": GUILD_ID, "name": "reminders", "position": 2, "permission_overwrites": []}
        ])),
        ("GET", ["users", "@me"]) => {
            json(json!({"id": BOT_ID, "username": "convoca", "discriminator": "0", "avatar": null, "bot": true}))
        }
        ("PUT", ["applications", _, "commands"]) | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
            let registered: Vec<Value> = body
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|mut c| {
                    c["id"] = json!(shared.ids.fetch_add(1, Ordering::SeqCst).to_string());
                    c["application_id"] = json!(APP_ID);
                    c["version"] = json!("1");
                    if c.get("type").is_none() {
                        c["type"] = json!(1);
                    }
                    c
                })
                .collect();
            shared.commands.lock().await.insert(path.to_string(), Value::Array(registered.clone()));
            json(Value::Array(registered))
        }
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["webhooks", _, _]) => {
            json(message_json(&shared.ids.fetch_add(1, Ordering::SeqCst).to_string(), CHANNEL_ID, body))
        }
        ("POST", ["users", "@me", "channels"]) => {
            if let Some(Verdict::Limited { retry_after, global, violation }) =
                shared.limits.lock().unwrap().global_only()
            {
                return limited_429(shared, retry_after, global, violation);
            }
            let Some(user) = body["recipient_id"].as_str().map(str::to_string) else {
                return (StatusCode::BAD_REQUEST, axum::Json(json!({"message": "Invalid Form Body", "code": 50035})))
                    .into_response();
            };
            shared.dm_opens.fetch_add(1, Ordering::SeqCst);
            let mut dms = shared.dms.lock().await;
            let id = dms
                .entry(user.clone())
                .or_insert_with(|| shared.ids.fetch_add(1, Ordering::SeqCst).to_string())
                .clone();
            json(json!({
                "id": id, "type": 1, "last_message_id": null, "flags": 0,
                "recipients": [{"id": user, "username": "someone", "discriminator": "0", "avatar": null}]
            }))
        }
        ("POST", ["channels", channel, "messages"]) => {
            let closed = {
                let dms = shared.dms.lock().await;
                let closed = shared.closed_dms.lock().await;
                dms.iter().any(|(user, dm)| dm == channel && closed.contains(user))
            };
            if closed {
                return (
                    StatusCode::FORBIDDEN,
                    axum::Json(json!({"message": "Cannot send messages to this user", "code": 50007})),
                )
                    .into_response();
            }
            if shared.deleted.lock().await.contains(*channel) {
                return (StatusCode::NOT_FOUND, axum::Json(json!({"message": "Unknown Channel", "code": 10003})))
                    .into_response();
            }
            if let Some(status) = shared.failures.lock().await.pop_front() {
                let status = StatusCode::from_u16(status).unwrap();
                return (status, axum::Json(json!({"message": "Discord is having a bad day", "code": 0})))
                    .into_response();
            }
            let verdict = shared.limits.lock().unwrap().post(channel);
            let (remaining, reset_after) = match verdict {
                Verdict::Go { remaining, reset_after } => (remaining, reset_after),
                Verdict::Limited { retry_after, global, violation } => {
                    return limited_429(shared, retry_after, global, violation);
                }
            };
            let limited = |mut response: Response| {
                let headers = response.headers_mut();
                headers.insert("x-ratelimit-limit", "5".parse().unwrap());
                headers.insert("x-ratelimit-remaining", remaining.to_string().parse().unwrap());
                headers.insert("x-ratelimit-reset-after", format!("{reset_after:.3}").parse().unwrap());
                headers.insert("x-ratelimit-bucket", format!("messages-{channel}").parse().unwrap());
                response
            };
            let nonce = body.get("nonce").and_then(|n| n.as_str()).map(str::to_string);
            let enforce = body.get("enforce_nonce").and_then(|e| e.as_bool()).unwrap_or(false);
            if let (Some(n), true) = (&nonce, enforce)
                && let Some(existing) = shared.nonces.lock().await.get(n)
            {
                return limited(json(existing.clone()));
            }
            let msg = message_json(&shared.ids.fetch_add(1, Ordering::SeqCst).to_string(), channel, body);
            if let (Some(n), true) = (nonce, enforce) {
                shared.nonces.lock().await.insert(n, msg.clone());
            }
            shared.created.lock().await.push(msg.clone());
            limited(json(msg))
        }
        ("GET", ["channels", _, "messages"]) if shared.history_denied.load(Ordering::SeqCst) => {
            (StatusCode::FORBIDDEN, axum::Json(json!({"message": "Missing Access", "code": 50001}))).into_response()
        }
        ("GET", ["channels", channel, "messages"]) => {
            // Newest first, at most `limit`, older than `before` when given.
            let (limit, before) = page_query(query);
            let created = shared.created.lock().await;
            let page: Vec<Value> = created
                .iter()
                .rev()
                .filter(|m| m["channel_id"] == *channel)
                .filter(|m| before.is_none_or(|b| m["id"].as_str().and_then(|i| i.parse::<u64>().ok()) < Some(b)))
                .take(limit)
                .cloned()
                .collect();
            json(Value::Array(page))
        }
        ("GET", ["guilds", guild, "scheduled-events"]) => {
            let events = shared.events.lock().await;
            json(Value::Array(events.iter().filter(|e| e["guild_id"] == *guild).cloned().collect()))
        }
        ("POST", ["guilds", guild, "scheduled-events"]) => {
            let mut event = body.clone();
            event["id"] = json!(shared.ids.fetch_add(1, Ordering::SeqCst).to_string());
            event["guild_id"] = json!(guild);
            event["creator_id"] = json!(BOT_ID);
            event["channel_id"] = Value::Null;
            event["status"] = json!(1);
            event["entity_id"] = Value::Null;
            event["image"] = Value::Null;
            shared.events.lock().await.push(event.clone());
            json(event)
        }
        ("PATCH", ["guilds", _, "scheduled-events", id]) => {
            let mut events = shared.events.lock().await;
            let Some(event) = events.iter_mut().find(|e| e["id"] == *id) else {
                return (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({"message": "Unknown Guild Scheduled Event", "code": 10070})),
                )
                    .into_response();
            };
            for (k, v) in body.as_object().cloned().unwrap_or_default() {
                event[k.as_str()] = v;
            }
            json(event.clone())
        }
        ("DELETE", ["guilds", _, "scheduled-events", id]) => {
            shared.events.lock().await.retain(|e| e["id"] != *id);
            StatusCode::NO_CONTENT.into_response()
        }
        ("GET", ["guilds", guild, "members", user]) if *guild == GUILD_ID => {
            match shared.members.lock().await.get(*user) {
                Some(roles) => json(json!({
                    "user": {"id": user, "username": "someone", "discriminator": "0", "avatar": null},
                    "roles": roles, "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
                    "flags": 0, "pending": false, "nick": null, "avatar": null
                })),
                None => (StatusCode::NOT_FOUND, axum::Json(json!({"message": "Unknown Member", "code": 10007})))
                    .into_response(),
            }
        }
        ("GET", ["guilds", guild]) if *guild == GUILD_ID => json(json!({
            "id": GUILD_ID, "name": "LA/CWG", "icon": null, "icon_hash": null, "splash": null,
            "discovery_splash": null, "owner_id": OWNER_ID, "afk_channel_id": null, "afk_timeout": 300,
            "widget_enabled": false, "widget_channel_id": null, "verification_level": 1,
            "default_message_notifications": 1, "explicit_content_filter": 0,
            "roles": [
                role(GUILD_ID, "@everyone", "0"),
                role(ORGANIZER_ROLE, "Organizers", "0"),
                role(ADMIN_ROLE, "Admins", "8"),
                role(EVENTS_ROLE, "Event hosts", "8589934592"),
                role(BOT_ROLE, "convoca", "84992"),
            ],
            "emojis": [], "features": [], "mfa_level": 0, "application_id": null,
            "system_channel_id": null, "system_channel_flags": 0, "rules_channel_id": null,
            "max_presences": null, "max_members": 500000, "vanity_url_code": null, "description": null,
            "banner": null, "premium_tier": 0, "premium_subscription_count": 0, "preferred_locale": "en-US",
            "public_updates_channel_id": null, "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50, "nsfw_level": 0, "stickers": [],
            "premium_progress_bar_enabled": false, "safety_alerts_channel_id": null
        })),
        ("GET", ["guilds", _, "roles"]) => json(json!([
            {"id": "700000000000000009", "name": "Organizers", "color": 0,
             "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
             "hoist": false, "icon": null, "unicode_emoji": null, "position": 1,
             "permissions": "0", "managed": false, "mentionable": false, "flags": 0}
        ])),
        _ => (StatusCode::NOT_FOUND, axum::Json(json!({"message": "Unknown", "code": 0}))).into_response(),
    }
}

/// What the servers tests added answer: themselves, their roles, members and channels.
fn added_guilds(shared: &Shared, method: &str, segments: &[&str]) -> Option<Response> {
    let json = |v: Value| (StatusCode::OK, axum::Json(v)).into_response();
    let guilds = shared.guilds.lock().unwrap();
    let unknown = |what: &str, code: u32| {
        (StatusCode::NOT_FOUND, axum::Json(json!({"message": format!("Unknown {what}"), "code": code}))).into_response()
    };
    Some(match (method, segments) {
        ("GET", ["guilds", guild]) => {
            let g = guilds.get(*guild)?;
            json(json!({
                "id": guild, "name": g.name, "icon": null, "icon_hash": null, "splash": null,
                "discovery_splash": null, "owner_id": g.owner, "afk_channel_id": null, "afk_timeout": 300,
                "widget_enabled": false, "widget_channel_id": null, "verification_level": 1,
                "default_message_notifications": 1, "explicit_content_filter": 0,
                "roles": g.roles,
                "emojis": [], "features": [], "mfa_level": 0, "application_id": null,
                "system_channel_id": null, "system_channel_flags": 0, "rules_channel_id": null,
                "max_presences": null, "max_members": 500000, "vanity_url_code": null, "description": null,
                "banner": null, "premium_tier": 0, "premium_subscription_count": 0, "preferred_locale": "en-US",
                "public_updates_channel_id": null, "max_video_channel_users": 25,
                "max_stage_video_channel_users": 50, "nsfw_level": 0, "stickers": [],
                "premium_progress_bar_enabled": false, "safety_alerts_channel_id": null
            }))
        }
        ("GET", ["guilds", guild, "roles"]) => json(Value::Array(guilds.get(*guild)?.roles.clone())),
        ("GET", ["guilds", guild, "members", user]) => match guilds.get(*guild)?.members.get(*user) {
            Some(roles) => json(json!({
                "user": {"id": user, "username": "someone", "discriminator": "0", "avatar": null},
                "roles": roles, "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
                "flags": 0, "pending": false, "nick": null, "avatar": null
            })),
            None => unknown("Member", 10007),
        },
        ("GET", ["channels", channel]) => {
            let (guild, (kind, parent)) =
                guilds.iter().find_map(|(id, g)| g.channels.get(*channel).map(|c| (id.clone(), c.clone())))?;
            json(json!({
                "id": channel, "type": kind, "guild_id": guild, "name": format!("channel-{channel}"),
                "position": 0, "permission_overwrites": [], "parent_id": parent
            }))
        }
        _ => return None,
    })
}

/// A 429 as Discord sends it, counted (and counted as a violation when sent into a limit
/// whose 429 had already been given).
fn limited_429(shared: &Shared, retry_after: f64, global: bool, violation: bool) -> Response {
    shared.rate_limited.fetch_add(1, Ordering::SeqCst);
    if violation {
        shared.violations.fetch_add(1, Ordering::SeqCst);
    }
    let body = json!({"message": "You are being rate limited.", "retry_after": retry_after, "global": global});
    let mut response = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert("retry-after", format!("{}", retry_after.ceil() as u64).parse().unwrap());
    if global {
        headers.insert("x-ratelimit-global", "true".parse().unwrap());
    } else {
        headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
        headers.insert("x-ratelimit-reset-after", format!("{retry_after:.3}").parse().unwrap());
    }
    response
}

async fn gateway(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { return };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let Ok(ws) = tokio_tungstenite::accept_async(stream).await else { return };
            shared.open_gateways.fetch_add(1, Ordering::SeqCst);
            let (mut sink, mut stream) = ws.split();
            let (tx, mut rx) = mpsc::unbounded_channel::<Ws>();
            *shared.gateway.lock().await = Some(tx.clone());
            let _ = tx.send(Ws::Text(json!({"op": 10, "d": {"heartbeat_interval": 41250}}).to_string()));
            let writer = tokio::spawn(async move {
                while let Some(frame) = rx.recv().await {
                    let closing = matches!(frame, Ws::Close(_));
                    if sink.send(frame).await.is_err() || closing {
                        break;
                    }
                }
            });
            while let Some(Ok(frame)) = stream.next().await {
                let Ws::Text(text) = frame else { continue };
                let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                match v["op"].as_u64() {
                    Some(1) => {
                        let _ = tx.send(Ws::Text(json!({"op": 11}).to_string()));
                    }
                    Some(2) => {
                        shared.identifies.fetch_add(1, Ordering::SeqCst);
                        let s = shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
                        let mut guilds = vec![json!({"id": GUILD_ID, "unavailable": true})];
                        guilds.extend(
                            shared.guilds.lock().unwrap().keys().map(|id| json!({"id": id, "unavailable": true})),
                        );
                        let ready = json!({"op": 0, "t": "READY", "s": s, "d": {
                            "v": 10,
                            "user": {"id": BOT_ID, "username": "convoca", "discriminator": "0", "avatar": null, "bot": true, "verified": true, "mfa_enabled": false, "flags": 0},
                            "guilds": guilds,
                            "session_id": "fake-session", "resume_gateway_url": *shared.ws_url.lock().await,
                            "shard": [0, 1],
                            "application": {"id": APP_ID, "flags": 0}
                        }});
                        let _ = tx.send(Ws::Text(ready.to_string()));
                    }
                    Some(6) => {
                        shared.resumes.fetch_add(1, Ordering::SeqCst);
                        let s = shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
                        let _ = tx.send(Ws::Text(json!({"op": 0, "t": "RESUMED", "s": s, "d": {}}).to_string()));
                    }
                    _ => {}
                }
            }
            writer.abort();
            shared.open_gateways.fetch_sub(1, Ordering::SeqCst);
        });
    }
}
