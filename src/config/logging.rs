//! How log lines are written, and the filter that keeps libraries' lines naming people or
//! carrying tokens out of the log unless asked for.

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line: time, level, target, message and fields.
    Json,
}

/// Libraries' log lines that name accounts or carry tokens above debug level, and the level
/// they are held at: the Matrix SDK's info lines name Matrix accounts (`share_room_key …
/// {"@mem:localhost": …}`), and serenity's gateway logs a payload it cannot read (an
/// interaction's token and the person in it) at warn.
const HELD: &[(&str, &str)] = &[
    ("matrix_sdk", "warn"),
    ("matrix_sdk_base", "warn"),
    ("matrix_sdk_crypto", "warn"),
    ("matrix_sdk_sqlite", "warn"),
    ("serenity::gateway::ws", "error"),
];

/// The log filter `asked` for (`CONVOCA_LOG`, or `RUST_LOG`), with the [`HELD`] targets held
/// unless a directive names that very target or everything is asked at debug: account ids
/// and tokens appear at debug level only.
pub fn log_filter(asked: &str) -> String {
    let directives: Vec<String> = asked.split(',').map(|d| d.trim().to_ascii_lowercase()).collect();
    if directives.iter().any(|d| d == "debug" || d == "trace") {
        return asked.to_string();
    }
    let named = |target: &str| directives.iter().any(|d| d.split('=').next() == Some(target));
    let held: Vec<String> = HELD.iter().filter(|(t, _)| !named(t)).map(|(t, level)| format!("{t}={level}")).collect();
    if held.is_empty() { asked.to_string() } else { format!("{asked},{}", held.join(",")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libraries_that_name_people_log_above_debug_only_when_asked_for() {
        assert_eq!(
            log_filter("info"),
            "info,matrix_sdk=warn,matrix_sdk_base=warn,matrix_sdk_crypto=warn,matrix_sdk_sqlite=warn,serenity::gateway::ws=error"
        );
        assert!(log_filter("warn,convoca=info").ends_with("matrix_sdk_sqlite=warn,serenity::gateway::ws=error"));
        assert_eq!(log_filter("debug"), "debug");
        // Naming one target lifts its hold only.
        let one = log_filter("info,matrix_sdk_crypto=info");
        assert!(one.starts_with("info,matrix_sdk_crypto=info,matrix_sdk=warn"), "{one}");
        assert!(!one.contains("matrix_sdk_crypto=warn") && one.contains("matrix_sdk_base=warn"), "{one}");
    }
}
