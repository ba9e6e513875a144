//! The token core: algorithms, keys and secrets, signing, verification and decoding.
//! Nothing here reads the clock or prints: time is passed in and warnings are handed back.

pub mod alg;
pub mod error;
pub mod keys;
pub mod token;

pub use alg::{Alg, Family};
pub use error::{KeyError, KeyErrorKind, RejectKind, TokenError};
pub mod sign;
pub mod time;
pub mod verify;

pub use sign::Signer;
pub use verify::{Policy, TokenType, Verified, VerifyingKey};
pub mod claims;
pub mod derive;
pub mod json;
pub mod jwe;
pub mod jwk;
pub mod pair;
pub mod text;
