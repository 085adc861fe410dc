//! A content root of several groups, loaded as the bot loads it.

mod common;

use common::org::{GroupSpec, write_root};
use convoca::content::load_root;

#[test]
fn the_test_organization_loads_with_three_groups() {
    let dir = tempfile::tempdir().unwrap();
    let mut es = GroupSpec::new("sur", "Grupo Sur");
    es.language = "es";
    es.zone = "America/Tegucigalpa";
    es.discord = vec!["100/300".into()];
    let mut west = GroupSpec::new("west", "West Group");
    west.zone = "America/Los_Angeles";
    west.discord = vec!["200".into()];
    let mut lacwg = GroupSpec::new("lacwg", "LA/CWG");
    lacwg.discord = vec!["100/301".into()];
    lacwg.organizer_role = Some("LACWG organizers");
    write_root(dir.path(), &["100".into()], Some("Board"), &[], &[lacwg, es, west]);
    let root = load_root(dir.path(), chrono::Utc::now()).expect("loads");
    let ids: Vec<&str> = root.groups.iter().map(|g| g.group.id.as_str()).collect();
    assert_eq!(ids, ["lacwg", "sur", "west"]);
    assert_eq!(root.groups[1].group.language, convoca::locale::Locale::Es);
    assert_eq!(root.groups[0].group.home.organizer_role.as_deref(), Some("LACWG organizers"));
    assert!(root.organization.is_some());
}
