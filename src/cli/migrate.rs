//! `convoca migrate --to URL`: every table into another, empty database, with the bot
//! stopped; the counts are checked and reported.

use std::process::ExitCode;

use crate::config::{Global, MigrateArgs};
use crate::group_id::GroupId;
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
    if let Some(slug) = &args.into_group {
        let code = into_group(global, &source, slug).await;
        source.close().await;
        return code;
    }
    let Some(to) = &args.to else { return ExitCode::from(2) };
    // Opening the target applies the migrations to it first.
    let target = match Store::open(Some(to.expose())).await {
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

/// `--into-group SLUG`: the single group's rows moved into the named group of the content
/// root, which must be an organization that has it.
async fn into_group(global: &Global, store: &Store, slug: &str) -> ExitCode {
    let root = match crate::content::load_root(&global.content, chrono::Utc::now()) {
        Ok(root) => root,
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("convoca: fix the content first: the rows move into a group it names");
            return ExitCode::from(2);
        }
    };
    let group = GroupId::named(slug);
    if !root.groups.iter().any(|g| g.group.id == group) {
        let names: Vec<&str> = root.groups.iter().map(|g| g.group.id.as_str()).filter(|n| !n.is_empty()).collect();
        eprintln!(
            "convoca: {} has no group `{slug}` (its groups: {}); the rows move into a folder under groups/",
            global.content.display(),
            if names.is_empty() {
                "none: it is one group, which keeps its rows as they are".to_string()
            } else {
                names.join(", ")
            }
        );
        return ExitCode::from(2);
    }
    if let Err(e) = store.migrate().await {
        eprintln!("convoca: {e}");
        return ExitCode::from(super::CANNOT_START);
    }
    match store.move_group(&GroupId::single(), &group, crate::reminders::key_of).await {
        Ok(moved) => {
            println!("moved into the group {slug}:");
            for (table, rows) in &moved.rows {
                println!("  {table:<20} {rows:>8} row(s)");
            }
            println!("  {:<20} {:>8} reminder(s) on record", "reminder_ledger", moved.reminders);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("convoca: {e}");
            ExitCode::from(2)
        }
    }
}
