//! Verification: the checks an auth middleware makes, each set on purpose.
//!
//! Order matters: the token is parsed, its algorithm checked against the pinned list, then the
//! signature verified, and only then are claims read. Nothing from an unverified token is trusted.

use jsonwebtoken::DecodingKey;
use serde_json::Value;

use super::alg::Alg;
use super::error::{RejectKind, TokenError};
use super::jwk::JwksKey;
use super::keys::{PublicKey, Secret};
use super::time;
use super::token::{self, Decoded, Object, json_type_name};

/// `typ` of an access token (RFC 9068).
pub const ACCESS_TYPE: &str = "at+jwt";
/// `typ` of a jwtctl refresh token.
pub const REFRESH_TYPE: &str = "refresh+jwt";

/// An `iat` further in the future than the leeway plus this is refused: no honest issuer's clock
/// is that far ahead.
pub const IAT_FUTURE_TOLERANCE: i64 = 60;

/// Which token types `verify` accepts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TokenType {
    /// Any token except a jwtctl refresh token.
    #[default]
    #[value(skip)]
    NotRefresh,
    /// Only `typ: at+jwt`.
    Access,
    /// Only jwtctl refresh tokens (`typ: refresh+jwt`).
    Refresh,
    /// Every type, refresh tokens included.
    Any,
}

/// The key that checks signatures.
#[derive(Clone)]
pub enum VerifyingKey {
    Secret(DecodingKey),
    Public(PublicKey),
    /// A JWKS: the key is picked by the token's `kid` among those that fit its algorithm.
    Set(Vec<JwksKey>),
}

impl VerifyingKey {
    pub fn from_secret(secret: &Secret) -> Self {
        VerifyingKey::Secret(DecodingKey::from_secret(secret.expose()))
    }

    /// The key for a token signed with `alg` (already checked to be allowed). `kid` is only
    /// compared with the configured key ids, never used for anything else.
    fn decoding(&self, header: &Object, alg: Alg) -> Result<&DecodingKey, TokenError> {
        let keys = match self {
            VerifyingKey::Secret(key) => return Ok(key),
            VerifyingKey::Public(key) => return Ok(&key.decoding),
            VerifyingKey::Set(keys) => keys,
        };
        let fitting: Vec<&JwksKey> = keys.iter().filter(|key| key.fits(alg)).collect();
        let reject = |message: String| Err(TokenError::new(RejectKind::Signature, message));
        match header.get("kid") {
            Some(Value::String(kid)) => {
                if let Some(key) = fitting.iter().find(|key| key.kid.as_deref() == Some(kid)) {
                    return Ok(&key.key.decoding);
                }
                let known: Vec<String> = fitting
                    .iter()
                    .filter_map(|key| key.kid.as_deref().map(quote))
                    .collect();
                reject(format!(
                    "no {alg} key in the JWKS has kid {} (known: {})",
                    quote(kid),
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ))
            }
            Some(other) => reject(format!(
                "header kid is {}, not a string",
                json_type_name(other)
            )),
            None => match fitting.as_slice() {
                [only] => Ok(&only.key.decoding),
                [] => reject(format!("no key in the JWKS fits {alg}")),
                many => reject(format!(
                    "token has no kid and {} keys in the JWKS fit {alg}",
                    many.len()
                )),
            },
        }
    }
}

/// Everything verification checks. Built once, used for every token.
#[derive(Clone)]
pub struct Policy {
    /// The accepted algorithms; never taken from the token.
    pub algorithms: Vec<Alg>,
    pub key: VerifyingKey,
    pub issuer: Option<String>,
    /// If not empty, `aud` must contain one of these.
    pub audience: Vec<String>,
    pub subject: Option<String>,
    /// Seconds of tolerance for `exp`, `nbf` and `iat`.
    pub leeway: i64,
    pub token_type: TokenType,
    /// Claims that must be present.
    pub required: Vec<String>,
    /// Skip `exp`, `nbf` and `iat`: only for naming a session to revoke, where an expired
    /// token still identifies a family that may live on.
    pub ignore_time: bool,
}

/// A token whose signature and claims were checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub header: Object,
    pub claims: Object,
}

impl Policy {
    /// Verifies `token` (already normalized) at time `now` (unix seconds).
    pub fn verify(&self, token: &str, now: i64) -> Result<Verified, TokenError> {
        let signed = match token::decode(token)? {
            Decoded::Signed(signed) => signed,
            Decoded::Encrypted { .. } => {
                return Err(TokenError::malformed(
                    "token is encrypted (JWE, 5 segments); jwtctl verifies signed tokens (JWS) only",
                ));
            }
        };
        let alg = self.check_algorithm(&signed.header)?;
        check_header(&signed.header)?;
        let signing_input = &token.as_bytes()[..signed.signing_input_len];
        let signature = &token[signed.signing_input_len + 1..];
        let key = self.key.decoding(&signed.header, alg)?;
        let valid =
            jsonwebtoken::crypto::verify(signature, signing_input, key, alg.to_jsonwebtoken())
                .unwrap_or(false);
        if !valid {
            return Err(TokenError::new(
                RejectKind::Signature,
                "signature does not match",
            ));
        }
        self.check_type(&signed.header)?;
        self.check_claims(&signed.payload, now)?;
        Ok(Verified {
            header: signed.header,
            claims: signed.payload,
        })
    }

