//! A Matrix member for tests: a real matrix-sdk client (encryption included) that joins
//! rooms it is invited to and records every message it sees.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoom;
use matrix_sdk::ruma::events::InitialStateEvent;
use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
use matrix_sdk::ruma::events::room::member::{MembershipState, StrippedRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, Relation, RoomMessageEventContent,
};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId, RoomId, UserId};
use matrix_sdk::{Client, Room};
use tokio::sync::Notify;

use super::synapse::Synapse;

/// A message the member saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub room: OwnedRoomId,
    pub sender: OwnedUserId,
    pub event_id: OwnedEventId,
    pub msgtype: String,
    pub body: String,
    pub html: Option<String>,
    pub in_reply_to: Option<OwnedEventId>,
    /// The homeserver's timestamp, in milliseconds.
    pub ts: u64,
    /// Whether it arrived encrypted.
    pub encrypted: bool,
}

pub struct Member {
    pub client: Client,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    arrived: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
    _store: tempfile::TempDir,
}

impl Member {
    pub async fn login(hs: &Synapse, user: &str, password: &str) -> Member {
        let store = tempfile::tempdir().unwrap();
        let client = Client::builder().homeserver_url(&hs.url).sqlite_store(store.path(), None).build().await.unwrap();
        client.matrix_auth().login_username(user, password).send().await.unwrap();
        client.sync_once(SyncSettings::default().timeout(Duration::ZERO)).await.unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let arrived = Arc::new(Notify::new());
        let (s, a) = (Arc::clone(&seen), Arc::clone(&arrived));
        client.add_event_handler(
            move |ev: OriginalSyncRoomMessageEvent, room: Room, raw: matrix_sdk::event_handler::RawEvent| {
                let (s, a) = (Arc::clone(&s), Arc::clone(&a));
                async move {
                    let (msgtype, body, html) = match &ev.content.msgtype {
                        MessageType::Text(t) => {
                            ("m.text", t.body.clone(), t.formatted.as_ref().map(|f| f.body.clone()))
                        }
                        MessageType::Notice(t) => {
                            ("m.notice", t.body.clone(), t.formatted.as_ref().map(|f| f.body.clone()))
                        }
                        other => (other.msgtype(), other.body().to_string(), None),
                    };
                    let in_reply_to = match &ev.content.relates_to {
                        Some(Relation::Reply(reply)) => Some(reply.in_reply_to.event_id.clone()),
                        _ => None,
                    };
                    let encrypted = raw.get().contains("m.room.encrypted") || room.encryption_state().is_encrypted();
                    s.lock().unwrap().push(Seen {
                        room: room.room_id().to_owned(),
                        sender: ev.sender.clone(),
                        event_id: ev.event_id.clone(),
                        msgtype: msgtype.to_string(),
                        body,
                        html,
                        in_reply_to,
                        ts: u64::from(ev.origin_server_ts.0),
                        encrypted,
                    });
                    a.notify_waiters();
                }
            },
        );
        let me = client.user_id().unwrap().to_owned();
        client.add_event_handler(move |ev: StrippedRoomMemberEvent, room: Room, client: Client| {
            let me = me.clone();
            async move {
                if ev.state_key == me && ev.content.membership == MembershipState::Invite {
                    for _ in 0..10 {
                        if client.join_room_by_id(room.room_id()).await.is_ok() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                }
            }
        });
        let c = client.clone();
        let task = tokio::spawn(async move {
            loop {
                if c.sync_once(SyncSettings::default().timeout(Duration::from_secs(5))).await.is_err() {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        });
        Member { client, seen, arrived, task, _store: store }
    }

    pub fn user_id(&self) -> OwnedUserId {
        self.client.user_id().unwrap().to_owned()
    }

    /// Waits for a message matching `f` (looking at everything seen so far too).
    pub async fn wait(&self, what: &str, f: impl Fn(&Seen) -> bool) -> Seen {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let arrived = self.arrived.notified();
            if let Some(m) = self.seen.lock().unwrap().iter().find(|m| f(m)) {
                return m.clone();
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                let seen: Vec<String> = self
                    .seen
                    .lock()
                    .unwrap()
                    .iter()
                    .map(|m| format!("{}: {}", m.sender, m.body.lines().next().unwrap_or("")))
                    .collect();
                panic!("no message for {what}; seen: {seen:#?}");
            }
        }
    }

    /// Messages seen so far matching `f`.
    pub fn count(&self, f: impl Fn(&Seen) -> bool) -> usize {
        self.seen.lock().unwrap().iter().filter(|m| f(m)).count()
    }

    /// Creates a room (encrypted or not) and invites these users.
    pub async fn create_room(&self, invite: &[&UserId], encrypted: bool) -> Room {
        let mut req = CreateRoom::new();
        req.invite = invite.iter().map(|u| (*u).to_owned()).collect();
        if encrypted {
            req.initial_state = vec![
                InitialStateEvent::with_empty_state_key(RoomEncryptionEventContent::with_recommended_defaults())
                    .to_raw_any(),
            ];
        }
        self.client.create_room(req).await.unwrap()
    }

    /// Creates a room with an alias (`#alias:server`), or a direct chat (`is_direct`, the
    /// `trusted_private_chat` preset that gives the invitee power 100), and invites these users.
    pub async fn create_room_with(
        &self,
        invite: &[&UserId],
        encrypted: bool,
        alias: Option<&str>,
        direct: bool,
    ) -> Room {
        let mut req = CreateRoom::new();
        req.invite = invite.iter().map(|u| (*u).to_owned()).collect();
        req.room_alias_name = alias.map(str::to_string);
        if direct {
            req.is_direct = true;
            req.preset = Some(matrix_sdk::ruma::api::client::room::create_room::v3::RoomPreset::TrustedPrivateChat);
        }
        if encrypted {
            req.initial_state = vec![
                InitialStateEvent::with_empty_state_key(RoomEncryptionEventContent::with_recommended_defaults())
                    .to_raw_any(),
            ];
        }
        self.client.create_room(req).await.unwrap()
    }

    /// Creates a room (a space when `space`) named `#alias:server` when an alias is given,
    /// inviting these users, with these power levels on top of Synapse's defaults (the
    /// creator outranks everyone in room version 12), open to anyone to join when `public`.
    pub async fn create_room_as(
        &self,
        invite: &[&UserId],
        alias: Option<&str>,
        powers: &[(&UserId, i64)],
        public: bool,
        space: bool,
    ) -> Room {
        use matrix_sdk::ruma::api::client::room::create_room::v3::RoomPreset;
        use matrix_sdk::ruma::serde::Raw;
        let mut req = CreateRoom::new();
        req.invite = invite.iter().map(|u| (*u).to_owned()).collect();
        req.room_alias_name = alias.map(str::to_string);
        req.preset = Some(if public { RoomPreset::PublicChat } else { RoomPreset::PrivateChat });
        if !powers.is_empty() {
            let users: serde_json::Map<String, serde_json::Value> =
                powers.iter().map(|(u, p)| (u.to_string(), serde_json::json!(p))).collect();
            let content = serde_json::json!({ "users": users });
            req.power_level_content_override = Some(Raw::from_json_string(content.to_string()).unwrap());
        }
        if space {
            let content = serde_json::json!({ "type": "m.space" });
            req.creation_content = Some(Raw::from_json_string(content.to_string()).unwrap());
        }
        self.client.create_room(req).await.unwrap()
    }

    /// Makes `child` a room of the space `space` (the member must be allowed to say so).
    pub async fn add_child(&self, space: &RoomId, child: &RoomId) {
        let room = self.client.get_room(space).unwrap();
        let via = serde_json::json!({ "via": [child.server_name().map_or("localhost", |s| s.as_str())] });
        room.send_state_event_raw("m.space.child", child.as_str(), via).await.unwrap();
    }

    /// Waits until `user` has joined `room`.
    pub async fn wait_joined(&self, room: &RoomId, user: &UserId) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(r) = self.client.get_room(room)
                && let Ok(Some(m)) = r.get_member(user).await
                && *m.membership() == MembershipState::Join
            {
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "{user} never joined {room}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends a text message.
    pub async fn say(&self, room: &RoomId, text: &str) -> OwnedEventId {
        let room = self.client.get_room(room).unwrap();
        room.send(RoomMessageEventContent::text_plain(text)).await.unwrap().response.event_id
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        self.task.abort();
    }
}
