//! What one scheduler pass does with each reminder it could post: post it on time, post it
//! late, record it missed, leave it to the process holding it, or nothing (already settled).
//! A pure function of the ledger's states and the clock, so its rules are tested without a
//! database.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::plan::Item;
use crate::store::LedgerState;

/// A reminder this process could post and has not settled yet.
#[derive(Clone, Debug)]
pub struct Candidate<'p> {
    /// Its idempotency key.
    pub key: String,
    /// The plan's item.
    pub item: &'p Item,
    /// When the meeting it is about starts (or the deadline falls).
    pub starts: DateTime<Utc>,
}

/// Why a reminder was not posted.
pub const SUPERSEDED: &str = "superseded by a more recent reminder";
/// Why a reminder was not posted.
pub const TOO_LATE: &str = "its moment passed while the bot was down";
/// Why a reminder was not posted.
pub const STARTED: &str = "its meeting started before it could go out";

/// The candidates, sorted.
#[derive(Debug, Default)]
pub struct Triage<'c, 'p> {
    /// Due now or within the grace period: post at their instant.
    pub on_time: Vec<&'c Candidate<'p>>,
    /// Overdue but their meeting has not started: post now, only the most recent per
    /// occurrence and channel.
    pub late: Vec<&'c Candidate<'p>>,
    /// Not to be posted, with the reason recorded in the ledger.
    pub missed: Vec<(&'c Candidate<'p>, &'static str)>,
    /// Already sent, missed or failed: nothing more will happen.
    pub settled: Vec<&'c Candidate<'p>>,
    /// The earliest lease held by another process (or our own retry wait): look again then.
    pub held_until: Option<DateTime<Utc>>,
}

/// Sorts `candidates` by their ledger `states` at `now`, a reminder counting as on time
/// until `grace` after its due instant.
pub fn triage<'c, 'p>(
    candidates: &'c [Candidate<'p>],
    states: &HashMap<String, LedgerState>,
    now: DateTime<Utc>,
    grace: Duration,
) -> Triage<'c, 'p> {
    let mut out = Triage::default();
    // (subject, target) → index in `out.late`.
    let mut latest: HashMap<(u32, u32), usize> = HashMap::new();
    for cand in candidates {
        match states.get(&cand.key) {
            Some(state) if state.is_final() => out.settled.push(cand),
            Some(LedgerState::Claimed { lease_until, .. }) if *lease_until > now => {
                out.held_until = Some(out.held_until.map_or(*lease_until, |t| t.min(*lease_until)));
            }
            _ if cand.item.due >= now - grace => out.on_time.push(cand),
            _ if cand.starts > now => match latest.get(&(cand.item.subject, cand.item.target)) {
                Some(&i) if out.late[i].item.due < cand.item.due => {
                    out.missed.push((out.late[i], SUPERSEDED));
                    out.late[i] = cand;
                }
                Some(_) => out.missed.push((cand, SUPERSEDED)),
                None => {
                    latest.insert((cand.item.subject, cand.item.target), out.late.len());
                    out.late.push(cand);
                }
            },
            _ => out.missed.push((cand, TOO_LATE)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Lead;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minute)
    }

    fn item(due: i64, subject: u32, target: u32) -> Item {
        Item { due: at(due), subject, lead: Lead::HOUR, target }
    }

    fn keys<'a>(list: &[&'a Candidate<'_>]) -> Vec<&'a str> {
        list.iter().map(|c| c.key.as_str()).collect()
    }

    #[test]
    fn each_reminder_lands_in_one_place_by_its_state_and_the_clock() {
        let items = [
            item(-1, 0, 0),   // due a minute ago, within grace: on time
            item(-120, 1, 0), // two hours overdue, meeting later: late
            item(-180, 1, 0), // older reminder of the same occurrence and channel: superseded
            item(-120, 2, 0), // overdue and the meeting started: missed
            item(5, 3, 0),    // claimed elsewhere until minute 30
            item(5, 4, 0),    // claim expired at minute -1: free again, on time
            item(-300, 5, 0), // sent already
        ];
        let starts = [at(60), at(30), at(30), at(-10), at(60), at(60), at(-200)];
        let candidates: Vec<Candidate<'_>> = items
            .iter()
            .zip(starts)
            .enumerate()
            .map(|(i, (item, starts))| Candidate { key: format!("k{i}"), item, starts })
            .collect();
        let states = HashMap::from([
            ("k4".to_string(), LedgerState::Claimed { by: "other".into(), lease_until: at(30) }),
            ("k5".to_string(), LedgerState::Claimed { by: "other".into(), lease_until: at(-1) }),
            ("k6".to_string(), LedgerState::Sent),
        ]);
        let t = triage(&candidates, &states, at(0), Duration::minutes(10));
        assert_eq!(keys(&t.on_time), ["k0", "k5"]);
        assert_eq!(keys(&t.late), ["k1"]);
        let missed: Vec<(&str, &str)> = t.missed.iter().map(|(c, why)| (c.key.as_str(), *why)).collect();
        assert_eq!(missed, [("k2", SUPERSEDED), ("k3", TOO_LATE)]);
        assert_eq!(keys(&t.settled), ["k6"]);
        assert_eq!(t.held_until, Some(at(30)));
    }

    #[test]
    fn the_most_recent_late_reminder_wins_whatever_the_order() {
        let items = [item(-300, 1, 7), item(-60, 1, 7), item(-120, 1, 7), item(-200, 1, 8)];
        let candidates: Vec<Candidate<'_>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| Candidate { key: format!("k{i}"), item, starts: at(120) })
            .collect();
        let t = triage(&candidates, &HashMap::new(), at(0), Duration::minutes(10));
        assert_eq!(keys(&t.late), ["k1", "k3"], "one per occurrence and channel: the latest");
        let mut superseded: Vec<&str> = t.missed.iter().map(|(c, _)| c.key.as_str()).collect();
        superseded.sort();
        assert_eq!(superseded, ["k0", "k2"]);
        assert!(t.on_time.is_empty() && t.settled.is_empty() && t.held_until.is_none());
    }
}
