//! jwtctl: issue, verify, decode, refresh and revoke JSON Web Tokens from the shell.
//!
//! The binary is a thin wrapper around [`main_with_args`]; tests and benchmarks use the same library.
//! What was typed (`cli`) is resolved into what a command runs with (`config`) before any command
//! runs (`commands`); `jwt` is the token core and depends on none of them.

pub mod argv;
pub mod cli;
pub mod commands;
pub mod config;
pub mod exit;
pub mod files;
pub mod jwt;
pub mod output;
pub mod remote;
pub mod render;
pub mod store;
pub mod zone;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use cli::Cli;
use commands::Context;
use exit::Status;
use output::Output;

/// Parses `args`, runs the command, reports any error on stderr, and returns the exit status.
pub fn main_with_args<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    let args: Vec<OsString> = argv::join_bearer(args.into_iter().collect());
    argv::never_show_typed_secrets(&args);
    let (cli, typed_store) = match parse(args.iter().cloned()) {
        Ok(parsed) => parsed,
        Err(error) => {
            // --help and --version are "errors" to clap; they print on stdout and succeed.
            if !error.use_stderr() {
                let _ = error.print();
                return Status::Success.into();
            }
            argv::report_parse_error(&error, &args);
            return Status::Usage.into();
        }
    };
    let ctx = Context {
        output: Output::new(cli.color),
        now: jwt::time::now(),
    };
    if let Some(store) = typed_store {
        warn_if_password_typed(&store, &ctx);
    }
    let result =
        config::resolve(&cli.command, &ctx).and_then(|resolved| commands::run(resolved, &ctx));
    match result {
        Ok(status) => status.into(),
        Err(error) if exit::is_broken_pipe(&error) => Status::Success.into(),
        Err(error) => {
            ctx.output.error(&argv::redact(&describe(&error), &args));
            if let Some(hint) = error.downcast_ref::<exit::Hint>() {
                for line in hint.0.lines() {
                    ctx.output.hint(line);
                }
            }
            exit::status_for(&error).into()
        }
    }
}

/// `Cli::try_parse_from`, except that the command tree is not freed afterwards: freeing it node by
/// node was 8% of a short command's instructions, and the process is about to end anyway. Also
/// returns the `--store` value if it was typed on the command line (not taken from
/// `JWTCTL_STORE`), where `ps` and shell history see it.
fn parse<I: IntoIterator<Item = OsString>>(args: I) -> Result<(Cli, Option<String>), clap::Error> {
    let mut command = Cli::command();
    let parsed = command
        .try_get_matches_from_mut(args)
        .and_then(|mut matches| {
            let typed_store = store_on_command_line(&matches);
            Cli::from_arg_matches_mut(&mut matches)
                .map(|cli| (cli, typed_store))
                .map_err(|error| error.format(&mut Cli::command()))
        });
    std::mem::forget(command);
    parsed
}

/// The `--store` value of the innermost subcommand that has one, if it came from the command line.
fn store_on_command_line(matches: &clap::ArgMatches) -> Option<String> {
    let mut found = None;
    let mut current = matches;
    loop {
        if current.try_contains_id("store").is_ok()
            && current.value_source("store") == Some(clap::parser::ValueSource::CommandLine)
        {
            found = current
                .try_get_one::<String>("store")
                .ok()
                .flatten()
                .cloned();
        }
        match current.subcommand() {
            Some((_, sub)) => current = sub,
            None => return found,
        }
    }
}

/// Warns when a Redis password was typed in `--store`: `ps` and shell history show it to others.
fn warn_if_password_typed(value: &str, ctx: &Context) {
    if store::Location::has_password(value) {
        ctx.output.warning(&format!(
            "the password in --store is visible to other users in `ps` and stays in shell \
             history; set the URL in {} instead",
            config::STORE_VARIABLE
        ));
    }
}

/// One line: the outermost context, then each cause, as `a: b: c`.
fn describe(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    // A hint is attached as context, so it is in the chain; it gets its own line.
    let hint = error
        .downcast_ref::<exit::Hint>()
        .map(|hint| hint.0.as_str());
    for cause in error.chain() {
        let text = cause.to_string();
        if Some(text.as_str()) == hint {
            continue;
        }
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}
