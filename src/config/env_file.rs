//! The env file: one list of settings read the same way by the service and by every
//! subcommand an organizer types, so that `convoca backup` or `convoca doctor` run from any
//! folder use the service's database and tokens, not a new empty one.
//!
//! Which file: `--env-file` / `CONVOCA_ENV_FILE` when given; otherwise `.env` in the working
//! folder when there is one; otherwise the service's [`SERVICE_ENV_FILE`] when it can be
//! read (the service itself gets its variables from systemd, which reads that file as root).
//!
//! The format is systemd's `EnvironmentFile` subset, so that both read a line alike:
//! `KEY=value`, blank lines and `#` comments, a value optionally in quotes. Nothing is
//! substituted (`$` is a character like any other). An empty value is unset, here and in the
//! process's environment, so the shipped file's `DISCORD_TOKEN=` turns nothing on. A line
//! that is not `KEY=value` stops the program with the file and line; a variable convoca does
//! not read is reported with the nearest one it does.

use std::path::{Path, PathBuf};

/// The env file the service uses (see `deploy/convoca.service`).
pub const SERVICE_ENV_FILE: &str = "/etc/convoca/convoca.env";

/// What was read, and what in it looked wrong without stopping anything.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// The file read, if any.
    pub path: Option<PathBuf>,
    /// Each line that did nothing: a variable convoca does not read (said with the nearest
    /// it does), or one set again further down.
    pub warnings: Vec<String>,
}

/// A file that cannot be used: named, with the line when there is one.
#[derive(Debug, thiserror::Error)]
pub enum EnvFileError {
    /// The file named explicitly cannot be read.
    #[error("cannot read the env file {path}: {why}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        why: std::io::Error,
    },
    /// A line that is not `KEY=value`, or one systemd would read otherwise.
    #[error("{path}:{line}: `{text}` is not a setting: {why}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Its line number, from 1.
        line: usize,
        /// The start of the line (never its value, which may be a secret).
        text: String,
        /// What to write instead.
        why: String,
    },
    /// A quote opened and not closed.
    #[error("{path}:{line}: the value of {key} opens a quote it does not close")]
    Unclosed {
        /// The file.
        path: PathBuf,
        /// Its line number, from 1.
        line: usize,
        /// The variable.
        key: String,
    },
}

/// One `KEY=value` of a file, with its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The line number, from 1.
    pub line: usize,
    /// The variable.
    pub key: String,
    /// Its value as systemd would read it (quotes removed, nothing substituted).
    pub value: String,
}

/// Reads `text` (the contents of `path`) into its settings. What systemd would read
/// otherwise (`export NAME=…`, a backslash outside quotes) is refused with its line rather
/// than read one way here and another there.
pub fn parse(path: &Path, text: &str) -> Result<Vec<Setting>, EnvFileError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        // Only the start of a line is shown: the rest may be a password.
        let shown: String =
            trimmed.chars().take_while(|c| !matches!(c, '=' | ':') && !c.is_whitespace()).take(30).collect();
        let malformed = |why: &str| EnvFileError::Malformed {
            path: path.to_path_buf(),
            line,
            text: format!("{shown}…"),
            why: why.to_string(),
        };
        if trimmed.starts_with("export ") {
            return Err(malformed("systemd does not read `export NAME=…`: write NAME=… alone"));
        }
        let (key, value) =
            trimmed.split_once('=').ok_or_else(|| malformed("write NAME=value, e.g. DISCORD_TOKEN=…"))?;
        let key = key.trim_end();
        let valid_key = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_key {
            return Err(malformed("write NAME=value, with a name of letters, digits and _"));
        }
        let value = value.trim();
        if !value.starts_with(['"', '\'']) && value.contains('\\') {
            return Err(malformed(
                "a backslash outside quotes is read differently by systemd: put the value in double quotes",
            ));
        }
        let value = unquote(value).ok_or_else(|| EnvFileError::Unclosed {
            path: path.to_path_buf(),
            line,
            key: key.to_string(),
        })?;
        out.push(Setting { line, key: key.to_string(), value });
    }
    Ok(out)
}

