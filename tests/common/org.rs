//! A content root that is an organization of several groups, written to a temporary folder:
//! each group a copy of the shipped group's files under its own name, language, zone and
//! homes, so that every group has a meeting `monthly` and a campaign `jilamito` (names repeat
//! across groups, as they may).

use std::path::{Path, PathBuf};

/// One group of the organization.
#[derive(Clone, Debug)]
pub struct GroupSpec {
    /// The folder's name: the group's id.
    pub slug: &'static str,
    /// Its full name (English).
    pub name: &'static str,
    /// `en` or `es`.
    pub language: &'static str,
    /// Its zone, and the monthly meeting's.
    pub zone: &'static str,
    /// `[home] discord = […]`: `"<server>"` or `"<server>/<channel or category>"`.
    pub discord: Vec<String>,
    /// `[home] organizer_role`.
    pub organizer_role: Option<&'static str>,
    /// `[home] matrix = […]`.
    pub matrix: Vec<String>,
    /// `[home] organizer_power`.
    pub organizer_power: Option<i64>,
    /// Channels the monthly meeting's reminders always go to (`discord:42`).
    pub channels: Vec<String>,
    /// `[web] public = true`: the group has a public page.
    pub web: bool,
}

impl GroupSpec {
    /// A group named `slug`, in English, in New York, with no home yet.
    pub fn new(slug: &'static str, name: &'static str) -> GroupSpec {
        GroupSpec {
            slug,
            name,
            language: "en",
            zone: "America/New_York",
            discord: Vec::new(),
            organizer_role: None,
            matrix: Vec::new(),
            organizer_power: None,
            channels: Vec::new(),
            web: false,
        }
    }
}

/// The organization's own `organization.toml`: its name and, optionally, its home.
pub fn write_root(
    dir: &Path,
    org_discord: &[String],
    org_role: Option<&str>,
    org_matrix: &[String],
    groups: &[GroupSpec],
) -> PathBuf {
    let mut org = String::from("name = \"State Peace Action\"\nshort_name = \"SPA\"\n");
    org.push_str(&home_table(org_discord, org_role, org_matrix, None));
    std::fs::write(dir.join("organization.toml"), org).unwrap();
    for g in groups {
        write_group(dir, g);
    }
    dir.to_path_buf()
}

/// One group's folder under `groups/` (written again: the bot reloads it).
pub fn write_group(root: &Path, g: &GroupSpec) {
    let folder = root.join("groups").join(g.slug);
    std::fs::create_dir_all(folder.join("meetings")).unwrap();
    std::fs::create_dir_all(folder.join("campaigns")).unwrap();
    let shipped = super::shipped();
    let mut group = format!(
        "name = \"{}\"\nshort_name = \"{}\"\ntime_zone = \"{}\"\nlanguage = \"{}\"\nmission = \"{} works for peace.\"\n",
        g.name,
        g.slug.to_uppercase(),
        g.zone,
        g.language,
        g.name
    );
    group.push_str(&home_table(&g.discord, g.organizer_role, &g.matrix, g.organizer_power));
    if g.web {
        group.push_str("\n[web]\npublic = true\n");
    }
    std::fs::write(folder.join("group.toml"), group).unwrap();
    let monthly = std::fs::read_to_string(shipped.join("meetings/monthly.toml"))
        .unwrap()
        .replace("time_zone = \"America/New_York\"", &format!("time_zone = \"{}\"", g.zone))
        .replace("LA/CWG monthly meeting", &format!("{} monthly meeting", g.name))
        .replace("Reunión mensual del GT-ALC", &format!("Reunión mensual de {}", g.name))
        .replace(
            "channels = []",
            &format!("channels = [{}]", g.channels.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")),
        );
    std::fs::write(folder.join("meetings/monthly.toml"), monthly).unwrap();
    std::fs::copy(shipped.join("campaigns/jilamito.toml"), folder.join("campaigns/jilamito.toml")).unwrap();
}

fn home_table(discord: &[String], role: Option<&str>, matrix: &[String], power: Option<i64>) -> String {
    if discord.is_empty() && matrix.is_empty() && role.is_none() {
        return String::new();
    }
    let list = |xs: &[String]| xs.iter().map(|x| format!("\"{x}\"")).collect::<Vec<_>>().join(", ");
    let mut out = String::from("\n[home]\n");
    if !discord.is_empty() {
        out.push_str(&format!("discord = [{}]\n", list(discord)));
    }
    if let Some(role) = role {
        out.push_str(&format!("organizer_role = \"{role}\"\n"));
    }
    if !matrix.is_empty() {
        out.push_str(&format!("matrix = [{}]\n", list(matrix)));
    }
    if let Some(power) = power {
        out.push_str(&format!("organizer_power = {power}\n"));
    }
    out
}
