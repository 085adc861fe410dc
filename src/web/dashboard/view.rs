//! What the organizers' dashboard shows: per campaign, where every sign-up stands now and
//! week by week; per meeting, who answered for each date over the past months (who keeps
//! coming, who stopped). Pure: the store's rows in, numbers and lines out. Names appear, as
//! in `/signups` and `/attendees`: only an organizer of the group reaches these pages.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::store::{Answered, Outcome, SignUpHistory};

/// Where a campaign's sign-ups stand at one instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct States {
    /// With a place (everyone signed up, for an action without a capacity).
    pub signed_up: i64,
    /// Of those, said they did it.
    pub done: i64,
    /// Said not yet.
    pub not_yet: i64,
    /// Said they could not.
    pub couldnt: i64,
    /// Said nothing yet.
    pub no_answer: i64,
    /// Waiting for a place.
    pub waitlisted: i64,
}

impl States {
    /// The sign-ups of `history` (of one action, or all) as they stood at `t`. What a person
    /// said counts from when they said it; a place in line is as it is now (the store keeps
    /// no history of places).
    pub fn at<'h>(history: impl IntoIterator<Item = &'h SignUpHistory>, t: DateTime<Utc>) -> States {
        let mut s = States::default();
        for h in history {
            if h.signed_up > t || h.withdrawn.is_some_and(|w| w <= t) {
                continue;
            }
            if h.waitlisted {
                s.waitlisted += 1;
                continue;
            }
            s.signed_up += 1;
            match h.outcome.filter(|(_, at)| *at <= t).map(|(o, _)| o) {
                Some(Outcome::Done) => s.done += 1,
                Some(Outcome::NotYet) => s.not_yet += 1,
                Some(Outcome::Couldnt) => s.couldnt += 1,
                None => s.no_answer += 1,
            }
        }
        s
    }
}

/// The instants a campaign's progress is charted at: the end of each week from its first
/// sign-up to `now` (each month's, past a year), `now` last.
pub fn chart_instants(history: &[SignUpHistory], now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let Some(first) = history.iter().map(|h| h.signed_up).min() else { return vec![now] };
    let step = if now - first > Duration::days(366) { Duration::days(30) } else { Duration::days(7) };
    let mut out = Vec::new();
    let mut t = first + step;
    while t < now {
        out.push(t);
        t += step;
    }
    out.push(now);
    out
}

/// How a person has been answering for a meeting's dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Going to at least half the dates, one of the last two among them.
    KeepsComing,
    /// Going at least twice before, and to neither of the last two.
    Stopped,
    /// Neither.
    Now,
}

/// One person's row in a meeting's attendance table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendance {
    /// Their display name.
    pub name: String,
    /// Where they answer from.
    pub platform: String,
    /// Per date (in the table's order): going, not going, or no answer.
    pub answers: Vec<Option<bool>>,
    /// How many of the dates they were going to.
    pub going: usize,
    /// Their pattern.
    pub pattern: Pattern,
}

/// The table of who answered for `dates` (oldest first), one row per person, those who
/// keep coming first, then those who stopped, then the others; by name within each. Someone
/// going to the next date (`going_next`: platform and id) has not stopped.
pub fn attendance(dates: &[NaiveDate], answers: &[Answered], going_next: &[(String, String)]) -> Vec<Attendance> {
    let mut rows: Vec<Attendance> = Vec::new();
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut row_of: std::collections::HashMap<(String, String), usize> = std::collections::HashMap::new();
    for a in answers {
        let Some(i) = dates.iter().position(|d| *d == a.date) else { continue };
        let key = (a.platform.clone(), a.user_id.clone());
        let row = match row_of.get(&key) {
            Some(r) => &mut rows[*r],
            None => {
                row_of.insert(key.clone(), rows.len());
                keys.push(key);
                rows.push(Attendance {
                    name: a.name.clone(),
                    platform: a.platform.clone(),
                    answers: vec![None; dates.len()],
                    going: 0,
                    pattern: Pattern::Now,
                });
                rows.last_mut().expect("just pushed")
            }
        };
        row.answers[i] = Some(a.going);
    }
    for (row, key) in rows.iter_mut().zip(&keys) {
        row.going = row.answers.iter().filter(|a| **a == Some(true)).count();
        row.pattern = match pattern(&row.answers) {
            Pattern::Stopped if going_next.contains(key) => Pattern::Now,
            pattern => pattern,
        };
    }
    let rank = |p: Pattern| match p {
        Pattern::KeepsComing => 0,
        Pattern::Stopped => 1,
        Pattern::Now => 2,
    };
    rows.sort_by(|a, b| rank(a.pattern).cmp(&rank(b.pattern)).then_with(|| a.name.cmp(&b.name)));
    rows
}

