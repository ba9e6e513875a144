//! The command line as typed, where it can leak: a secret given as an option, and values that
//! look like secrets, tokens or keys quoted back in an error message.

#![allow(clippy::print_stderr)]

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::Path;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::cli::ValueError;
use crate::config::{REFRESH_SECRET_VARIABLE, SECRET_VARIABLE};
use crate::jwt::text;
use crate::output::{ERROR, never_show, paint, without_secrets};

/// Options people try for a secret, which jwtctl never takes: `ps` and shell history see them.
const SECRET_OPTIONS: [&str; 3] = ["--secret", "--refresh-secret", "-S"];

/// The one line that answers `--secret VALUE` (or `-S`), without the value.
pub const SECRET_REFUSAL: &str = "unexpected argument: secrets are never taken on the command line, \
     where `ps` and shell history show them; export JWTCTL_SECRET, or pass --secret-file PATH or \
     --secret-env NAME";

/// Whether `argument` is one of [`SECRET_OPTIONS`], alone or with its value attached.
fn is_secret_option(argument: &str) -> bool {
    SECRET_OPTIONS.iter().any(|option| {
        argument == *option
            || argument
                .strip_prefix(option)
                .is_some_and(|rest| rest.starts_with('=') || option.len() == 2)
    })
}

/// Options whose value names an environment variable that holds a secret or a password.
const SECRET_VARIABLE_OPTIONS: [&str; 4] = [
    "--secret-env",
    "--refresh-secret-env",
    "--key-password-env",
    "--password-env",
];

/// Options whose value is a file that holds a secret or a password.
const SECRET_FILE_OPTIONS: [&str; 4] = [
    "--secret-file",
    "--refresh-secret-file",
    "--key-password-file",
    "--password-file",
];

/// Hands the secrets this command line will use to [`never_show`]: those the default variables
/// hold, and those of the variables and regular files it names. Before the command line is
/// parsed, so that no message, clap's or one about another option, quotes one before its key is
/// read; and as the text typed or stored, which is what gets pasted, even where the key is that
/// text decoded (`--secret-encoding hex`).
pub fn never_show_typed_secrets(args: &[OsString]) {
    let mut names: Vec<OsString> = vec![SECRET_VARIABLE.into(), REFRESH_SECRET_VARIABLE.into()];
    names.extend(typed_values(args, &SECRET_VARIABLE_OPTIONS));
    for name in names {
        if let Some(value) = std::env::var_os(&name) {
            never_show_text(value.as_encoded_bytes());
        }
    }
    for path in typed_values(args, &SECRET_FILE_OPTIONS) {
        let path = Path::new(&path);
        // Standard input, a FIFO or a device is read once, by the option that owns it; when it
        // holds a secret, that secret is added as it is loaded.
        if crate::config::is_stdin(path)
            || !std::fs::metadata(path).is_ok_and(|meta| meta.is_file())
        {
            continue;
        }
        // A file that cannot be read is reported by the option that reads it.
        if let Ok(text) = crate::jwt::keys::read_key_file(path, "secret") {
            never_show_text(&text);
        }
    }
}

/// The secret is the text without the line break `echo` and files end it with.
fn never_show_text(value: &[u8]) {
    let value = value.strip_suffix(b"\n").unwrap_or(value);
    never_show(value.strip_suffix(b"\r").unwrap_or(value));
}

/// The values typed for `options`, as `--option VALUE` or `--option=VALUE`, before any `--`.
fn typed_values(args: &[OsString], options: &[&str]) -> Vec<OsString> {
    let mut values = Vec::new();
    let mut typed = args.iter().skip(1).take_while(|arg| *arg != "--");
    while let Some(arg) = typed.next() {
        let Some(arg) = arg.to_str() else {
            continue;
        };
        for option in options {
            if arg == *option {
                values.extend(typed.next().cloned());
                break;
            }
            if let Some(value) = arg
                .strip_prefix(option)
                .and_then(|rest| rest.strip_prefix('='))
            {
                values.push(value.into());
            }
        }
    }
    values
}

