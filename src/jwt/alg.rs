//! The signing algorithms jwtctl supports. `none` is not one of them and never will be.

use std::fmt;

use jsonwebtoken::Algorithm;

/// A JWS algorithm (RFC 7518). Parsing is exact and case-sensitive, as the RFC requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    EdDSA,
}

/// What kind of key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Hmac,
    Rsa,
    Ec,
    Ed,
}

impl Family {
    pub fn describe(self) -> &'static str {
        match self {
            Family::Hmac => "an HMAC secret",
            Family::Rsa => "an RSA key",
            Family::Ec => "an EC key",
            Family::Ed => "an Ed25519 key",
        }
    }
}

impl Alg {
    pub const ALL: [Alg; 12] = [
        Alg::HS256,
        Alg::HS384,
        Alg::HS512,
        Alg::RS256,
        Alg::RS384,
        Alg::RS512,
        Alg::PS256,
        Alg::PS384,
        Alg::PS512,
        Alg::ES256,
        Alg::ES384,
        Alg::EdDSA,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Alg::HS256 => "HS256",
            Alg::HS384 => "HS384",
            Alg::HS512 => "HS512",
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::PS384 => "PS384",
            Alg::PS512 => "PS512",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::EdDSA => "EdDSA",
        }
    }

    /// The exact name as it appears in a header; anything else (`hs256`, `"HS256 "`) is unknown.
    pub fn from_name(name: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|alg| alg.name() == name)
    }

    pub fn family(self) -> Family {
        match self {
            Alg::HS256 | Alg::HS384 | Alg::HS512 => Family::Hmac,
            Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512 => {
                Family::Rsa
            }
            Alg::ES256 | Alg::ES384 => Family::Ec,
            Alg::EdDSA => Family::Ed,
        }
    }

    /// RFC 7518 section 3.2: an HMAC key must be at least as long as the hash output.
    pub fn min_secret_len(self) -> usize {
        match self {
            Alg::HS384 => 48,
            Alg::HS512 => 64,
            _ => 32,
        }
    }

    pub fn to_jsonwebtoken(self) -> Algorithm {
        match self {
            Alg::HS256 => Algorithm::HS256,
            Alg::HS384 => Algorithm::HS384,
            Alg::HS512 => Algorithm::HS512,
            Alg::RS256 => Algorithm::RS256,
            Alg::RS384 => Algorithm::RS384,
            Alg::RS512 => Algorithm::RS512,
            Alg::PS256 => Algorithm::PS256,
            Alg::PS384 => Algorithm::PS384,
            Alg::PS512 => Algorithm::PS512,
            Alg::ES256 => Algorithm::ES256,
            Alg::ES384 => Algorithm::ES384,
            Alg::EdDSA => Algorithm::EdDSA,
        }
    }
}

impl fmt::Display for Alg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_exact() {
        for alg in Alg::ALL {
            assert_eq!(Alg::from_name(alg.name()), Some(alg));
        }
        for name in ["none", "None", "hs256", "HS256 ", "HS1024", "ES512", ""] {
            assert_eq!(Alg::from_name(name), None, "{name}");
        }
    }
}