fn pattern(answers: &[Option<bool>]) -> Pattern {
    let going = |xs: &[Option<bool>]| xs.iter().filter(|a| **a == Some(true)).count();
    let n = answers.len();
    if n == 0 {
        return Pattern::Now;
    }
    let last_two = &answers[n.saturating_sub(2)..];
    if going(answers) * 2 >= n && going(last_two) > 0 {
        return Pattern::KeepsComing;
    }
    let split = n.saturating_sub(2);
    if n > 2 && going(&answers[..split]) >= 2 && going(&answers[split..]) == 0 {
        return Pattern::Stopped;
    }
    Pattern::Now
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap()
    }

    fn signed(day: u32, outcome: Option<(Outcome, u32)>) -> SignUpHistory {
        SignUpHistory {
            action: "petition".into(),
            signed_up: t(day),
            withdrawn: None,
            outcome: outcome.map(|(o, d)| (o, t(d))),
            waitlisted: false,
        }
    }

    #[test]
    fn each_sign_up_counts_as_it_stood_then() {
        let mut history = vec![
            signed(1, Some((Outcome::Done, 10))),
            signed(2, Some((Outcome::NotYet, 5))),
            signed(3, Some((Outcome::Couldnt, 4))),
            signed(8, None),
            SignUpHistory { withdrawn: Some(t(6)), ..signed(2, None) },
        ];
        history.push(SignUpHistory { waitlisted: true, ..signed(9, None) });
        let on_7 = States::at(&history, t(7));
        assert_eq!(
            on_7,
            States { signed_up: 3, done: 0, not_yet: 1, couldnt: 1, no_answer: 1, waitlisted: 0 },
            "the one who withdrew on the 6th is gone; the 1st's done comes on the 10th"
        );
        let on_12 = States::at(&history, t(12));
        assert_eq!(on_12, States { signed_up: 4, done: 1, not_yet: 1, couldnt: 1, no_answer: 1, waitlisted: 1 });
    }

    #[test]
    fn keeps_coming_stopped_and_the_others() {
        let dates: Vec<NaiveDate> = (1..=6).map(|m| NaiveDate::from_ymd_opt(2026, m, 5).unwrap()).collect();
        let said = |who: &str, months: &[(u32, bool)]| -> Vec<Answered> {
            months
                .iter()
                .map(|(m, going)| Answered {
                    platform: "discord".into(),
                    user_id: who.into(),
                    name: who.into(),
                    date: NaiveDate::from_ymd_opt(2026, *m, 5).unwrap(),
                    going: *going,
                })
                .collect()
        };
        let mut answers = said("Ana", &[(1, true), (2, true), (4, true), (6, true)]);
        answers.extend(said("Bo", &[(1, true), (2, true), (3, true), (5, false)]));
        answers.extend(said("Cy", &[(6, true)]));
        answers.extend(said("Dee", &[(2, true), (7, true)]));
        let rows = attendance(&dates, &answers, &[]);
        let bo = ("discord".to_string(), "Bo".to_string());
        let back = attendance(&dates, &answers, &[bo]);
        assert_eq!(back.iter().find(|r| r.name == "Bo").unwrap().pattern, Pattern::Now, "going to the next one");
        let by = |n: &str| rows.iter().find(|r| r.name == n).unwrap();
        assert_eq!(by("Ana").pattern, Pattern::KeepsComing);
        assert_eq!(by("Bo").pattern, Pattern::Stopped);
        assert_eq!(by("Bo").answers, vec![Some(true), Some(true), Some(true), None, Some(false), None]);
        assert_eq!(by("Cy").pattern, Pattern::Now);
        assert_eq!(by("Dee").going, 1, "a date outside the table is not counted");
        assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["Ana", "Bo", "Cy", "Dee"]);
    }
}
