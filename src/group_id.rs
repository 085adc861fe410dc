//! Which group something belongs to: the name the content, the store, the engine and the
//! reminders all use for one working group of an organization.
//!
//! A content folder that is one group (`group.toml` at its top, as every deployment before
//! organizations had) holds the *single* group, whose id is empty: the rows its database
//! already holds carry that id, so upgrading changes nothing a group or its members see,
//! and reminder keys stay what they were. An organization's groups are named by their
//! folders (`groups/<slug>/`).

use std::fmt;
use std::sync::Arc;

/// A group's id: its folder's name in an organization, empty for the single group.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(Arc<str>);

impl GroupId {
    /// The group of a folder that is one group.
    pub fn single() -> GroupId {
        GroupId(Arc::from(""))
    }

    /// A group of an organization, named by its folder. The caller has checked the name is a
    /// slug (`content::valid_slug`): it is stored, and prefixes reminder identities.
    pub fn named(slug: &str) -> GroupId {
        GroupId(Arc::from(slug))
    }

    /// Whether this is the single group of a one-group folder.
    pub fn is_single(&self) -> bool {
        self.0.is_empty()
    }

    /// As stored in the database's `grp` column: empty for the single group.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What goes before a reminder's identity so that two groups' reminders for meetings of
    /// the same name, to the same shared channel, are two reminders: nothing for the single
    /// group (its keys stay what they were before groups), `slug/` otherwise.
    pub fn identity_prefix(&self) -> String {
        if self.is_single() { String::new() } else { format!("{}/", self.0) }
    }
}

impl Default for GroupId {
    fn default() -> GroupId {
        GroupId::single()
    }
}

impl fmt::Display for GroupId {
    /// The slug, or `the group` for the single one (logs and errors).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_single() { f.write_str("the group") } else { f.write_str(&self.0) }
    }
}

impl fmt::Debug for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GroupId({:?})", &*self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_single_group_keeps_identities_and_rows_as_they_were() {
        let single = GroupId::single();
        assert!(single.is_single());
        assert_eq!(single.as_str(), "");
        assert_eq!(single.identity_prefix(), "");
        let named = GroupId::named("lacwg");
        assert!(!named.is_single());
        assert_eq!(named.identity_prefix(), "lacwg/");
        assert_ne!(single, named);
    }
}
