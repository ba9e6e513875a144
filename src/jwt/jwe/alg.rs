//! The JWE algorithm names of RFC 7518 that jwtctl implements, and what each needs.

use std::fmt;

/// A key-management algorithm (the `alg` header of a JWE, RFC 7518 section 4).
///
/// RSA1_5 is deliberately absent: it invites Bleichenbacher's padding oracle (RFC 8725
/// section 3.2) and is refused by name when a token carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyAlg {
    RsaOaep,
    RsaOaep256,
    A128Kw,
    A192Kw,
    A256Kw,
    Dir,
    EcdhEs,
    EcdhEsA128Kw,
    EcdhEsA192Kw,
    EcdhEsA256Kw,
    A128GcmKw,
    A192GcmKw,
    A256GcmKw,
    Pbes2Hs256A128Kw,
    Pbes2Hs384A192Kw,
    Pbes2Hs512A256Kw,
}

/// How a key-management algorithm produces the content key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Rsa,
    /// AES key wrap (RFC 3394) with a key of this many bytes.
    AesKw(usize),
    Direct,
    /// ECDH-ES; `Some(n)` wraps the content key with an n-byte AES key wrap key.
    Ecdh(Option<usize>),
    /// AES-GCM key wrap with a key of this many bytes.
    AesGcmKw(usize),
    /// PBES2: a password through PBKDF2 gives an n-byte AES key wrap key.
    Pbes2(usize),
}

impl KeyAlg {
    pub const ALL: [KeyAlg; 16] = [
        KeyAlg::RsaOaep,
        KeyAlg::RsaOaep256,
        KeyAlg::A128Kw,
        KeyAlg::A192Kw,
        KeyAlg::A256Kw,
        KeyAlg::Dir,
        KeyAlg::EcdhEs,
        KeyAlg::EcdhEsA128Kw,
        KeyAlg::EcdhEsA192Kw,
        KeyAlg::EcdhEsA256Kw,
        KeyAlg::A128GcmKw,
        KeyAlg::A192GcmKw,
        KeyAlg::A256GcmKw,
        KeyAlg::Pbes2Hs256A128Kw,
        KeyAlg::Pbes2Hs384A192Kw,
        KeyAlg::Pbes2Hs512A256Kw,
    ];

    pub fn name(self) -> &'static str {
        match self {
            KeyAlg::RsaOaep => "RSA-OAEP",
            KeyAlg::RsaOaep256 => "RSA-OAEP-256",
            KeyAlg::A128Kw => "A128KW",
            KeyAlg::A192Kw => "A192KW",
            KeyAlg::A256Kw => "A256KW",
            KeyAlg::Dir => "dir",
            KeyAlg::EcdhEs => "ECDH-ES",
            KeyAlg::EcdhEsA128Kw => "ECDH-ES+A128KW",
            KeyAlg::EcdhEsA192Kw => "ECDH-ES+A192KW",
            KeyAlg::EcdhEsA256Kw => "ECDH-ES+A256KW",
            KeyAlg::A128GcmKw => "A128GCMKW",
            KeyAlg::A192GcmKw => "A192GCMKW",
            KeyAlg::A256GcmKw => "A256GCMKW",
            KeyAlg::Pbes2Hs256A128Kw => "PBES2-HS256+A128KW",
            KeyAlg::Pbes2Hs384A192Kw => "PBES2-HS384+A192KW",
            KeyAlg::Pbes2Hs512A256Kw => "PBES2-HS512+A256KW",
        }
    }

    /// The algorithm with exactly this name (names are case-sensitive, RFC 7516 section 4.1.1).
    pub fn from_name(name: &str) -> Option<KeyAlg> {
        KeyAlg::ALL.into_iter().find(|alg| alg.name() == name)
    }

    pub fn family(self) -> Family {
        match self {
            KeyAlg::RsaOaep | KeyAlg::RsaOaep256 => Family::Rsa,
            KeyAlg::A128Kw => Family::AesKw(16),
            KeyAlg::A192Kw => Family::AesKw(24),
            KeyAlg::A256Kw => Family::AesKw(32),
            KeyAlg::Dir => Family::Direct,
            KeyAlg::EcdhEs => Family::Ecdh(None),
            KeyAlg::EcdhEsA128Kw => Family::Ecdh(Some(16)),
            KeyAlg::EcdhEsA192Kw => Family::Ecdh(Some(24)),
            KeyAlg::EcdhEsA256Kw => Family::Ecdh(Some(32)),
            KeyAlg::A128GcmKw => Family::AesGcmKw(16),
            KeyAlg::A192GcmKw => Family::AesGcmKw(24),
            KeyAlg::A256GcmKw => Family::AesGcmKw(32),
            KeyAlg::Pbes2Hs256A128Kw => Family::Pbes2(16),
            KeyAlg::Pbes2Hs384A192Kw => Family::Pbes2(24),
            KeyAlg::Pbes2Hs512A256Kw => Family::Pbes2(32),
        }
    }
}

