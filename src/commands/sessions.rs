//! `jwtctl sessions`: list live sessions (never tokens), and `sessions prune`.

use std::io::Write;

use anyhow::Context as _;
use serde_json::json;

use crate::config::{PruneConfig, SessionsConfig};
use crate::exit::Status;
use crate::jwt::time::{format_timestamp, relative};
use crate::output::sanitize;
use crate::store::{RevokedSession, SessionSummary};

use super::Context;

pub fn run(config: &SessionsConfig, ctx: &Context) -> anyhow::Result<Status> {
    let mut store = config.store.open_existing()?;
    let sessions = store.sessions(config.user, ctx.now)?;
    let revoked = if config.include_revoked {
        store.revoked_sessions(config.user, ctx.now)?
    } else {
        Vec::new()
    };
    let text = if config.json {
        // The live sessions as always, then the revoked ones, which add `revoked_at` and
        // `reason`.
        let mut entries = Vec::with_capacity(sessions.len() + revoked.len());
        for session in &sessions {
            entries.push(serde_json::to_value(session).context("cannot encode the sessions")?);
        }
        for session in &revoked {
            entries.push(serde_json::to_value(session).context("cannot encode the sessions")?);
        }
        let mut text = ctx
            .output
            .json(serde_json::to_string(&entries).context("cannot encode the sessions")?);
        text.push('\n');
        text
    } else {
        let rows: Vec<Row> = sessions
            .iter()
            .map(|session| Row {
                session,
                revoked: None,
            })
            .chain(revoked.iter().map(|revoked| Row {
                session: &revoked.session,
                revoked: Some(revoked),
            }))
            .collect();
        table(&rows, config.include_revoked, ctx.now)
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")?;
    Ok(Status::Success)
}

/// One line of the table: a session, and its revocation for `--include-revoked`.
struct Row<'a> {
    session: &'a SessionSummary,
    revoked: Option<&'a RevokedSession>,
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

fn table(rows: &[Row<'_>], with_revoked: bool, now: i64) -> String {
    let mut header = vec![
        "SUBJECT",
        "FAMILY",
        "LABEL",
        "STARTED",
        "EXPIRES",
        "LAST ROTATED",
    ];
    if with_revoked {
        header.push("REVOKED");
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let session = row.session;
            let mut cells = vec![
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
            ];
            if with_revoked {
                cells.push(match row.revoked {
                    None => "-".to_owned(),
                    Some(revoked) => match revoked.revoked_at {
                        Some(at) => format!("{} ({})", relative(at, now), revoked.reason.as_str()),
                        None => format!("({})", revoked.reason.as_str()),
                    },
                });
            }
            cells
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|name| name.len()).collect();
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let mut push_row = |cells: &[&str]| {
        let line: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        text.push_str(line.join("  ").trim_end());
        text.push('\n');
    };
    push_row(&header);
    for row in &cells {
        let row: Vec<&str> = row.iter().map(String::as_str).collect();
        push_row(&row);
    }
    text
}
