//! Places on an action with a capacity: who has one, who waits, in what order, and the
//! offers that move a freed place down the waitlist.
//!
//! Every change to an action's places first updates its `action_places` row. That row is
//! the turnstile: on PostgreSQL its lock makes concurrent sign-ups, offers and answers for one
//! action take turns until each commits (across processes too), on SQLite the write lock
//! does; and its counter numbers arrivals, so the waitlist's order is the order sign-ups
//! committed in. No place is given or offered except inside that turn, so a capacity is
//! never exceeded and no place is offered twice.
//!
//! Places, offers and the sign-ups they count are the handle's group's (two groups may name
//! a campaign and an action alike): every statement here is limited to it.

use chrono::{DateTime, Duration, Utc};
use sqlx::{Any, Row, Transaction};

use super::reach::recipient;
use super::signups::{SignUpRow, of_sign_up};
use super::{Recipient, Result, Seen, SignUpOutcome, Store, instant, millis};
use crate::chat::User;

/// Where a sign-up for an action with a capacity stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placed {
    /// They have a place.
    Confirmed,
    /// They wait: first in line is 1.
    Waitlisted {
        /// Their place in line.
        position: i64,
    },
}

/// A place offered to someone waiting, open until it expires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// The campaign's slug.
    pub campaign: String,
    /// The action's slug.
    pub action: String,
    /// Who it is offered to.
    pub who: Recipient,
    /// When: with the action and the person, the offer's identity.
    pub offered_at: DateTime<Utc>,
    /// Until when they may accept it.
    pub expires_at: DateTime<Utc>,
}

/// What answering an offer did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferAnswer {
    /// The place is theirs.
    Accepted,
    /// They let it go (and left the waitlist); it moves on.
    Declined,
    /// Too late: the offer had expired and moved on.
    Expired,
    /// They had answered it already (`true`: accepted).
    Answered(bool),
    /// No place was offered to them.
    NoOffer,
}

/// What an answered offer does to the sign-up waiting behind it.
enum Leaves {
    /// Accepted: it has the place.
    Nothing,
    /// Declined or expired: off the waitlist.
    Waitlist,
}

/// The turn on one of `group`'s actions' places. A sign-up (`arriving`) draws the next
/// arrival number, which it returns; offers and answers only take the turn.
async fn turn(
    tx: &mut Transaction<'static, Any>,
    group: &str,
    campaign: &str,
    action: &str,
    arriving: bool,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO action_places (campaign, action, arrivals, grp) VALUES ($1, $2, $3, $4)
         ON CONFLICT (grp, campaign, action) DO UPDATE SET arrivals = action_places.arrivals + $3
         RETURNING arrivals",
    )
    .bind(campaign)
    .bind(action)
    .bind(i64::from(arriving))
    .bind(group)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get("arrivals")?)
}

/// How many wait for a place, and how many places are given or held by an open offer: one
/// statement, read inside the turn.
async fn places(tx: &mut Transaction<'static, Any>, group: &str, campaign: &str, action: &str) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COUNT(CASE WHEN waitlisted = 1 THEN 1 END) AS waiting,
                COUNT(CASE WHEN waitlisted = 0 THEN 1 END)
                  + (SELECT COUNT(*) FROM place_offers o
                       WHERE o.grp = $3 AND o.campaign = $1 AND o.action = $2 AND o.state = 'open') AS taken
         FROM signups WHERE grp = $3 AND campaign = $1 AND action = $2 AND withdrawn_at IS NULL",
    )
    .bind(campaign)
    .bind(action)
    .bind(group)
    .fetch_one(&mut **tx)
    .await?;
    Ok((row.try_get("waiting")?, row.try_get("taken")?))
}