/// Reports a command line clap refused, on stderr: a purpose-built line for a secret given as
/// an option; `--flag: why` for a value one of our parsers refused; clap's own message
/// otherwise, with any value that looks like a secret, a token or a key described instead of
/// repeated.
pub fn report_parse_error(error: &clap::Error, args: &[OsString]) {
    let color = crate::output::wants_color(
        crate::cli::ColorChoice::Auto,
        std::io::stderr().is_terminal(),
    );
    // The message may quote what was typed, which a script may have taken from a token.
    let line = |message: &str| {
        let label = paint(color, ERROR, "error");
        let message = without_secrets(message);
        let _ = writeln!(
            std::io::stderr().lock(),
            "{label}: {}",
            text::sanitize(&message)
        );
    };
    let typed: Vec<String> = args
        .iter()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .take_while(|arg| arg != "--")
        .collect();
    if matches!(
        error.kind(),
        ErrorKind::UnknownArgument | ErrorKind::InvalidSubcommand
    ) && typed.iter().any(|arg| is_secret_option(arg))
    {
        line(SECRET_REFUSAL);
        return;
    }
    if error.kind() == ErrorKind::ValueValidation
        && let Some(value_error) =
            std::error::Error::source(error).and_then(|source| source.downcast_ref::<ValueError>())
    {
        let flag = match error.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(arg)) => arg.split(' ').next().unwrap_or(arg).to_owned(),
            _ => "a value".to_owned(),
        };
        let separator = if value_error.continues { " " } else { ": " };
        line(&redact(
            &format!("{flag}{separator}{}", value_error.message),
            args,
        ));
        return;
    }
    let rendered = error.render().to_string();
    let redacted = without_hidden_suggestions(&without_secrets(&redact(&rendered, args)));
    // clap quotes a value as typed, and on a terminal prints its escape sequences raw; the plain
    // rendering has them stripped, and what is left that could fool a terminal is escaped.
    let dangerous = args
        .iter()
        .any(|arg| arg.to_string_lossy().chars().any(text::is_dangerous));
    if redacted == rendered && !dangerous {
        let _ = error.print();
    } else {
        let safe = text::text_for_terminal(&redacted);
        let _ = std::io::stderr().lock().write_all(safe.as_bytes());
    }
}

/// clap suggests hidden options too (`--thread` gets "a similar argument exists: '--threads'");
/// a hidden option is not offered, so that tip goes.
fn without_hidden_suggestions(message: &str) -> String {
    if !message.contains("tip: a similar argument exists") {
        return message.to_owned();
    }
    let mut command = crate::commands::completions::full_command();
    command.build();
    let mut hidden = Vec::new();
    let mut pending = vec![&command];
    while let Some(command) = pending.pop() {
        hidden.extend(
            command
                .get_arguments()
                .filter(|arg| arg.is_hide_set())
                .filter_map(|arg| arg.get_long())
                .map(|long| format!("'--{long}'")),
        );
        pending.extend(command.get_subcommands());
    }
    let mut kept: Vec<&str> = Vec::new();
    for line in message.lines() {
        let hidden_tip = line
            .trim_start()
            .starts_with("tip: a similar argument exists")
            && hidden.iter().any(|name| line.contains(name.as_str()));
        if hidden_tip {
            // The blank line clap put before the tip goes with it.
            if kept.last().is_some_and(|last| last.is_empty()) {
                kept.pop();
            }
        } else {
            kept.push(line);
        }
    }
    let mut out = kept.join("\n");
    out.push('\n');
    out
}