/// A value without its quotes, as systemd reads it: `"a b"` and `'a b'` are `a b`; in double
/// quotes `\"`, `\\`, `\$` and `` \` `` stand for the character, and any other backslash is
/// kept. `None` for a quote left open.
fn unquote(value: &str) -> Option<String> {
    let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
        return Some(value.to_string());
    };
    let inner = &value[1..];
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if quote == '"' => match chars.peek() {
                Some(&next @ ('"' | '\\' | '$' | '`')) => {
                    out.push(next);
                    chars.next();
                }
                _ => out.push('\\'),
            },
            c if c == quote => return chars.collect::<String>().trim().is_empty().then_some(out),
            c => out.push(c),
        }
    }
    None
}

/// The file to read: `explicit` when given; `.env` here when present; the service's when
/// readable. `None` when there is none (nothing to read is normal).
fn choose(explicit: Option<PathBuf>) -> Option<PathBuf> {
    if explicit.is_some() {
        return explicit;
    }
    let here = PathBuf::from(".env");
    if here.is_file() {
        return Some(here);
    }
    let service = PathBuf::from(SERVICE_ENV_FILE);
    std::fs::File::open(&service).is_ok().then_some(service)
}

/// The env file named on the command line (`--env-file FILE` or `--env-file=FILE`), read
/// before clap so that its settings are there when the flags are parsed.
fn named_on_command_line() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        let arg = arg.to_string_lossy().into_owned();
        if arg == "--env-file" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--env-file=") {
            return Some(PathBuf::from(path));
        }
        if arg == "--" {
            break;
        }
    }
    None
}

/// What [`load`] read, for `doctor`.
static LOADED: std::sync::OnceLock<Loaded> = std::sync::OnceLock::new();

/// What [`load`] read (nothing before it ran).
pub fn loaded() -> Loaded {
    LOADED.get().cloned().unwrap_or_default()
}

/// Reads the env file into the process's environment (a variable already set there wins)
/// and unsets every empty variable `known` names. Call before any thread starts.
pub fn load(known: &[String]) -> Result<Loaded, EnvFileError> {
    let loaded = match read_into_environment(known) {
        // `convoca setup --env-file NEW` makes the file it names.
        Err(EnvFileError::Unreadable { why, .. }) if why.kind() == std::io::ErrorKind::NotFound && setting_up() => {
            Loaded::default()
        }
        other => other?,
    };
    let _ = LOADED.set(loaded.clone());
    Ok(loaded)
}

fn read_into_environment(known: &[String]) -> Result<Loaded, EnvFileError> {
    let explicit = named_on_command_line()
        .or_else(|| std::env::var_os("CONVOCA_ENV_FILE").filter(|v| !v.is_empty()).map(PathBuf::from));
    for key in known {
        if std::env::var_os(key).is_some_and(|v| v.is_empty()) {
            // SAFETY: called from main before the runtime or any other thread starts.
            unsafe { std::env::remove_var(key) };
        }
    }
    let Some(path) = choose(explicit) else { return Ok(Loaded::default()) };
    let text = std::fs::read_to_string(&path).map_err(|why| EnvFileError::Unreadable { path: path.clone(), why })?;
    let settings = parse(&path, &text)?;
    let mut warnings = Vec::new();
    let mut last: Vec<&Setting> = Vec::new();
    for s in &settings {
        if !known.contains(&s.key) {
            warnings.push(unknown_line(&path, s, known));
            continue;
        }
        // systemd takes a name's last line: so does convoca, and says so.
        if let Some(i) = last.iter().position(|l| l.key == s.key) {
            warnings.push(format!(
                "{}:{}: {} is set again (line {}'s value is not used)",
                path.display(),
                s.line,
                s.key,
                last[i].line
            ));
            last.remove(i);
        }
        last.push(s);
    }
    for s in last {
        if s.value.is_empty() || std::env::var_os(&s.key).is_some() {
            continue;
        }
        // SAFETY: as above, single-threaded.
        unsafe { std::env::set_var(&s.key, &s.value) };
    }
    Ok(Loaded { path: Some(path), warnings })
}