    fn check_algorithm(&self, header: &Object) -> Result<Alg, TokenError> {
        let expected = self
            .algorithms
            .iter()
            .map(|alg| alg.name())
            .collect::<Vec<_>>()
            .join(", ");
        let reject = |message: String| Err(TokenError::new(RejectKind::Algorithm, message));
        let name = match header.get("alg") {
            Some(Value::String(name)) => name,
            Some(other) => {
                return reject(format!(
                    "header alg is {}, not a string (expected {expected})",
                    json_type_name(other)
                ));
            }
            None => return reject(format!("header has no alg (expected {expected})")),
        };
        if name.trim().eq_ignore_ascii_case("none") {
            return reject("algorithm none is never accepted: the token is unsigned".to_owned());
        }
        match Alg::from_name(name) {
            Some(alg) if self.algorithms.contains(&alg) => Ok(alg),
            Some(alg) => reject(format!(
                "algorithm {alg} is not allowed (expected {expected})"
            )),
            None => reject(format!(
                "algorithm {} is not supported (expected {expected})",
                quote(name)
            )),
        }
    }

    fn check_type(&self, header: &Object) -> Result<(), TokenError> {
        let typ = match header.get("typ") {
            None => None,
            Some(Value::String(typ)) => Some(typ.as_str()),
            Some(other) => {
                return Err(TokenError::new(
                    RejectKind::Type,
                    format!("header typ is {}, not a string", json_type_name(other)),
                ));
            }
        };
        let is = |media_type: &str| typ.is_some_and(|typ| same_media_type(typ, media_type));
        let shown = typ.map_or_else(|| "missing".to_owned(), quote);
        let reject = |message: String| Err(TokenError::new(RejectKind::Type, message));
        match self.token_type {
            TokenType::Any => Ok(()),
            TokenType::NotRefresh if is(REFRESH_TYPE) => reject(
                "this is a refresh token; it cannot be used as an access token \
                 (pass --type refresh to check it as one)"
                    .to_owned(),
            ),
            TokenType::NotRefresh => Ok(()),
            TokenType::Access if is(ACCESS_TYPE) => Ok(()),
            TokenType::Access => reject(format!(
                "token type (typ) is {shown}, expected {ACCESS_TYPE}"
            )),
            TokenType::Refresh if is(REFRESH_TYPE) => Ok(()),
            TokenType::Refresh => reject(format!(
                "token type (typ) is {shown}, expected {REFRESH_TYPE}"
            )),
        }
    }

    fn check_claims(&self, claims: &Object, now: i64) -> Result<(), TokenError> {
        let exp = numeric_date(claims, "exp")?;
        let nbf = numeric_date(claims, "nbf")?;
        let iat = numeric_date(claims, "iat")?;
        if !self.ignore_time {
            self.check_time(exp, nbf, iat, now)?;
        }
        for name in ["iss", "sub", "jti", "sid"] {
            string_claim(claims, name)?;
        }
        check_equal(claims, "iss", self.issuer.as_deref())?;
        check_equal(claims, "sub", self.subject.as_deref())?;
        self.check_audience(claims)?;
        for name in &self.required {
            if !claims.contains_key(name) {
                return Err(TokenError::claim(format!(
                    "required claim {} is missing",
                    quote(name)
                )));
            }
        }
        Ok(())
    }

    fn check_time(
        &self,
        exp: Option<i64>,
        nbf: Option<i64>,
        iat: Option<i64>,
        now: i64,
    ) -> Result<(), TokenError> {
        match exp {
            None => {
                return Err(TokenError::claim(
                    "token has no exp claim; jwtctl requires an expiry",
                ));
            }
            // RFC 7519 section 4.1.4: the current time must be before exp.
            Some(exp) if now >= exp.saturating_add(self.leeway) => {
                return Err(TokenError::new(
                    RejectKind::Expired,
                    format!(
                        "token expired {} ago (exp {})",
                        time::format_duration(now.saturating_sub(exp)),
                        time::format_timestamp(exp)
                    ),
                ));
            }
            Some(_) => {}
        }
        if let Some(nbf) = nbf
            && now.saturating_add(self.leeway) < nbf
        {
            return Err(TokenError::new(
                RejectKind::NotYetValid,
                format!(
                    "token is not valid for another {} (nbf {})",
                    time::format_duration(nbf.saturating_sub(now)),
                    time::format_timestamp(nbf)
                ),
            ));
        }
        let latest_iat = now
            .saturating_add(self.leeway)
            .saturating_add(IAT_FUTURE_TOLERANCE);
        if let Some(iat) = iat
            && iat > latest_iat
        {
            return Err(TokenError::claim(format!(
                "token claims to be issued {} in the future (iat {})",
                time::format_duration(iat.saturating_sub(now)),
                time::format_timestamp(iat)
            )));
        }
        Ok(())
    }