/// `message` with every argument that looks like a secret, a token or a PEM block replaced by
/// its description ("a 64-character value").
pub fn redact(message: &str, args: &[OsString]) -> String {
    let mut redacted = message.to_owned();
    for arg in args.iter().skip(1) {
        let arg = arg.to_string_lossy();
        // An option with its value attached (`--key-file=...`) is checked by its value.
        // So is a `key=value` or `key:=JSON` claim: a token pasted after the name is still one.
        let value = match arg.split_once('=') {
            Some((_, value)) => value,
            None => &arg,
        };
        for candidate in [value, arg.as_ref()] {
            if candidate.chars().count() >= 16
                && text::sensitive(candidate).is_some()
                && redacted.contains(candidate)
            {
                redacted = redacted.replace(candidate, &text::describe(candidate));
            }
        }
        // clap quotes the first line of a multi-line value on its own.
        if text::sensitive(value).is_some() {
            for piece in value.lines().filter(|piece| piece.chars().count() >= 16) {
                redacted = redacted.replace(piece, "…");
            }
        }
    }
    redacted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_secret_options() {
        for arg in [
            "--secret",
            "--secret=abc",
            "-S",
            "-Sabc",
            "--refresh-secret=x",
        ] {
            assert!(is_secret_option(arg), "{arg}");
        }
        for arg in [
            "--secret-file",
            "--secret-env",
            "--secret-encoding=hex",
            "--sub",
            "-s",
            "--secretive",
        ] {
            assert!(!is_secret_option(arg), "{arg}");
        }
    }

    #[test]
    fn redacts_what_looks_secret() {
        let secret = "4f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c";
        let args: Vec<OsString> = ["jwtctl", "verify", "--secret-env", secret]
            .into_iter()
            .map(OsString::from)
            .collect();
        let message = format!("environment variable {secret} is not set");
        assert_eq!(
            redact(&message, &args),
            "environment variable a 64-character value is not set"
        );
        assert_eq!(redact("--sub alice", &args), "--sub alice");
    }
}

/// `jwtctl verify Bearer TOKEN`, pasted from an `Authorization` header without quotes, is one
/// token in two words: they are joined into the one argument `Bearer TOKEN`, which every command
/// that reads a token accepts. Only when the next word looks like a token (dots, no spaces, not
/// an option), so `Bearer` as the value of an option is left alone.
pub fn join_bearer(args: Vec<OsString>) -> Vec<OsString> {
    let looks_like_token = |arg: &OsString| {
        arg.to_str().is_some_and(|text| {
            !text.starts_with('-')
                && text.matches('.').count() >= 2
                && !text.contains(char::is_whitespace)
        })
    };
    let mut joined = Vec::with_capacity(args.len());
    let mut args = args.into_iter().peekable();
    while let Some(arg) = args.next() {
        let is_bearer = arg
            .to_str()
            .is_some_and(|text| text.eq_ignore_ascii_case("bearer"));
        match args.peek() {
            Some(next) if is_bearer && joined.len() > 1 && looks_like_token(next) => {
                let mut both = arg;
                both.push(" ");
                both.push(next);
                args.next();
                joined.push(both);
            }
            _ => joined.push(arg),
        }
    }
    joined
}

#[cfg(test)]
mod bearer_tests {
    use super::*;

    fn joined(args: &[&str]) -> Vec<String> {
        join_bearer(args.iter().map(OsString::from).collect())
            .into_iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn bearer_and_a_token_become_one_argument() {
        assert_eq!(
            joined(&["jwtctl", "verify", "Bearer", "a.b.c"]),
            ["jwtctl", "verify", "Bearer a.b.c"]
        );
        assert_eq!(
            joined(&["jwtctl", "decode", "--json", "bearer", "a.b.c.d.e"]),
            ["jwtctl", "decode", "--json", "bearer a.b.c.d.e"]
        );
    }

    #[test]
    fn anything_else_is_left_alone() {
        for args in [
            &["jwtctl", "issue", "--sub", "Bearer"][..],
            &["jwtctl", "issue", "--sub", "Bearer", "--aud", "x"][..],
            &["jwtctl", "verify", "Bearer", "not-a-token"][..],
            &["jwtctl", "verify", "Bearer", "--json"][..],
            &["Bearer", "a.b.c"][..],
        ] {
            assert_eq!(joined(args), args);
        }
    }
}
