//! The command line as typed, where it can leak: a secret given as an option, and values that
//! look like secrets, tokens or keys quoted back in an error message.

#![allow(clippy::print_stderr)]

use std::ffi::OsString;
use std::io::{IsTerminal, Write};

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::cli::ValueError;
use crate::jwt::text;
use crate::output::{ERROR, paint};

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

/// Reports a command line clap refused, on stderr: a purpose-built line for a secret given as
/// an option; `--flag: why` for a value one of our parsers refused; clap's own message
/// otherwise, with any value that looks like a secret, a token or a key described instead of
/// repeated.
pub fn report_parse_error(error: &clap::Error, args: &[OsString]) {
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let line = |message: &str| {
        let label = paint(color, ERROR, "error");
        let _ = writeln!(std::io::stderr().lock(), "{label}: {message}");
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
    let redacted = redact(&rendered, args);
    if redacted == rendered {
        let _ = error.print();
    } else {
        let _ = std::io::stderr().lock().write_all(redacted.as_bytes());
    }
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
