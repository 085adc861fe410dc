//! Checks of what is on this machine: the content, the database, the HTTP server's address
//! and public URL, and the form of the Discord public key.

use std::os::unix::fs::PermissionsExt;

use super::Line;
use crate::config::{Global, HttpConfig};
use crate::content::Root;

/// The content root loads (every group of an organization); returns it for the checks that
/// need its channels.
pub fn content(global: &Global, lines: &mut Vec<Line>) -> Option<Root> {
    let dir = global.content.display().to_string();
    match crate::content::load_root(&global.content, chrono::Utc::now()) {
        Ok(root) => {
            for c in &root.groups {
                let whose = if c.group.id.is_single() { dir.clone() } else { format!("{dir}, group {}", c.group.id) };
                let found = format!(
                    "{whose}: {} meeting(s), {} campaign(s), {} briefing(s)",
                    c.meetings.len(),
                    c.campaigns.len(),
                    c.briefings.len()
                );
                lines.push(Line::ok("content", found));
            }
            Some(root)
        }
        Err(errors) => {
            for e in &errors.0 {
                lines.push(Line::fail(
                    "content",
                    e.to_string(),
                    "edit that line (`convoca check` lists every mistake)",
                ));
            }
            None
        }
    }
}

/// In an organization: no record waits in the group of the one-group folder it was.
pub async fn unmoved(global: &Global, lines: &mut Vec<Line>) {
    let url = global.database_url.as_ref().map(|s| s.expose());
    let Ok(store) = crate::store::Store::open_existing(url).await else { return };
    if let Ok(n) = store.single_group_rows().await
        && n > 0
    {
        lines.push(Line::fail(
            "groups",
            format!("{n} record(s) from before this content became an organization belong to no group"),
            "with the bot stopped, `convoca migrate --into-group NAME` moves them into the group they belong to",
        ));
    }
    store.close().await;
}

/// The database answers, has every migration, and its files are the owner's alone.
pub async fn database(global: &Global, lines: &mut Vec<Line>) {
    let url = global.database_url.as_ref().map(|s| s.expose());
    let store = match crate::store::Store::open_existing(url).await {
        Ok(store) => store,
        Err(e) => {
            let fix = if url.is_some_and(|u| u.starts_with("postgres")) {
                "check DATABASE_URL (host, user, password, database) and that the server runs"
            } else {
                "run `convoca run` once to create it, or set DATABASE_URL to the database the bot uses"
            };
            lines.push(Line::fail("database", e.to_string(), fix));
            return;
        }
    };
    match store.ping().await {
        Ok(()) => lines.push(Line::ok("database", format!("{} answers", store.url()))),
        Err(e) => {
            lines.push(Line::fail("database", e.to_string(), "check that the database server runs and is reachable"));
            return;
        }
    }
    match store.pending_migrations().await {
        Ok(pending) if pending.is_empty() => lines.push(Line::ok("database schema", "every migration applied")),
        Ok(pending) => lines.push(Line::fail(
            "database schema",
            format!("not applied: {}", pending.join(", ")),
            "start the bot once with this version (`convoca run` applies them), after a backup",
        )),
        Err(e) => lines.push(Line::fail("database schema", e.to_string(), "check the database user's rights")),
    }
    if let Some(file) = store.sqlite_file() {
        let mut open_to_others = Vec::new();
        for path in [file.clone(), with_suffix(&file, "-wal"), with_suffix(&file, "-shm")] {
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            if meta.permissions().mode() & 0o077 != 0 {
                open_to_others.push(format!("{} ({:o})", path.display(), meta.permissions().mode() & 0o777));
            }
        }
        if open_to_others.is_empty() {
            lines.push(Line::ok("database files", format!("{}: readable by its owner only", file.display())));
        } else {
            lines.push(Line::fail(
                "database files",
                format!("others can read {}", open_to_others.join(", ")),
                format!("chmod 600 {0}*; it holds who signed up and who is going", file.display()),
            ));
        }
    }
    store.close().await;
}

fn with_suffix(path: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// The HTTP bind is free or held by a running convoca, the public URL reaches that same
/// process, and the Discord public key is well formed.
pub async fn http(http: &HttpConfig, public_key: Option<&str>, lines: &mut Vec<Line>) {
    if let Some(key) = public_key {
        match crate::discord::verify::InteractionVerifier::new(key) {
            Ok(_) => lines.push(Line::ok("discord public key", "64 hexadecimal digits, a valid Ed25519 key")),
            Err(why) => lines.push(Line::fail(
                "discord public key",
                why,
                "copy DISCORD_PUBLIC_KEY from the developer portal (General Information → Public Key)",
            )),
        }
    }
    let Some(bind) = http.bind else {
        lines.push(Line::ok("http", "off (no CONVOCA_HTTP_BIND)"));
        if http.public_url.is_some() {
            lines.push(Line::warn(
                "public url",
                "CONVOCA_PUBLIC_URL is set but the HTTP server is off",
                "set CONVOCA_HTTP_BIND (e.g. 127.0.0.1:8080) so the links it makes lead somewhere",
            ));
        }
        return;
    };
    let health_at = http.metrics_bind.unwrap_or(bind);
    let local = instance(&format!("http://{health_at}/healthz")).await;
    match std::net::TcpListener::bind(bind) {
        Ok(_) => lines.push(Line::ok("http bind", format!("{bind} is free"))),
        Err(_) => match &local {
            Some(_) => lines.push(Line::ok("http bind", format!("{bind} is held by a running convoca"))),
            None => lines.push(Line::fail(
                "http bind",
                format!("{bind} is taken by another program"),
                "stop it, or set CONVOCA_HTTP_BIND to a free address",
            )),
        },
    }
    let Some(public) = &http.public_url else {
        lines.push(Line::warn(
            "public url",
            "CONVOCA_PUBLIC_URL is not set",
            "set it to the address members reach the bot at, for calendar links and /mycalendar",
        ));
        return;
    };
    let url = format!("{}/healthz", public.trim_end_matches('/'));
    match (instance(&url).await, &local) {
        (Some(far), Some(near)) if far == *near => {
            lines.push(Line::ok("public url", format!("{public} reaches this convoca")))
        }
        (Some(_), Some(_)) => lines.push(Line::fail(
            "public url",
            format!("{public} reaches another convoca than the one on {health_at}"),
            "point the reverse proxy at CONVOCA_HTTP_BIND",
        )),
        (Some(_), None) => lines.push(Line::ok("public url", format!("{public} reaches a convoca"))),
        (None, Some(_)) => lines.push(Line::fail(
            "public url",
            format!("{url} does not reach the running convoca"),
            "check the reverse proxy (deploy/nginx.conf passes /healthz) and DNS",
        )),
        (None, None) => lines.push(Line::warn(
            "public url",
            format!("{url} does not answer (the bot is not running?)"),
            "start the bot, then run the doctor again",
        )),
    }
}

/// The `instance` line of a convoca's `/healthz`, when `url` answers like one.
async fn instance(url: &str) -> Option<String> {
    let response = super::client().get(url).send().await.ok()?;
    let body = response.text().await.ok()?;
    body.lines().find_map(|l| l.strip_prefix("instance: ")).map(str::to_string)
}