    fn check_audience(&self, claims: &Object) -> Result<(), TokenError> {
        let audiences: Vec<&str> = match claims.get("aud") {
            None => Vec::new(),
            Some(Value::String(aud)) => vec![aud.as_str()],
            Some(Value::Array(items)) => {
                let strings: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
                strings.ok_or_else(|| {
                    TokenError::claim(
                        "claim aud is an array that holds something other than strings",
                    )
                })?
            }
            Some(other) => {
                return Err(TokenError::claim(format!(
                    "claim aud is {}, expected a string or an array of strings",
                    json_type_name(other)
                )));
            }
        };
        if self.audience.is_empty() {
            return Ok(());
        }
        let expected = self
            .audience
            .iter()
            .map(|a| quote(a))
            .collect::<Vec<_>>()
            .join(" or ");
        if audiences.is_empty() {
            return Err(TokenError::claim(format!(
                "claim aud is missing or empty, expected {expected}"
            )));
        }
        if audiences
            .iter()
            .any(|aud| self.audience.iter().any(|want| want == aud))
        {
            Ok(())
        } else {
            Err(TokenError::claim(format!(
                "claim aud is {}, expected {expected}",
                audiences
                    .iter()
                    .map(|a| quote(a))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    }
}

/// Compares media types as RFC 7515 section 4.1.9 says: case-insensitively, `application/` optional.
pub fn same_media_type(found: &str, expected: &str) -> bool {
    let strip = |value: &str| {
        let lower = value.to_ascii_lowercase();
        match lower.strip_prefix("application/") {
            Some(rest) => rest.to_owned(),
            None => lower,
        }
    };
    strip(found) == strip(expected)
}

/// Refuses header parameters whose presence changes meaning in ways jwtctl does not implement.
/// `jku`, `x5u`, `jwk` and `x5c` are simply ignored: keys never come from the token.
fn check_header(header: &Object) -> Result<(), TokenError> {
    if header.contains_key("crit") {
        return Err(TokenError::new(
            RejectKind::Header,
            "header has crit; jwtctl understands no critical extension (RFC 7515 section 4.1.11)",
        ));
    }
    Ok(())
}

/// Reads a NumericDate claim: absent, or a JSON number (fractions are truncated toward the past).
pub fn numeric_date(claims: &Object, name: &str) -> Result<Option<i64>, TokenError> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(number)) => Ok(Some(match number.as_i64() {
            Some(seconds) => seconds,
            // Saturating: 1e300 is "never", -1e300 is "long ago".
            None => number
                .as_f64()
                .map_or(i64::MAX, |seconds| seconds.floor() as i64),
        })),
        Some(other) => Err(TokenError::claim(format!(
            "claim {name} is {}, expected a number of seconds",
            json_type_name(other)
        ))),
    }
}

fn string_claim<'a>(claims: &'a Object, name: &str) -> Result<Option<&'a str>, TokenError> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(other) => Err(TokenError::claim(format!(
            "claim {name} is {}, expected a string",
            json_type_name(other)
        ))),
    }
}

fn check_equal(claims: &Object, name: &str, expected: Option<&str>) -> Result<(), TokenError> {
    let Some(expected) = expected else {
        return Ok(());
    };
    match string_claim(claims, name)? {
        Some(found) if found == expected => Ok(()),
        Some(found) => Err(TokenError::claim(format!(
            "claim {name} is {}, expected {}",
            quote(found),
            quote(expected)
        ))),
        None => Err(TokenError::claim(format!(
            "claim {name} is missing, expected {}",
            quote(expected)
        ))),
    }
}

/// Quotes untrusted text as a JSON string, with what JSON leaves raw (C1 controls such as CSI,
/// bidi overrides, zero-width characters) escaped too, so none of it reaches the terminal.
pub fn quote(text: &str) -> String {
    let shortened: String = text.chars().take(80).collect();
    let mut quoted =
        crate::output::sanitize(&serde_json::to_string(&shortened).unwrap_or_default());
    if shortened.len() < text.len() {
        quoted.push('…');
    }
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_what_json_leaves_raw() {
        assert_eq!(quote("a\u{1b}[2Jb"), "\"a\\u001b[2Jb\"");
        assert_eq!(quote("evil\u{202e}txt"), "\"evil\\u{202e}txt\"");
        assert_eq!(quote("\u{9b}31m\u{200b}"), "\"\\u{009b}31m\\u{200b}\"");
        assert_eq!(quote(&"x".repeat(100)), format!("\"{}\"…", "x".repeat(80)));
    }
}