/// Someone's place in line (1 = next), counting those still waiting who arrived before.
async fn position(
    tx: &mut Transaction<'static, Any>,
    group: &str,
    user: &User,
    campaign: &str,
    action: &str,
) -> Result<i64> {
    let sql = "SELECT COUNT(*) AS n FROM signups w, signups me
               WHERE me.platform = $1 AND me.user_id = $2 AND me.campaign = $3 AND me.action = $4 AND me.grp = $5
                 AND w.grp = $5 AND w.campaign = $3 AND w.action = $4 AND w.withdrawn_at IS NULL AND w.waitlisted = 1
                 AND w.arrival <= me.arrival";
    Ok(of_sign_up(sql, user, campaign, action).bind(group).fetch_one(&mut **tx).await?.try_get("n")?)
}

const OFFER_COLUMNS: &str = "o.campaign AS campaign, o.action AS action, o.platform AS platform, o.user_id AS user_id,
     o.offered_at AS offered_at, o.expires_at AS expires_at, u.locale AS locale, u.member AS member,
     u.reminders_off AS reminders_off";

fn offer(r: &sqlx::any::AnyRow) -> Result<Offer> {
    Ok(Offer {
        campaign: r.try_get("campaign")?,
        action: r.try_get("action")?,
        who: recipient(r)?,
        offered_at: instant(r.try_get("offered_at")?)?,
        expires_at: instant(r.try_get("expires_at")?)?,
    })
}

impl Store {
    /// Signs `user` up for an action with `capacity` places: a place when one is free and
    /// nobody waits for it, otherwise the waitlist, in arrival order. Idempotent like
    /// [`Store::sign_up`]: again, it says where they stand.
    pub async fn take_place(
        &self,
        user: &User,
        campaign: &str,
        action: &str,
        capacity: u32,
        seen: Seen,
        now: DateTime<Utc>,
    ) -> Result<(SignUpOutcome, Placed)> {
        self.within(async move {
            // Who they are first: it needs no turn, and everything done inside the turn makes
            // every other sign-up for the action wait.
            let group = self.group.as_str();
            let mut tx = self.begin_as(user, Some(seen), now).await?;
            let arrival = turn(&mut tx, group, campaign, action, true).await?;
            let before = SignUpRow::read(&mut tx, &self.group, user, campaign, action).await?;
            let (outcome, placed) = match before {
                Some(row) if row.active && row.waitlisted => (
                    SignUpOutcome::Already,
                    Placed::Waitlisted { position: position(&mut tx, group, user, campaign, action).await? },
                ),
                Some(row) if row.active => (SignUpOutcome::Already, Placed::Confirmed),
                _ => {
                    let (waiting, taken) = places(&mut tx, group, campaign, action).await?;
                    let waits = waiting > 0 || taken >= i64::from(capacity);
                    let sql = "INSERT INTO signups
                                 (platform, user_id, campaign, action, signed_up_at, waitlisted, arrival, grp)
                               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                               ON CONFLICT (grp, platform, user_id, campaign, action) DO UPDATE
                               SET withdrawn_at = NULL, signed_up_at = excluded.signed_up_at, outcome = NULL,
                                   outcome_at = NULL, waitlisted = excluded.waitlisted, arrival = excluded.arrival";
                    of_sign_up(sql, user, campaign, action)
                        .bind(millis(now))
                        .bind(i64::from(waits))
                        .bind(arrival)
                        .bind(group)
                        .execute(&mut *tx)
                        .await?;
                    let outcome = if before.is_some() { SignUpOutcome::Renewed } else { SignUpOutcome::New };
                    // Last in line: everyone waiting arrived in an earlier turn.
                    (outcome, if waits { Placed::Waitlisted { position: waiting + 1 } } else { Placed::Confirmed })
                }
            };
            tx.commit().await?;
            Ok((outcome, placed))
        })
        .await
    }

