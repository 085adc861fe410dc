//! Single occurrences of a meeting, after one-off changes (skipped or moved dates).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::schedule::{Schedule, resolve_local};

/// A one-off change to one occurrence of a meeting, named by the occurrence's regular local
/// date. Changes come from content files (`[[exceptions]]`) and from organizers in chat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The regular local date of the occurrence changed.
    pub date: NaiveDate,
    /// What happens to it.
    pub kind: ChangeKind,
}

/// What a [`Change`] does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// The occurrence does not take place.
    Cancel,
    /// The occurrence takes place at another local date and time, same duration.
    Move {
        /// New local start, in the meeting's zone.
        to: NaiveDateTime,
    },
}

/// What became of an occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// As the schedule says.
    Scheduled,
    /// Moved away from its regular start.
    Moved {
        /// The regular start it was moved from.
        from: DateTime<Utc>,
    },
    /// Will not take place.
    Cancelled,
}

/// One meeting on one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The meeting's slug.
    pub meeting: String,
    /// The regular local date: the occurrence's identity, stable when it is moved.
    pub date: NaiveDate,
    /// When it starts (after any move).
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// The meeting's zone, for showing local times.
    pub zone: Tz,
    /// Regular, moved or cancelled.
    pub status: Status,
}

impl Occurrence {
    /// True when the occurrence will not take place.
    pub fn is_cancelled(&self) -> bool {
        self.status == Status::Cancelled
    }
}

/// The occurrence of a meeting whose regular local date is `date`, after `changes` (moved
/// or cancelled, and then marked so); `None` when the schedule has none that day.
pub fn occurrence_on(meeting: &str, schedule: &Schedule, changes: &[Change], date: NaiveDate) -> Option<Occurrence> {
    let zone = schedule.zone();
    let duration = schedule.duration();
    let regular = schedule.start_on(date)?;
    let (start, status) = match changes.iter().rev().find(|c| c.date == date).map(|c| &c.kind) {
        None => (regular, Status::Scheduled),
        Some(ChangeKind::Cancel) => (regular, Status::Cancelled),
        Some(ChangeKind::Move { to }) => (resolve_local(zone, *to)?, Status::Moved { from: regular }),
    };
    Some(Occurrence { meeting: meeting.to_string(), date, start, end: start + duration, zone, status })
}

/// The occurrences of a meeting that have not ended by `after`, in order of start, at most
/// `limit`, after applying `changes`. Cancelled ones are listed (marked) only when
/// `include_cancelled`, and then count toward the limit.
pub fn occurrences(
    meeting: &str,
    schedule: &Schedule,
    changes: &[Change],
    after: DateTime<Utc>,
    limit: usize,
    include_cancelled: bool,
) -> Vec<Occurrence> {
    let zone = schedule.zone();
    let duration = schedule.duration();
    let change_on = |date: NaiveDate| changes.iter().rev().find(|c| c.date == date);
    let mut found: Vec<Occurrence> = Vec::new();

    // Moved occurrences first: their regular date may lie before `after` while the new
    // date lies after it, so they are not found by walking the schedule from `after`.
    for change in changes {
        let ChangeKind::Move { to } = change.kind else {
            continue;
        };
        if change_on(change.date) != Some(change) {
            continue; // a later change to the same date wins
        }
        let (Some(from), Some(start)) = (schedule.start_on(change.date), resolve_local(zone, to)) else {
            continue;
        };
        if start + duration > after {
            found.push(Occurrence {
                meeting: meeting.to_string(),
                date: change.date,
                start,
                end: start + duration,
                zone,
                status: Status::Moved { from },
            });
        }
    }

    let mut regular = 0;
    for start in schedule.starts_from(after) {
        if regular >= limit {
            break;
        }
        let date = start.with_timezone(&zone).date_naive();
        let status = match change_on(date).map(|c| &c.kind) {
            Some(ChangeKind::Move { .. }) => continue,
            Some(ChangeKind::Cancel) if !include_cancelled => continue,
            Some(ChangeKind::Cancel) => Status::Cancelled,
            None => Status::Scheduled,
        };
        regular += 1;
        found.push(Occurrence { meeting: meeting.to_string(), date, start, end: start + duration, zone, status });
    }
    found.sort_by_key(|o| (o.start, o.date));
    found.truncate(limit);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveTime, TimeZone};
    use chrono_tz::America::New_York;

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }
    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    fn monthly() -> Schedule {
        Schedule::repeating(
            "FREQ=MONTHLY;BYDAY=1MO",
            date(2023, 1, 1),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            Duration::minutes(90),
            New_York,
            utc(2026, 11, 1, 0),
        )
        .unwrap()
    }

    #[test]
    fn skipped_dates_are_left_out_or_marked() {
        let changes = [Change { date: date(2027, 1, 4), kind: ChangeKind::Cancel }];
        let next = occurrences("m", &monthly(), &changes, utc(2026, 11, 28, 0), 3, false);
        let starts: Vec<_> = next.iter().map(|o| o.start).collect();
        assert_eq!(starts, vec![utc(2026, 12, 7, 22), utc(2027, 2, 1, 22), utc(2027, 3, 1, 22)]);
        let marked = occurrences("m", &monthly(), &changes, utc(2026, 11, 28, 0), 3, true);
        assert_eq!(marked[1].status, Status::Cancelled);
        assert_eq!(marked[1].date, date(2027, 1, 4));
    }

    #[test]
    fn a_moved_date_keeps_its_identity_and_its_place_in_order() {
        // Move December 7 to December 14, 6 pm.
        let changes = [Change {
            date: date(2026, 12, 7),
            kind: ChangeKind::Move { to: date(2026, 12, 14).and_hms_opt(18, 0, 0).unwrap() },
        }];
        // Asked after the regular date has passed, the moved one still comes up.
        let next = occurrences("m", &monthly(), &changes, utc(2026, 12, 8, 0), 2, false);
        assert_eq!(next[0].start, utc(2026, 12, 14, 23));
        assert_eq!(next[0].date, date(2026, 12, 7));
        assert_eq!(next[0].status, Status::Moved { from: utc(2026, 12, 7, 22) });
        assert_eq!(next[1].start, utc(2027, 1, 4, 22));
    }

    #[test]
    fn a_move_far_ahead_is_sorted_not_duplicated() {
        let changes = [Change {
            date: date(2026, 12, 7),
            kind: ChangeKind::Move { to: date(2027, 1, 11).and_hms_opt(17, 0, 0).unwrap() },
        }];
        let next = occurrences("m", &monthly(), &changes, utc(2026, 11, 28, 0), 3, false);
        let starts: Vec<_> = next.iter().map(|o| o.start).collect();
        assert_eq!(starts, vec![utc(2027, 1, 4, 22), utc(2027, 1, 11, 22), utc(2027, 2, 1, 22)]);
    }

    #[test]
    fn the_latest_change_to_a_date_wins() {
        let changes = [
            Change { date: date(2026, 12, 7), kind: ChangeKind::Cancel },
            Change {
                date: date(2026, 12, 7),
                kind: ChangeKind::Move { to: date(2026, 12, 8).and_hms_opt(17, 0, 0).unwrap() },
            },
        ];
        let next = occurrences("m", &monthly(), &changes, utc(2026, 11, 28, 0), 1, true);
        assert_eq!(next[0].start, utc(2026, 12, 8, 22));
    }
}
