//! `mission`: who the group is.

use crate::content::Content;
use crate::engine::texts;
use crate::engine::{Block, Reply, Request};

/// The mission, history, how to get involved, and where to find the group.
pub fn mission(req: &Request, content: &Content) -> Reply {
    let l = req.locale;
    let g = &content.group;
    let mut reply = Reply::public().titled(g.name.get(l)).text(g.mission.get(l));
    reply.url = g.website.clone();
    if let Some(history) = &g.history {
        reply = reply.block(Block::Field { label: texts::history(l).into(), value: history.get(l).into() });
    }
    if let Some(involved) = &g.get_involved {
        reply = reply.block(Block::Field { label: texts::get_involved(l).into(), value: involved.get(l).into() });
    }
    if let Some(contact) = &g.contact {
        let value = match &contact.email {
            Some(email) => format!("{} <{email}>", contact.name),
            None => contact.name.clone(),
        };
        reply = reply.block(Block::Field { label: texts::contact(l).into(), value });
    }
    if let Some(site) = &g.website {
        reply = reply.block(Block::Field { label: texts::website(l).into(), value: site.clone() });
    }
    reply
}
