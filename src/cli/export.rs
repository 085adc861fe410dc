//! `convoca export <campaign>`: the roster as CSV, for whoever runs the bot.

use std::process::ExitCode;

use crate::config::{ExportArgs, Global};
use crate::engine::answers::roster::csv;

/// Writes the roster to standard output or `--out`.
pub async fn export(global: &Global, args: ExportArgs) -> ExitCode {
    let engine = match super::open_existing_engine(global).await {
        Ok(e) => e,
        Err(code) => return code,
    };
    let content = engine.content().current();
    let Some(campaign) = content.campaign(&args.campaign) else {
        let names: Vec<_> = content.campaigns.iter().map(|c| c.slug.as_str()).collect();
        let names = if names.is_empty() { "none".to_string() } else { names.join(", ") };
        eprintln!("convoca: no campaign is called `{}`; campaigns: {names}", args.campaign);
        return ExitCode::from(2);
    };
    let result = match engine.store().roster(&campaign.slug).await {
        Ok(entries) => csv(&campaign.slug, &entries).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    engine.store().close().await;
    let data = match result {
        Ok(data) => data,
        Err(e) => {
            eprintln!("convoca: {e}");
            return ExitCode::FAILURE;
        }
    };
    let written = match &args.out {
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&data)
        }
        // A roster: owner-only from the moment the file exists.
        Some(path) => crate::owner_only::write(path, &data),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convoca: cannot write the roster: {e}");
            ExitCode::FAILURE
        }
    }
}
