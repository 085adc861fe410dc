//! The content root's checks: one group, an organization, homes claimed twice, folders in
//! the wrong place.

use super::*;

/// The least a `group.toml` holds (three lines), after `commands/group.toml`.
const GROUP: &str = "name = \"Working Group\"\ntime_zone = \"America/New_York\"\nmission = \"Peace.\"\n";

const MEETING: &str = "title = \"Monthly\"\nrepeat = \"FREQ=MONTHLY;BYDAY=1MO\"\nstart = \"17:00\"\n";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z").expect("test instant").to_utc()
}

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    fs::create_dir_all(path.parent().expect("a file in a folder")).unwrap();
    fs::write(path, text).unwrap();
}

/// An organization whose groups each have `GROUP` and then their own lines.
fn organization(groups: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "organization.toml", "name = \"Peace Action\"\nshort_name = \"PA\"\n");
    for (slug, more) in groups {
        // Each its own short name: two alike would share calendar event ids.
        let group = GROUP.replace("Working Group", &format!("Working Group {slug}"));
        write(dir.path(), &format!("groups/{slug}/group.toml"), &format!("{group}{more}"));
    }
    dir
}

fn errors_of(loaded: &Loaded, id: &str) -> Vec<ContentError> {
    let (_, content) = loaded.groups.iter().find(|(g, _)| g.as_str() == id).expect("the group is read");
    content.as_ref().expect_err("the group is refused").0.clone()
}

fn ids(loaded: &Loaded) -> Vec<&str> {
    loaded.groups.iter().map(|(id, _)| id.as_str()).collect()
}

#[test]
fn a_folder_that_is_one_group_is_the_single_group() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "group.toml", GROUP);
    write(dir.path(), "meetings/monthly.toml", MEETING);
    let root = load_root(dir.path(), now()).expect("one group loads");
    assert!(root.organization.is_none());
    assert_eq!(root.groups.len(), 1);
    assert!(root.groups[0].group.id.is_single());
    assert!(root.groups[0].group.home.is_empty());
    assert_eq!(root.groups[0].meetings.len(), 1);
    let loaded = load_each(dir.path(), now());
    assert!(loaded.organization.is_none() && loaded.errors.is_empty());
    assert_eq!(ids(&loaded), vec![""]);

    let gone = dir.path().join("nowhere");
    let errors = load_root(&gone, now()).expect_err("a missing folder is refused").0;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].message, MISSING_FOLDER);
    assert_eq!(errors[0].message, crate::content::load(&gone, now()).unwrap_err().0[0].message);
}

#[test]
fn an_organization_loads_each_group_under_its_folders_name() {
    let dir = organization(&[("youth", ""), ("lacwg", "")]);
    write(dir.path(), "groups/lacwg/meetings/monthly.toml", MEETING);
    write(dir.path(), "groups/_template/group.toml", "not = a group");
    write(dir.path(), "groups/README.md", "# Our groups");
    let root = load_root(dir.path(), now()).expect("the organization loads");
    let organization = root.organization.expect("an organization");
    assert_eq!(organization.short_name, "PA");
    assert_eq!(organization.name.get(crate::locale::Locale::En), "Peace Action");
    let ids: Vec<&str> = root.groups.iter().map(|c| c.group.id.as_str()).collect();
    assert_eq!(ids, vec!["lacwg", "youth"], "sorted by id, the template left out");
    assert_eq!(root.groups[0].meetings.len(), 1);
    assert!(root.groups[1].meetings.is_empty());
}

#[test]
fn a_folder_that_cannot_name_a_group_is_named() {
    let dir = organization(&[("lacwg", ""), ("Youth Group", "")]);
    let loaded = load_each(dir.path(), now());
    assert_eq!(ids(&loaded), vec!["lacwg"]);
    assert!(loaded.groups[0].1.is_ok());
    assert_eq!(loaded.errors.len(), 1, "{:#?}", loaded.errors);
    assert!(loaded.errors[0].file.ends_with("groups/Youth Group"), "{}", loaded.errors[0]);
    assert!(loaded.errors[0].message.contains("`Youth Group` cannot name a group"), "{}", loaded.errors[0]);
    assert!(load_root(dir.path(), now()).is_err());
}

#[test]
fn an_organization_needs_a_group() {
    let dir = organization(&[]);
    let errors = load_root(dir.path(), now()).expect_err("no group").0;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].message.contains("at least one group"), "{}", errors[0]);
}

