//! The documented exit statuses, and the one function that maps an error to one.

use std::process::ExitCode;

use crate::jwt::{KeyError, TokenError};
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

/// A configuration or usage error found after argument parsing (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl UsageError {
    pub fn new(message: impl Into<String>) -> Self {
        UsageError(message.into())
    }
}

/// Chooses the exit status for an error by looking through its chain for a known kind.
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
        if cause.is::<KeyError>() || cause.is::<UsageError>() {
            return Status::Usage;
        }
        // Reads of keys, secrets and payload files are wrapped in `KeyError` or `UsageError` where
        // they happen, so a bare I/O error here is an output or store failure.
        if cause.is::<std::io::Error>() {
            return Status::Io;
        }
    }
    Status::Usage
}
