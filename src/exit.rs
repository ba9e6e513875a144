//! The documented exit statuses, and the one function that maps an error to one.

use std::process::ExitCode;

use crate::jwt::{KeyError, KeyErrorKind, TokenError};
use crate::remote::RemoteError;
use crate::store::StoreError;

/// Exit statuses shared by every command. They are part of the public interface: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The command did what was asked; for `verify`, the token is valid.
    Success = 0,
    /// The token was rejected: bad signature, malformed, wrong algorithm, type or claim, revoked, reused.
    Rejected = 1,
    /// Usage or configuration error: bad flags, unreadable key or secret, invalid JSON given to us.
    Usage = 2,
    /// The token is expired or not yet valid; a refresh may help.
    Expired = 3,
    /// The store or other I/O failed: unreachable, corrupt, unwritable.
    Io = 4,
}

impl Status {
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status.code())
    }
}

/// What kind of usage or configuration mistake a [`UsageError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageKind {
    /// A value that is not what the option takes.
    InvalidValue,
    /// Two options that cannot go together (two claimants of standard input).
    Conflict,
    /// Something that must be given was not.
    Missing,
    /// A secret typed on the command line, where `ps` and shell history see it.
    SecretOnCommandLine,
    /// A file named on the command line could not be read or written.
    File,
}

/// A configuration or usage error found after argument parsing (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    pub kind: UsageKind,
    pub message: String,
}

impl UsageError {
    /// A value that is not what the option takes.
    pub fn new(message: impl Into<String>) -> Self {
        UsageError::of(UsageKind::InvalidValue, message)
    }

    pub fn of(kind: UsageKind, message: impl Into<String>) -> Self {
        UsageError {
            kind,
            message: message.into(),
        }
    }
}

/// What to do about an error, printed after it as `hint: ...`. Attached with
/// `error.context(Hint(..))`; it is advice, not a cause: the error line leaves it out and the
/// exit status is the error's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint(pub String);

impl std::fmt::Display for Hint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Failures of jwtctl itself that are neither the user's nor a key's nor a token's.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A store answered fewer questions than it was asked: its reply was cut short.
    #[error("the store answered {answered} of {asked} checks; its reply was cut short")]
    ShortStoreAnswer { asked: usize, answered: usize },
    /// Standard output or another stream jwtctl writes could not be written.
    #[error("cannot write to standard output: {0}")]
    Output(#[source] std::io::Error),
    /// The operating system's random generator failed.
    #[error("the operating system's random generator failed: {0}")]
    Random(String),
}

/// Chooses the exit status for an error by looking through its chain for a known kind. Every
/// error jwtctl raises is one of these types; each kind has its status here and nowhere else.
pub fn status_for(error: &anyhow::Error) -> Status {
    for cause in error.chain() {
        if cause.is::<StoreError>() {
            return Status::Io;
        }
        if let Some(remote) = cause.downcast_ref::<RemoteError>() {
            return if remote.is_usage() {
                Status::Usage
            } else {
                Status::Io
            };
        }
        if let Some(token) = cause.downcast_ref::<TokenError>() {
            return if token.is_time_related() {
                Status::Expired
            } else {
                Status::Rejected
            };
        }
        if let Some(key) = cause.downcast_ref::<KeyError>() {
            return match key.kind {
                KeyErrorKind::Unreadable
                | KeyErrorKind::Invalid
                | KeyErrorKind::WrongKind
                | KeyErrorKind::Unfit
                | KeyErrorKind::Backend => Status::Usage,
                KeyErrorKind::Unavailable => Status::Io,
            };
        }
        if let Some(usage) = cause.downcast_ref::<UsageError>() {
            return match usage.kind {
                UsageKind::InvalidValue
                | UsageKind::Conflict
                | UsageKind::Missing
                | UsageKind::SecretOnCommandLine
                | UsageKind::File => Status::Usage,
            };
        }
        if let Some(run) = cause.downcast_ref::<RunError>() {
            return match run {
                RunError::ShortStoreAnswer { .. } | RunError::Output(_) => Status::Io,
                RunError::Random(_) => Status::Usage,
            };
        }
        // Reads of keys, secrets and payload files are wrapped in `KeyError` or `UsageError` where
        // they happen, so a bare I/O error here is an output or store failure.
        if cause.is::<std::io::Error>() {
            return Status::Io;
        }
    }
    Status::Usage
}

/// A reader that went away (`jwtctl decode --batch | head`) is not an error.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_status() {
        let status = |error: anyhow::Error| status_for(&error);
        assert_eq!(
            status(
                RunError::ShortStoreAnswer {
                    asked: 2,
                    answered: 1
                }
                .into()
            ),
            Status::Io
        );
        assert_eq!(
            status(UsageError::of(UsageKind::Conflict, "x").into()),
            Status::Usage
        );
        assert_eq!(status(KeyError::unfit("x").into()), Status::Usage);
        assert_eq!(
            status(KeyError::new(KeyErrorKind::Unavailable, "x").into()),
            Status::Io
        );
        assert_eq!(status(TokenError::malformed("x").into()), Status::Rejected);
        let expired = TokenError::new(crate::jwt::RejectKind::Expired, "x");
        assert_eq!(status(expired.into()), Status::Expired);
        // A context on top changes nothing: the kind is found in the chain.
        let wrapped = anyhow::Error::from(KeyError::invalid("x")).context("reading the key");
        assert_eq!(status(wrapped), Status::Usage);
    }
}