/// Whether the command line runs `setup` (its first word that is not a flag or a flag's
/// value).
fn setting_up() -> bool {
    // The flags before the subcommand that take a value, as declared.
    let command = <super::Cli as clap::CommandFactory>::command();
    let valued: Vec<String> = command
        .get_arguments()
        .filter(|a| a.get_action().takes_values())
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect();
    let mut args = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = args.next() {
        if valued.contains(&a) {
            args.next();
            continue;
        }
        if !a.starts_with('-') {
            return a == "setup";
        }
    }
    false
}

/// "convoca.env:7: convoca reads no DISCROD_TOKEN (did you mean DISCORD_TOKEN?)".
fn unknown_line(path: &Path, s: &Setting, known: &[String]) -> String {
    let key = s.key.to_ascii_lowercase();
    // A name cut short (CONVOCA_SMTP_PASS) is the one it begins; else the nearest spelling.
    let begun =
        known.iter().filter(|k| k.to_ascii_lowercase().starts_with(&key) && key.len() >= 8).min_by_key(|k| k.len());
    let near = begun
        .or_else(|| {
            known
                .iter()
                .map(|k| (crate::suggest::distance(&k.to_ascii_lowercase(), &key), k))
                .filter(|(d, _)| *d <= 3)
                .min_by_key(|(d, _)| *d)
                .map(|(_, k)| k)
        })
        .map(|k| format!(" (did you mean {k}?)"))
        .unwrap_or_default();
    format!("{}:{}: convoca reads no variable {}{near}", path.display(), s.line, s.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<(String, String)>, String> {
        parse(Path::new("convoca.env"), text)
            .map(|v| v.into_iter().map(|s| (s.key, s.value)).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn lines_are_read_as_systemd_reads_them_and_nothing_is_substituted() {
        let got =
            read("# comment\n\nDISCORD_TOKEN=\nMATRIX_PASSWORD=12$34x\nA_B=\"two \\\"words\\\" \\n\"\nD = spaced \n");
        assert_eq!(
            got.unwrap(),
            [
                ("DISCORD_TOKEN".into(), String::new()),
                ("MATRIX_PASSWORD".into(), "12$34x".into()),
                ("A_B".into(), "two \"words\" \\n".into()),
                ("D".into(), "spaced".into())
            ]
        );
        assert_eq!(
            read("A=1\nC='open\n").unwrap_err(),
            "convoca.env:2: the value of C opens a quote it does not close"
        );
    }

    #[test]
    fn a_line_that_is_not_a_setting_is_named_with_its_line() {
        assert_eq!(
            read("A=1\nMATRIX PASSWORD hunter2\n").unwrap_err(),
            "convoca.env:2: `MATRIX…` is not a setting: write NAME=value, e.g. DISCORD_TOKEN=…",
            "never the value: it may be a secret"
        );
        assert!(read("export A=1\n").unwrap_err().contains("systemd does not read `export"));
        assert!(read("A=a\\b\n").unwrap_err().contains("backslash outside quotes"));
        assert!(read("1A=x\n").unwrap_err().contains(":1:"));
    }

    #[test]
    fn a_variable_cut_short_is_said_with_the_one_it_begins() {
        let known = vec!["CONVOCA_SMTP_HOST".to_string(), "CONVOCA_SMTP_PASSWORD".to_string()];
        let line = Setting { key: "CONVOCA_SMTP_PASS".into(), value: String::new(), line: 3 };
        assert!(unknown_line(Path::new("e"), &line, &known).contains("did you mean CONVOCA_SMTP_PASSWORD?"));
    }

    #[test]
    fn an_unknown_variable_is_said_with_the_nearest_known_one() {
        let known = vec!["DISCORD_TOKEN".to_string(), "MATRIX_USER".to_string()];
        let s = Setting { line: 4, key: "DISCROD_TOKEN".into(), value: "x".into() };
        assert_eq!(
            unknown_line(Path::new("convoca.env"), &s, &known),
            "convoca.env:4: convoca reads no variable DISCROD_TOKEN (did you mean DISCORD_TOKEN?)"
        );
        let s = Setting { line: 5, key: "ZOOM".into(), value: "x".into() };
        assert_eq!(unknown_line(Path::new("e"), &s, &known), "e:5: convoca reads no variable ZOOM");
    }
}
