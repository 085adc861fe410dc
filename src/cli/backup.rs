//! `convoca backup FILE`: a consistent copy of the SQLite database, safe while the bot runs.

use std::process::ExitCode;

use crate::config::{BackupArgs, Global};
use crate::store::BackupError;

/// Writes the copy, or says why not (on PostgreSQL: what to run instead).
pub async fn backup(global: &Global, args: BackupArgs) -> ExitCode {
    let store = match super::open_existing_store(global).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let running = store.bot_running();
    let result = store.backup_to(&args.file).await;
    store.close().await;
    match result {
        Ok(bytes) => {
            println!(
                "backup written: {} ({} KiB, readable by its owner only)",
                args.file.display(),
                bytes.div_ceil(1024)
            );
            println!(
                "copied from {}{}",
                store.url(),
                match running {
                    Some(true) =>
                        ", on which a bot is running (the copy holds what it had committed when the copy began)",
                    Some(false) => ", on which no bot is running",
                    None => "",
                }
            );
            ExitCode::SUCCESS
        }
        Err(e @ (BackupError::Postgres { .. } | BackupError::Exists(_))) => {
            eprintln!("convoca: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("convoca: {e}");
            ExitCode::FAILURE
        }
    }
}
