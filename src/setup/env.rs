//! The env file setup writes: the settings it asked for, every other line the file already
//! had kept, written owner-only in one step (a new file renamed over the old), in the form
//! both systemd and convoca read alike.

use std::path::Path;

/// The settings setup decides, in the order they are written.
pub const MANAGED: &[&str] = &[
    "CONVOCA_CONTENT",
    "DATABASE_URL",
    "MATRIX_STORE_PATH",
    "CONVOCA_REMINDER_CHANNELS",
    "DISCORD_TOKEN",
    "DISCORD_HOME_GUILDS",
    "DISCORD_ORGANIZER_ROLE",
    "DISCORD_API_BASE",
    "MATRIX_HOMESERVER",
    "MATRIX_USER",
    "MATRIX_PASSWORD",
    "MATRIX_HOME_ROOMS",
    "MATRIX_STORE_PASSPHRASE",
    "CONVOCA_HTTP_BIND",
    "CONVOCA_METRICS_BIND",
    "CONVOCA_PUBLIC_URL",
    "CONVOCA_SMTP_HOST",
    "CONVOCA_SMTP_PORT",
    "CONVOCA_SMTP_SECURITY",
    "CONVOCA_SMTP_USER",
    "CONVOCA_SMTP_PASSWORD",
    "CONVOCA_SMTP_FROM",
    "CONVOCA_SMTP_CA_FILE",
];

/// The first lines of the file setup writes.
const HEADER: &str = "# convoca's settings, written by `convoca setup` (run it again to change them).\n\
                      # Read by systemd for the service and by every `convoca` command; an empty value is unset.\n\
                      # Every variable is described in the repository's .env.example.\n";

/// The line above what setup kept from the file before (comments included).
const KEPT: &str = "# Kept from the file before:";

/// A value as written: bare when systemd and convoca read it back the same, else in double
/// quotes with `"` and `\` escaped. `None` for a value no env file can hold (a line break).
pub fn quoted(value: &str) -> Option<String> {
    if value.contains(['\n', '\r']) {
        return None;
    }
    let bare = !value.starts_with(['"', '\'']) && value.trim() == value && !value.contains('\\');
    if bare {
        return Some(value.to_string());
    }
    Some(format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")))
}

/// The file's text: a header, the managed settings (`values`, by name; one setup did not
/// decide keeps the value `old` gave it), then every other setting `old` had, as it was.
pub fn compose(values: &[(&str, String)], old: Option<&str>) -> Result<String, String> {
    let before = old.and_then(|text| crate::config::env_file::parse(Path::new("old"), text).ok()).unwrap_or_default();
    let mut out = format!("{HEADER}\n");
    for name in MANAGED {
        let value = match values.iter().find(|(n, _)| n == name) {
            Some((_, v)) => v.as_str(),
            None => before.iter().rev().find(|s| s.key == *name).map_or("", |s| s.value.as_str()),
        };
        let written = quoted(value).ok_or_else(|| format!("{name}: a value with a line break cannot be written"))?;
        out.push_str(&format!("{name}={written}\n"));
    }
    let kept: Vec<&str> = old
        .unwrap_or_default()
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.is_empty()
                && !HEADER.lines().any(|h| h == t)
                && t != KEPT
                && !MANAGED.iter().any(|m| t.strip_prefix(m).is_some_and(|r| r.trim_start().starts_with('=')))
        })
        .collect();
    if !kept.is_empty() {
        out.push_str(&format!("\n{KEPT}\n"));
        for line in kept {
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out)
}

/// Writes `text` to `path`, readable by its owner only from the first byte.
pub fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let fresh = path.with_extension("env.new");
    let _ = std::fs::remove_file(&fresh);
    // Written through the handle that made the file: nothing can be put in its place between.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(&fresh)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&fresh, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_both_readers_read_them_back() {
        assert_eq!(quoted("abc$HOME#1").as_deref(), Some("abc$HOME#1"));
        assert_eq!(quoted(" padded").as_deref(), Some("\" padded\""));
        assert_eq!(quoted("say \"hi\"\\").as_deref(), Some("\"say \\\"hi\\\"\\\\\""));
        assert_eq!(quoted("two\nlines"), None);
        let old = "# my note\nDISCORD_TOKEN=old\nCONVOCA_LOG=debug\nMATRIX_STORE_PASSPHRASE=keep me\n";
        let text = compose(&[("DISCORD_TOKEN", " x\"y".into())], Some(old)).unwrap();
        let read = crate::config::env_file::parse(Path::new("f"), &text).unwrap();
        let token = read.iter().find(|s| s.key == "DISCORD_TOKEN").unwrap();
        assert_eq!(token.value, " x\"y");
        assert!(read.iter().any(|s| s.key == "CONVOCA_LOG" && s.value == "debug"), "other lines kept");
        assert!(text.contains("# my note"), "comments kept");
        let again = compose(&[], Some(&text)).unwrap();
        assert_eq!(again.matches("# my note").count(), 1, "and not doubled: {again}");
        assert_eq!(again.matches(KEPT).count(), 1, "{again}");
        assert_eq!(read.iter().filter(|s| s.key == "DISCORD_TOKEN").count(), 1, "the old value replaced");
        let kept = read.iter().find(|s| s.key == "MATRIX_STORE_PASSPHRASE").unwrap();
        assert_eq!(kept.value, "keep me", "a setting setup did not decide keeps its value");
    }
}
