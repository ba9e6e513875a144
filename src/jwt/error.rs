//! Why a token was refused, and why a key could not be used.

use std::fmt;

/// The kind of a token rejection, as named in `--json` output (`"kind"`). Stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectKind {
    /// Not a compact JWS: segments, base64url, JSON, size.
    Malformed,
    /// `alg` missing, `none`, or not among the allowed algorithms.
    Algorithm,
    /// The signature does not match.
    Signature,
    /// `exp` has passed.
    Expired,
    /// `nbf` is still in the future.
    NotYetValid,
    /// A claim is missing, of the wrong type, or not the expected value.
    Claim,
    /// `typ` is not the expected token type.
    Type,
    /// A header parameter jwtctl refuses (`crit`).
    Header,
    /// The session was revoked, or the token is unknown to the store.
    Revoked,
    /// A rotated refresh token was presented again.
    Reused,
    /// An encrypted token (JWE) did not decrypt: wrong key, bad tag, bad unwrap. One kind for
    /// all of them, so that no answer tells them apart.
    Decryption,
}

impl RejectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectKind::Malformed => "malformed",
            RejectKind::Algorithm => "algorithm",
            RejectKind::Signature => "signature",
            RejectKind::Expired => "expired",
            RejectKind::NotYetValid => "not_yet_valid",
            RejectKind::Claim => "claim",
            RejectKind::Type => "type",
            RejectKind::Header => "header",
            RejectKind::Revoked => "revoked",
            RejectKind::Reused => "reused",
            RejectKind::Decryption => "decryption",
        }
    }
}

impl fmt::Display for RejectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token was rejected (exit 1), or is expired or not yet valid (exit 3).
/// The message never contains the token itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TokenError {
    pub kind: RejectKind,
    pub message: String,
    /// The signature was verified before a later check (type, time, claims) refused the token:
    /// its header and claims are what its issuer wrote, and may be shown beside the error.
    pub signature_verified: bool,
}

impl TokenError {
    pub fn new(kind: RejectKind, message: impl Into<String>) -> Self {
        TokenError {
            kind,
            message: message.into(),
            signature_verified: false,
        }
    }

    /// This error, found after the signature was verified.
    pub fn after_signature(mut self) -> Self {
        self.signature_verified = true;
        self
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        TokenError::new(RejectKind::Malformed, message)
    }

    pub fn claim(message: impl Into<String>) -> Self {
        TokenError::new(RejectKind::Claim, message)
    }

    /// Expired and not-yet-valid tokens exit 3, so a script knows a refresh may help.
    pub fn is_time_related(&self) -> bool {
        matches!(self.kind, RejectKind::Expired | RejectKind::NotYetValid)
    }
}

/// What went wrong with a key or secret. Stable: the exit status is chosen from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyErrorKind {
    /// The file, variable or stream could not be read, is missing or empty.
    Unreadable,
    /// The content does not parse as the key or secret it should be.
    Invalid,
    /// A valid key of the wrong kind: a private key where a public one is enough, a public key
    /// where signing needs the private one, a key that does not fit the algorithm.
    WrongKind,
    /// A key that parses but must not be used: too short, too large, off its curve.
    Unfit,
    /// Reserved for key sources reached over the network (a JWKS URL, an OpenID issuer) that
    /// cannot be reached: an I/O failure, not a configuration mistake.
    Unavailable,
    /// The crypto backend or the random generator failed.
    Backend,
}

/// A key or secret could not be loaded or is unfit for use. Never contains key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct KeyError {
    pub kind: KeyErrorKind,
    pub message: String,
}

impl KeyError {
    pub fn new(kind: KeyErrorKind, message: impl Into<String>) -> Self {
        KeyError {
            kind,
            message: message.into(),
        }
    }

    pub fn unreadable(message: impl Into<String>) -> Self {
        KeyError::new(KeyErrorKind::Unreadable, message)
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        KeyError::new(KeyErrorKind::Invalid, message)
    }

    pub fn wrong_kind(message: impl Into<String>) -> Self {
        KeyError::new(KeyErrorKind::WrongKind, message)
    }

    pub fn unfit(message: impl Into<String>) -> Self {
        KeyError::new(KeyErrorKind::Unfit, message)
    }

    pub fn backend(message: impl Into<String>) -> Self {
        KeyError::new(KeyErrorKind::Backend, message)
    }
}