#[test]
fn a_folder_is_a_group_or_an_organization_not_both() {
    let dir = organization(&[("lacwg", "")]);
    write(dir.path(), "group.toml", GROUP);
    let loaded = load_each(dir.path(), now());
    assert!(loaded.groups.is_empty() && loaded.organization.is_none());
    assert_eq!(loaded.errors.len(), 1, "{:#?}", loaded.errors);
    let both = &loaded.errors[0];
    assert!(both.message.contains("organization.toml") && both.message.contains("group.toml"), "{both}");
    let errors = load_root(dir.path(), now()).expect_err("both is refused").0;
    assert_eq!(errors, loaded.errors);
}

#[test]
fn a_channel_claimed_by_two_groups_is_an_error_in_each() {
    let dir = organization(&[
        ("lacwg", "[home]\ndiscord = [\"111\", \"111/333\"]\n"),
        ("youth", "[home]\nmatrix = [\"!youth:example.org\"]\ndiscord = [\"111/333\"]\n"),
    ]);
    let loaded = load_each(dir.path(), now());
    let lacwg = errors_of(&loaded, "lacwg");
    assert_eq!(lacwg.len(), 1, "{lacwg:#?}");
    assert!(lacwg[0].file.ends_with("groups/lacwg/group.toml"), "{}", lacwg[0]);
    assert_eq!(lacwg[0].line, Some(5), "{}", lacwg[0]);
    let said = "the Discord home `111/333` is also claimed by groups/youth/group.toml: a channel belongs to one group";
    assert_eq!(lacwg[0].message, said);
    let youth = errors_of(&loaded, "youth");
    assert_eq!(youth.len(), 1, "{youth:#?}");
    assert!(youth[0].file.ends_with("groups/youth/group.toml"), "{}", youth[0]);
    assert_eq!(youth[0].line, Some(6), "{}", youth[0]);
    assert!(youth[0].message.contains("also claimed by groups/lacwg/group.toml"), "{}", youth[0]);

    let all = load_root(dir.path(), now()).expect_err("the root is refused").0;
    assert_eq!(all, [lacwg, youth].concat(), "both, by file");
}

#[test]
fn a_room_claimed_by_two_groups_is_an_error_even_beside_a_broken_meeting() {
    let dir = organization(&[
        ("lacwg", "[home]\nmatrix = [\"#peace:example.org\"]\n"),
        ("youth", "\n[home]\nmatrix = [ \"#peace:example.org\" ]\n"),
    ]);
    write(dir.path(), "groups/youth/meetings/monthly.toml", "title = \"Monthly\"\nstart = \"17:00\"\n");
    let loaded = load_each(dir.path(), now());
    let lacwg = errors_of(&loaded, "lacwg");
    assert_eq!(lacwg.len(), 1, "{lacwg:#?}");
    assert_eq!(lacwg[0].line, Some(5));
    assert!(lacwg[0].message.contains("the Matrix home `#peace:example.org` is also claimed by"), "{}", lacwg[0]);
    let youth = errors_of(&loaded, "youth");
    assert_eq!(youth.len(), 2, "the meeting's mistake and the room: {youth:#?}");
    assert!(youth.iter().any(|e| e.line == Some(6) && e.message.contains("groups/lacwg/group.toml")), "{youth:#?}");
}

#[test]
fn a_server_and_a_channel_in_it_are_two_places() {
    let dir = organization(&[
        ("lacwg", "[home]\ndiscord = [\"111\"]\norganizer_role = \"LA/CWG organizers\"\n"),
        ("youth", "[home]\ndiscord = [\"111/333\", \"111/444\"]\n"),
    ]);
    // The organization's own server is every group's too.
    write(dir.path(), "organization.toml", "name = \"Peace Action\"\n[home]\ndiscord = [\"111\"]\n");
    let root = load_root(dir.path(), now()).expect("no conflict");
    let server = DiscordPlace { server: 111, within: None };
    assert_eq!(root.organization.expect("an organization").home.discord, vec![server]);
    assert_eq!(root.groups[0].group.home.discord, vec![server]);
    assert_eq!(root.groups[0].group.home.organizer_role.as_deref(), Some("LA/CWG organizers"));
    assert_eq!(root.groups[1].group.home.discord.len(), 2);
}

#[test]
fn wrong_home_values_are_named_at_their_lines() {
    let dir = organization(&[("lacwg", "[home]\ndiscord = [\"0\"]\nmatrix = [\"lacwg\"]\norganizer_power = -1\n")]);
    write(dir.path(), "organization.toml", "name = \"Peace Action\"\n\n[home]\nmatrix = [\"#pa\"]\n");
    let loaded = load_each(dir.path(), now());
    let lacwg = errors_of(&loaded, "lacwg");
    let lines: Vec<Option<usize>> = lacwg.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![Some(5), Some(6), Some(7)], "{lacwg:#?}");
    assert!(lacwg[0].message.contains("`0` is not a Discord place"), "{}", lacwg[0]);
    assert!(lacwg[1].message.contains("`lacwg` is not a Matrix room"), "{}", lacwg[1]);
    assert!(lacwg[2].message.contains("organizer_power = -1"), "{}", lacwg[2]);
    let organization = loaded.organization.expect("read").expect_err("refused").0;
    assert_eq!(organization.len(), 1, "{organization:#?}");
    assert_eq!(organization[0].line, Some(4));
    assert!(organization[0].message.contains("`#pa` is not a Matrix room"), "{}", organization[0]);
}

