//! `jwtctl sessions`: list live sessions (never tokens), and `sessions prune`.

use std::io::Write;

use anyhow::Context as _;
use serde_json::json;

use crate::config::{PruneConfig, SessionsConfig};
use crate::exit::Status;
use crate::jwt::time::{format_timestamp, relative};
use crate::output::sanitize;
use crate::store::SessionSummary;

use super::Context;

pub fn run(config: &SessionsConfig, ctx: &Context) -> anyhow::Result<Status> {
    let mut store = config.store.open()?;
    let sessions = store.sessions(config.user, ctx.now)?;
    let text = if config.json {
        let mut text = ctx
            .output
            .json(serde_json::to_string(&sessions).context("cannot encode the sessions")?);
        text.push('\n');
        text
    } else {
        table(&sessions, ctx.now)
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")?;
    Ok(Status::Success)
}

pub fn prune(config: &PruneConfig, ctx: &Context) -> anyhow::Result<Status> {
    let mut store = config.store.open()?;
    let pruned = store.prune(ctx.now)?;
    let mut stdout = std::io::stdout().lock();
    if config.json {
        writeln!(stdout, "{}", json!({ "pruned": pruned }))
    } else {
        let noun = if pruned == 1 { "record" } else { "records" };
        writeln!(stdout, "pruned {pruned} expired {noun}")
    }
    .context("cannot write to standard output")?;
    Ok(Status::Success)
}

fn table(sessions: &[SessionSummary], now: i64) -> String {
    let header = [
        "SUBJECT",
        "FAMILY",
        "LABEL",
        "STARTED",
        "EXPIRES",
        "LAST ROTATED",
    ];
    let rows: Vec<[String; 6]> = sessions
        .iter()
        .map(|session| {
            [
                sanitize(&session.sub),
                sanitize(&session.family),
                sanitize(session.label.as_deref().unwrap_or("-")),
                format_timestamp(session.started_at),
                format!(
                    "{} ({})",
                    format_timestamp(session.expires_at),
                    relative(session.expires_at, now)
                ),
                session
                    .last_rotated_at
                    .map_or_else(|| "never".to_owned(), |at| relative(at, now)),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let mut push_row = |cells: &[&str]| {
        let line: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        text.push_str(line.join("  ").trim_end());
        text.push('\n');
    };
    push_row(&header);
    for row in &rows {
        push_row(&row.each_ref().map(String::as_str));
    }
    text
}
