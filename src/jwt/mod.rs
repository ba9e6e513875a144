//! The token core: keys and secrets, signing, verification and decoding.

/// A key or secret could not be loaded or is unfit for use (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(pub String);

/// A token was rejected (exit 1), or is expired or not yet valid (exit 3).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TokenError(pub String);

impl TokenError {
    pub fn is_time_related(&self) -> bool {
        false
    }
}
