//! `convoca migrate --to URL`: every table into another, empty database, with the bot
//! stopped; the counts are checked and reported.

use std::process::ExitCode;

use crate::config::{Global, MigrateArgs};
use crate::store::{CopyError, Store};

/// Copies the configured database into `--to`.
pub async fn migrate(global: &Global, args: MigrateArgs) -> ExitCode {
    let source = match super::open_existing_store(global).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Held for the whole copy: a bot started meanwhile waits for it.
    let alone = source.mark_alone();
    if alone.is_err() {
        eprintln!(
            "convoca: a bot is running on {}: stop it first (systemctl stop convoca), then migrate, so that \
             nothing it records after the copy is lost",
            source.url()
        );
        source.close().await;
        return ExitCode::from(2);
    }
    // Opening the target applies the migrations to it first.
    let target = match Store::open(Some(args.to.expose())).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!("convoca: {e}");
            return ExitCode::from(super::CANNOT_START);
        }
    };
    let result = source.copy_to(&target).await;
    source.close().await;
    target.close().await;
    match result {
        Ok(copied) => {
            println!("copied {} into {}:", source.url(), target.url());
            for c in &copied {
                println!("  {:<20} {:>8} rows (the same in both)", c.table, c.rows);
            }
            println!("Point DATABASE_URL at the new database before starting the bot again.");
            ExitCode::SUCCESS
        }
        Err(e @ (CopyError::NotEmpty { .. } | CopyError::Same)) => {
            eprintln!("convoca: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("convoca: {e}");
            ExitCode::FAILURE
        }
    }
}
