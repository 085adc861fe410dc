//! Channels subscribed to reminders from chat (`remind here`).

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::erasure::author;
use super::{Result, Store, millis};
use crate::chat::User;
use crate::locale::Locale;

/// Every meeting and campaign deadline, in a subscription.
pub const ALL: &str = "*";

/// A channel's subscription to one meeting's reminders, or to all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    /// `discord:<id>`, `matrix:<room id>`, `console:<name>`.
    pub channel: String,
    /// A meeting's slug, or [`ALL`].
    pub meeting: String,
    /// The language reminders are written in there.
    pub locale: Locale,
}

impl Store {
    /// Subscribes a channel (again, updating its language). Returns false when it already
    /// was, in the same language.
    pub async fn subscribe(&self, sub: &Subscription, by: &User, origin: &str, now: DateTime<Utc>) -> Result<bool> {
        self.within(async move {
            let n = sqlx::query(
                "INSERT INTO subscriptions (channel, meeting, locale, created_by, created_at, origin, grp)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (grp, channel, meeting) DO UPDATE SET locale = excluded.locale
                 WHERE subscriptions.locale <> excluded.locale",
            )
            .bind(&sub.channel)
            .bind(&sub.meeting)
            .bind(sub.locale.tag())
            .bind(author(by))
            .bind(millis(now))
            .bind(origin)
            .bind(self.group.as_str())
            .execute(&self.pool)
            .await?
            .rows_affected();
            Ok(n > 0)
        })
        .await
    }

    /// Ends a channel's subscription to a meeting (or, with `None`, every subscription of the
    /// channel). Returns how many ended.
    pub async fn unsubscribe(&self, channel: &str, meeting: Option<&str>) -> Result<u64> {
        self.within(async move {
            let q = match meeting {
                Some(m) => sqlx::query("DELETE FROM subscriptions WHERE channel = $1 AND grp = $2 AND meeting = $3")
                    .bind(channel)
                    .bind(self.group.as_str())
                    .bind(m),
                None => sqlx::query("DELETE FROM subscriptions WHERE channel = $1 AND grp = $2")
                    .bind(channel)
                    .bind(self.group.as_str()),
            };
            Ok(q.execute(&self.pool).await?.rows_affected())
        })
        .await
    }

    /// Every subscription, by channel then meeting.
    pub async fn subscriptions(&self) -> Result<Vec<Subscription>> {
        self.within(async move {
            let rows = sqlx::query(
                "SELECT channel, meeting, locale FROM subscriptions WHERE grp = $1 ORDER BY channel, meeting",
            )
            .bind(self.group.as_str())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let locale: String = r.try_get("locale")?;
                    Ok(Subscription {
                        channel: r.try_get("channel")?,
                        meeting: r.try_get("meeting")?,
                        locale: Locale::from_tag(&locale),
                    })
                })
                .collect()
        })
        .await
    }
}