impl fmt::Display for KeyAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A content-encryption algorithm (the `enc` header, RFC 7518 section 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContentAlg {
    A128CbcHs256,
    A192CbcHs384,
    A256CbcHs512,
    A128Gcm,
    A192Gcm,
    A256Gcm,
}

impl ContentAlg {
    pub const ALL: [ContentAlg; 6] = [
        ContentAlg::A128CbcHs256,
        ContentAlg::A192CbcHs384,
        ContentAlg::A256CbcHs512,
        ContentAlg::A128Gcm,
        ContentAlg::A192Gcm,
        ContentAlg::A256Gcm,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ContentAlg::A128CbcHs256 => "A128CBC-HS256",
            ContentAlg::A192CbcHs384 => "A192CBC-HS384",
            ContentAlg::A256CbcHs512 => "A256CBC-HS512",
            ContentAlg::A128Gcm => "A128GCM",
            ContentAlg::A192Gcm => "A192GCM",
            ContentAlg::A256Gcm => "A256GCM",
        }
    }

    pub fn from_name(name: &str) -> Option<ContentAlg> {
        ContentAlg::ALL.into_iter().find(|enc| enc.name() == name)
    }

    /// Length of the content encryption key; for CBC-HMAC the MAC key and the AES key together.
    pub fn key_len(self) -> usize {
        match self {
            ContentAlg::A128CbcHs256 => 32,
            ContentAlg::A192CbcHs384 => 48,
            ContentAlg::A256CbcHs512 => 64,
            ContentAlg::A128Gcm => 16,
            ContentAlg::A192Gcm => 24,
            ContentAlg::A256Gcm => 32,
        }
    }

    pub fn iv_len(self) -> usize {
        if self.is_gcm() { 12 } else { 16 }
    }

    pub fn tag_len(self) -> usize {
        match self {
            ContentAlg::A128CbcHs256 => 16,
            ContentAlg::A192CbcHs384 => 24,
            ContentAlg::A256CbcHs512 => 32,
            ContentAlg::A128Gcm | ContentAlg::A192Gcm | ContentAlg::A256Gcm => 16,
        }
    }

    pub fn is_gcm(self) -> bool {
        matches!(
            self,
            ContentAlg::A128Gcm | ContentAlg::A192Gcm | ContentAlg::A256Gcm
        )
    }
}

impl fmt::Display for ContentAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_case_sensitive() {
        for alg in KeyAlg::ALL {
            assert_eq!(KeyAlg::from_name(alg.name()), Some(alg));
        }
        for enc in ContentAlg::ALL {
            assert_eq!(ContentAlg::from_name(enc.name()), Some(enc));
        }
        assert_eq!(KeyAlg::from_name("rsa-oaep"), None);
        assert_eq!(KeyAlg::from_name("DIR"), None);
        assert_eq!(KeyAlg::from_name("RSA1_5"), None);
        assert_eq!(ContentAlg::from_name("a128gcm"), None);
    }
}
