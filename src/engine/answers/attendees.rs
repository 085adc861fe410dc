//! Organizers' view of RSVPs: `attendees [meeting] [date] [csv]`. Always private: names
//! never reach a public reply.

use chrono::SecondsFormat;

use crate::agenda::Agenda;
use crate::engine::answers::roster::cell;
use crate::engine::answers::rsvp::pick;
use crate::engine::texts::{self, fill};
use crate::engine::{Attachment, Block, Reply, Request, Tone};
use crate::store::{Attendee, Result, Store};

/// Who is going to an occurrence and who cannot, or the same as a CSV file.
pub async fn attendees(
    req: &Request,
    agenda: &Agenda<'_>,
    store: &Store,
    at: &crate::engine::MeetingDate,
    csv: bool,
) -> Result<Reply> {
    let named = match pick(req, agenda, at, true) {
        Ok(named) => named,
        Err(reply) => return Ok(reply.into_private()),
    };
    let l = req.locale;
    let reference = named.reference();
    let list = store.attendees(&reference).await?;
    let what = named.describe(l);
    if csv {
        let data = match to_csv(&reference.meeting, &reference.date.to_string(), &list) {
            Ok(data) => data,
            Err(e) => {
                tracing::error!(error = %e, "cannot write CSV");
                return Ok(Reply::private().tone(Tone::Error).text(texts::store_error(l)));
            }
        };
        let rows = texts::count(list.len(), texts::one_row, texts::n_rows, l);
        let mut reply = Reply::private()
            .tone(Tone::Done)
            .text(fill(texts::attendees_export(l), &[("what", &what), ("rows", &rows)]));
        reply.attachment = Some(Attachment {
            filename: format!("{}-{}-attendees.csv", reference.meeting, reference.date),
            media_type: "text/csv".into(),
            data,
        });
        return Ok(reply);
    }
    let mut reply = Reply::private().titled(texts::attendees_title(l)).text(what);
    if list.is_empty() {
        return Ok(reply.text(texts::attendees_none(l)));
    }
    let zone = named.occurrence.zone;
    let line = |a: &Attendee| super::roster::who_when(&a.name, &a.platform, a.at, zone);
    let going: Vec<String> = list.iter().filter(|a| a.going).map(line).collect();
    let not: Vec<String> = list.iter().filter(|a| !a.going).map(line).collect();
    let n = |v: usize| v.to_string();
    reply =
        reply.block(Block::List { label: fill(texts::attendees_going(l), &[("n", &n(going.len()))]), items: going });
    if !not.is_empty() {
        reply = reply.block(Block::List { label: fill(texts::attendees_not(l), &[("n", &n(not.len()))]), items: not });
    }
    Ok(reply.block(Block::Note(texts::attendees_per_account(l).to_string())))
}

/// The CSV file: one row per answer, instants in UTC (RFC 3339).
pub fn to_csv(meeting: &str, date: &str, list: &[Attendee]) -> std::result::Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["meeting", "date", "going", "name", "platform", "user_id", "answered_at"])?;
    for a in list {
        w.write_record([
            cell(meeting).as_bytes(),
            date.as_bytes(),
            if a.going { b"yes".as_slice() } else { b"no".as_slice() },
            cell(&a.name).as_bytes(),
            cell(&a.platform).as_bytes(),
            cell(&a.user_id).as_bytes(),
            a.at.to_rfc3339_opts(SecondsFormat::Secs, true).as_bytes(),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