#[test]
fn a_broken_group_leaves_the_others_as_they_are() {
    let dir = organization(&[("lacwg", ""), ("youth", "")]);
    write(dir.path(), "groups/lacwg/meetings/monthly.toml", MEETING);
    write(dir.path(), "groups/youth/meetings/monthly.toml", "title = \"Monthly\"\nstart = \"25:00\"\n");
    let loaded = load_each(dir.path(), now());
    assert!(loaded.errors.is_empty(), "{:#?}", loaded.errors);
    assert!(matches!(&loaded.organization, Some(Ok(_))));
    assert_eq!(ids(&loaded), vec!["lacwg", "youth"]);
    let lacwg = loaded.groups[0].1.as_ref().expect("the other group is good");
    assert_eq!(lacwg.group.id, GroupId::named("lacwg"));
    assert_eq!(lacwg.meetings.len(), 1);
    let youth = errors_of(&loaded, "youth");
    assert!(youth.iter().all(|e| e.file.ends_with("groups/youth/meetings/monthly.toml")), "{youth:#?}");
}

#[test]
fn load_root_names_every_error_of_every_file_in_order() {
    let dir = organization(&[("lacwg", ""), ("youth", "")]);
    write(dir.path(), "organization.toml", "short_name = \"PA\"\n");
    write(dir.path(), "groups/lacwg/meetings/monthly.toml", "title = \"Monthly\"\nstart = \"25:00\"\n");
    write(dir.path(), "groups/youth/group.toml", &GROUP.replace("America/New_York", "America/Nowhere"));
    let errors = load_root(dir.path(), now()).expect_err("refused").0;
    let files: Vec<String> = errors.iter().map(|e| shown(dir.path(), &e.file)).collect();
    assert!(files.iter().any(|f| f == "groups/lacwg/meetings/monthly.toml"), "{errors:#?}");
    assert!(files.iter().any(|f| f == "groups/youth/group.toml"), "{errors:#?}");
    assert!(files.iter().any(|f| f == "organization.toml"), "{errors:#?}");
    let order: Vec<(&PathBuf, Option<usize>)> = errors.iter().map(|e| (&e.file, e.line)).collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "sorted by file and line: {errors:#?}");
    assert!(errors.iter().any(|e| e.message.contains("organization's name is missing")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.message.contains("America/Nowhere")), "{errors:#?}");
}

#[test]
fn an_entry_is_found_whole_and_in_its_table() {
    let text = "# 111 is ours\n[home]\ndiscord = [\"1111\", \"111/333\", \"111\"]\n";
    let at = written_at(text, "111").expect("found");
    assert_eq!(&text[at - 1..at + 4], "\"111\"");
    assert_eq!(crate::content::line_of(text, at), 3);
    assert_eq!(written_at(text, "222"), None);
}

#[test]
fn two_groups_with_one_calendar_domain_are_refused_in_both_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("organization.toml"), "name = \"Org\"\n").unwrap();
    for slug in ["lacwg", "sur"] {
        let folder = dir.path().join("groups").join(slug);
        std::fs::create_dir_all(&folder).unwrap();
        let text = "name = \"Working Group\"\nshort_name = \"WG\"\ntime_zone = \"UTC\"\nmission = \"Peace.\"\n";
        std::fs::write(folder.join("group.toml"), text).unwrap();
    }
    let errors = load_root(dir.path(), Utc::now()).unwrap_err();
    assert_eq!(errors.0.len(), 2, "{errors}");
    assert!(errors.0.iter().all(|e| e.message.contains("short_name") && e.line == Some(2)), "{errors}");
}

#[test]
fn a_groups_folders_left_at_an_organizations_top_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("organization.toml"), "name = \"Org\"\n").unwrap();
    std::fs::create_dir_all(dir.path().join("meetings")).unwrap();
    let folder = dir.path().join("groups/lacwg");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("group.toml"), "name = \"WG\"\ntime_zone = \"UTC\"\nmission = \"Peace.\"\n").unwrap();
    let errors = load_root(dir.path(), Utc::now()).unwrap_err();
    assert!(errors.to_string().contains("belongs to no group"), "{errors}");
}