    /// Moves freed places down the waitlist for one of this group's actions: offers past
    /// their time expire (their person leaves the waitlist), and each place neither given nor
    /// held by an open offer is offered, valid for `valid`, to the first person waiting who
    /// holds none. Returns how many offers it made. Safe to call from any number of processes
    /// at once: each place is offered once.
    pub async fn offer_places(
        &self,
        campaign: &str,
        action: &str,
        capacity: u32,
        valid: Duration,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        self.within(async move {
            let group = self.group.as_str();
            let mut tx = self.begin_write().await?;
            turn(&mut tx, group, campaign, action, false).await?;
            sqlx::query(
                "UPDATE signups SET withdrawn_at = $3
                 WHERE grp = $4 AND campaign = $1 AND action = $2 AND withdrawn_at IS NULL
                   AND waitlisted = 1 AND EXISTS (SELECT 1 FROM place_offers o
                     WHERE o.grp = $4 AND o.campaign = $1 AND o.action = $2 AND o.platform = signups.platform
                       AND o.user_id = signups.user_id AND o.state = 'open' AND o.expires_at <= $3)",
            )
            .bind(campaign)
            .bind(action)
            .bind(millis(now))
            .bind(group)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE place_offers SET state = 'expired', answered_at = $3
                 WHERE grp = $4 AND campaign = $1 AND action = $2 AND state = 'open' AND expires_at <= $3",
            )
            .bind(campaign)
            .bind(action)
            .bind(millis(now))
            .bind(group)
            .execute(&mut *tx)
            .await?;
            let free = i64::from(capacity) - places(&mut tx, group, campaign, action).await?.1;
            let mut made = 0;
            if free > 0 {
                let next = sqlx::query(
                    "SELECT platform, user_id FROM signups s WHERE s.grp = $4 AND campaign = $1 AND action = $2
                       AND withdrawn_at IS NULL AND waitlisted = 1
                       AND NOT EXISTS (SELECT 1 FROM place_offers o WHERE o.grp = $4 AND o.campaign = $1
                         AND o.action = $2 AND o.platform = s.platform AND o.user_id = s.user_id AND o.state = 'open')
                     ORDER BY arrival LIMIT $3",
                )
                .bind(campaign)
                .bind(action)
                .bind(free)
                .bind(group)
                .fetch_all(&mut *tx)
                .await?;
                for r in next {
                    let (platform, user_id): (String, String) = (r.try_get("platform")?, r.try_get("user_id")?);
                    sqlx::query(
                        "INSERT INTO place_offers
                           (campaign, action, platform, user_id, offered_at, expires_at, state, grp)
                         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)",
                    )
                    .bind(campaign)
                    .bind(action)
                    .bind(&platform)
                    .bind(&user_id)
                    .bind(millis(now))
                    .bind(millis(now + valid))
                    .bind(group)
                    .execute(&mut *tx)
                    .await?;
                    made += 1;
                }
            }
            tx.commit().await?;
            Ok(made)
        })
        .await
    }

    /// Every open offer of this group, oldest first: the messages that tell people of them.
    pub async fn open_offers(&self) -> Result<Vec<Offer>> {
        self.within(async move {
            let sql = format!(
                "SELECT {OFFER_COLUMNS} FROM place_offers o JOIN users u ON u.platform = o.platform AND u.user_id = o.user_id
                 WHERE o.grp = $1 AND o.state = 'open' ORDER BY o.offered_at, o.campaign, o.action"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(self.group.as_str()).fetch_all(&self.pool).await?;
            rows.iter().map(offer).collect()
        })
        .await
    }

    /// This group's open offers to `user`, most recent first: a bare "accept" answers the
    /// first.
    pub async fn open_offers_of(&self, user: &User) -> Result<Vec<Offer>> {
        self.within(async move {
            let sql = format!(
                "SELECT {OFFER_COLUMNS} FROM place_offers o JOIN users u ON u.platform = o.platform AND u.user_id = o.user_id
                 WHERE o.platform = $1 AND o.user_id = $2 AND o.grp = $3 AND o.state = 'open'
                 ORDER BY o.offered_at DESC"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(user.platform.as_str())
                .bind(&user.id)
                .bind(self.group.as_str())
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(offer).collect()
        })
        .await
    }

    /// Accepts or declines the place most recently offered to `user` on this action of this
    /// group.
    pub async fn answer_offer(
        &self,
        user: &User,
        campaign: &str,
        action: &str,
        accept: bool,
        now: DateTime<Utc>,
    ) -> Result<OfferAnswer> {
        self.within(async move {
            let group = self.group.as_str();
            let mut tx = self.begin_write().await?;
            turn(&mut tx, group, campaign, action, false).await?;
            let sql = "SELECT offered_at, expires_at, state FROM place_offers
                       WHERE platform = $1 AND user_id = $2 AND campaign = $3 AND action = $4 AND grp = $5
                       ORDER BY offered_at DESC LIMIT 1";
            let Some(row) = of_sign_up(sql, user, campaign, action).bind(group).fetch_optional(&mut *tx).await? else {
                return Ok(OfferAnswer::NoOffer);
            };
            let state: String = row.try_get("state")?;
            let offered_at: i64 = row.try_get("offered_at")?;
            let expired = row.try_get::<i64, _>("expires_at")? <= millis(now);
            // What the answer makes of the offer, and of the sign-up waiting behind it.
            let (answer, settle) = match state.as_str() {
                "accepted" => (OfferAnswer::Answered(true), None),
                "declined" => (OfferAnswer::Answered(false), None),
                "open" if expired => (OfferAnswer::Expired, Some(("expired", Leaves::Waitlist))),
                "open" if accept => (OfferAnswer::Accepted, Some(("accepted", Leaves::Nothing))),
                "open" => (OfferAnswer::Declined, Some(("declined", Leaves::Waitlist))),
                "expired" => (OfferAnswer::Expired, None),
                _ => (OfferAnswer::NoOffer, None),
            };
            if let Some((offer_state, leaves)) = settle {
                let sql = "UPDATE place_offers SET state = $5, answered_at = $6
                           WHERE platform = $1 AND user_id = $2 AND campaign = $3 AND action = $4 AND offered_at = $7
                             AND grp = $8";
                of_sign_up(sql, user, campaign, action)
                    .bind(offer_state)
                    .bind(millis(now))
                    .bind(offered_at)
                    .bind(group)
                    .execute(&mut *tx)
                    .await?;
                // The group is $5 in both statements; the withdrawal's instant comes after it.
                let waiting = "platform = $1 AND user_id = $2 AND campaign = $3 AND action = $4 AND grp = $5
                               AND withdrawn_at IS NULL AND waitlisted = 1";
                let (took, left) = (
                    format!("UPDATE signups SET waitlisted = 0 WHERE {waiting}"),
                    format!("UPDATE signups SET withdrawn_at = $6 WHERE {waiting}"),
                );
                match leaves {
                    Leaves::Nothing => of_sign_up(&took, user, campaign, action).bind(group),
                    Leaves::Waitlist => of_sign_up(&left, user, campaign, action).bind(group).bind(millis(now)),
                }
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(answer)
        })
        .await
    }

    /// When this database first ran `feature`, if it has: messages about things that
    /// happened before then are not sent. Reading changes nothing (listings use it).
    pub async fn feature_started(&self, feature: &str) -> Result<Option<DateTime<Utc>>> {
        self.within(async move {
            let row = sqlx::query("SELECT since FROM features WHERE name = $1")
                .bind(feature)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|r| instant(r.try_get("since")?)).transpose()
        })
        .await
    }

    /// When this database first ran `feature`: now, the first time it is asked (the
    /// scheduler asks once per process).
    pub async fn feature_since(&self, feature: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
        self.within(async move {
            sqlx::query("INSERT INTO features (name, since) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .bind(feature)
                .bind(millis(now))
                .execute(&self.pool)
                .await?;
            let row =
                sqlx::query("SELECT since FROM features WHERE name = $1").bind(feature).fetch_one(&self.pool).await?;
            instant(row.try_get("since")?)
        })
        .await
    }
}
