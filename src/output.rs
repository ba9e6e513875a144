//! Everything that reaches the terminal goes through here: the colour decision per stream,
//! the `error:` / `warning:` printers, and the escaping of untrusted text.

#![allow(clippy::print_stderr)]

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};
use std::sync::{PoisonError, RwLock};

use anstyle::{AnsiColor, Style};
use zeroize::Zeroizing;

use crate::cli::ColorChoice;

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub const NOTE: Style = AnsiColor::Cyan.on_default().bold();
pub const KEY: Style = AnsiColor::Blue.on_default().bold();
pub const STRING: Style = AnsiColor::Green.on_default();
pub const NUMBER: Style = AnsiColor::Magenta.on_default();
pub const DIM: Style = Style::new().dimmed();
pub const PROBLEM: Style = AnsiColor::Red.on_default().bold();
pub const HEADING: Style = Style::new().bold().underline();

/// Whether each stream is coloured, decided once at start.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub stdout_color: bool,
    pub stderr_color: bool,
    /// Whether stdout is a terminal: JSON printed there has what could fool it `\u`-escaped.
    pub stdout_terminal: bool,
}

impl Output {
    pub fn new(choice: ColorChoice) -> Self {
        let stdout_terminal = io::stdout().is_terminal();
        Output {
            stdout_color: wants_color(choice, stdout_terminal),
            stderr_color: wants_color(choice, io::stderr().is_terminal()),
            stdout_terminal,
        }
    }

    pub fn plain() -> Self {
        Output {
            stdout_color: false,
            stderr_color: false,
            stdout_terminal: false,
        }
    }

    /// JSON text for stdout: as it is for a pipe, with dangerous characters escaped for a
    /// terminal (still valid JSON).
    pub fn json(&self, json: String) -> String {
        if self.stdout_terminal {
            crate::jwt::text::json_for_terminal(&json)
        } else {
            json
        }
    }

    pub fn error(&self, message: &str) {
        self.diagnostic(ERROR, "error", message);
    }

    pub fn warning(&self, message: &str) {
        self.diagnostic(WARNING, "warning", message);
    }

    pub fn note(&self, message: &str) {
        self.diagnostic(NOTE, "note", message);
    }

    pub fn hint(&self, message: &str) {
        self.diagnostic(NOTE, "hint", message);
    }

    fn diagnostic(&self, style: Style, label: &str, message: &str) {
        let label = paint(self.stderr_color, style, label);
        // Messages quote untrusted text (claims, store contents, server replies); whatever
        // slipped through unquoted is escaped here, on its way to the terminal. They also quote
        // what was typed, which may have a secret pasted inside it.
        let message = sanitize(&without_secrets(message));
        // A failed write to stderr has nowhere to be reported.
        let _ = writeln!(io::stderr().lock(), "{label}: {message}");
    }

    /// Paints `text` for stdout.
    pub fn out(&self, style: Style, text: &str) -> String {
        paint(self.stdout_color, style, text)
    }
}

/// The secrets this process was given, which no message may contain. A secret pasted into a
/// longer value (`--aud "x$SECRET"`) does not look like one, so the messages are searched for
/// the secrets themselves. Process-wide, because messages are printed from every layer, some
/// before the key is read, and none of them should have to remember to pass the secrets along.
static SECRETS: RwLock<Vec<Zeroizing<String>>> = RwLock::new(Vec::new());

/// Shorter secrets are not looked for: they would match the words of ordinary messages (and are
/// refused anyway unless --allow-weak-secret).
const MIN_SECRET_LEN: usize = 8;

/// Adds `secret` to what no message may contain. Bytes that are not text cannot appear in a
/// message and are not kept.
pub fn never_show(secret: &[u8]) {
    let Ok(secret) = std::str::from_utf8(secret) else {
        return;
    };
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let mut secrets = SECRETS.write().unwrap_or_else(PoisonError::into_inner);
    if !secrets.iter().any(|known| known.as_str() == secret) {
        secrets.push(Zeroizing::new(secret.to_owned()));
    }
}

/// `message` with every secret given to [`never_show`] replaced by `<secret>`.
pub fn without_secrets(message: &str) -> Cow<'_, str> {
    let secrets = SECRETS.read().unwrap_or_else(PoisonError::into_inner);
    crate::jwt::text::redact_secrets(message, &secrets)
}

/// auto = the stream is a terminal, NO_COLOR is unset or empty, and TERM is not `dumb`.
pub fn wants_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
            let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
            is_terminal && !no_color && !dumb
        }
    }
}

pub fn paint(enabled: bool, style: Style, text: &str) -> String {
    if enabled {
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

pub use crate::jwt::text::sanitize;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_choices_win() {
        assert!(wants_color(ColorChoice::Always, false));
        assert!(!wants_color(ColorChoice::Never, true));
        assert!(!wants_color(ColorChoice::Auto, false));
    }
}
