//! Verification: the checks an auth middleware makes, each set on purpose.
//!
//! Order matters: the token is parsed, its algorithm checked against the pinned list, then the
//! signature verified, and only then are claims read. Nothing from an unverified token is trusted.

use std::sync::OnceLock;

use super::alg::Alg;
use super::error::{RejectKind, TokenError};
use super::json::{self, Json};
use super::jwk::JwksKey;
use super::keys::{PublicKey, Secret};
use super::time;
use super::token::{self, Scratch};
use aws_lc_rs::hmac;

/// `typ` of an access token (RFC 9068).
pub const ACCESS_TYPE: &str = "at+jwt";
/// `typ` of a jwtctl refresh token.
pub const REFRESH_TYPE: &str = "refresh+jwt";

/// An `iat` further in the future than the leeway plus this is refused: no honest issuer's clock
/// is that far ahead.
pub const IAT_FUTURE_TOLERANCE: i64 = 60;

/// Which token types `verify` accepts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TokenType {
    /// Any token except a jwtctl refresh token.
    #[default]
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
    Secret(HmacKeys),
    Public(PublicKey),
    /// A JWKS: the key is picked by the token's `kid` among those that fit its algorithm.
    Set(Vec<JwksKey>),
    /// Any of these (`verify --type any`: the access key or the refresh key). Each is tried; the
    /// token chooses none of them.
    AnyOf(Vec<VerifyingKey>),
}

/// An HMAC secret, with the aws-lc key of each HMAC algorithm built once, on first use (not per
/// token). The secret stays in a [`Secret`], zeroed on drop; aws-lc wipes its key contexts on
/// drop too (`HMAC_CTX_cleanup`).
#[derive(Clone)]
pub struct HmacKeys {
    secret: Secret,
    /// Boxed: an aws-lc HMAC context is over a kilobyte, and most are never built.
    keys: [OnceLock<Box<hmac::Key>>; 3],
}

impl HmacKeys {
    pub fn new(secret: &Secret) -> Self {
        HmacKeys {
            secret: secret.clone(),
            keys: Default::default(),
        }
    }

    /// The aws-lc key for `alg`, or `None` if `alg` is not an HMAC algorithm.
    pub fn key(&self, alg: Alg) -> Option<&hmac::Key> {
        let (slot, algorithm) = match alg {
            Alg::HS256 => (0, hmac::HMAC_SHA256),
            Alg::HS384 => (1, hmac::HMAC_SHA384),
            Alg::HS512 => (2, hmac::HMAC_SHA512),
            _ => return None,
        };
        Some(
            self.keys[slot]
                .get_or_init(|| Box::new(hmac::Key::new(algorithm, self.secret.expose()))),
        )
    }

    /// Checks the MAC in constant time.
    pub fn verify(&self, alg: Alg, message: &[u8], tag: &[u8]) -> bool {
        self.key(alg)
            .is_some_and(|key| hmac::verify(key, message, tag).is_ok())
    }
}

impl VerifyingKey {
    pub fn from_secret(secret: &Secret) -> Self {
        VerifyingKey::Secret(HmacKeys::new(secret))
    }

    /// Checks `signature` over `message` for a token signed with `alg` (already checked to be
    /// allowed). `kid` is only compared with the configured key ids, never used for anything else.
    fn verify(
        &self,
        kid: Option<&Json>,
        alg: Alg,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), TokenError> {
        let valid = match self {
            VerifyingKey::Secret(keys) => keys.verify(alg, message, signature),
            VerifyingKey::Public(key) => key.verify(alg, message, signature),
            // Without a kid, every key that fits the algorithm is tried: providers publish
            // several at once while they rotate.
            VerifyingKey::Set(keys) if kid.is_none() => {
                let mut fitting = keys.iter().filter(|key| key.fits(alg)).peekable();
                if fitting.peek().is_none() {
                    return Err(TokenError::new(
                        RejectKind::Signature,
                        format!("no key in the JWKS fits {alg}"),
                    ));
                }
                fitting.any(|key| key.key.verify(alg, message, signature))
            }
            VerifyingKey::Set(keys) => pick(keys, kid, alg)?.verify(alg, message, signature),
            VerifyingKey::AnyOf(keys) => {
                let mut first_error = None;
                for key in keys {
                    match key.verify(kid, alg, message, signature) {
                        Ok(()) => return Ok(()),
                        Err(error) => {
                            first_error.get_or_insert(error);
                        }
                    }
                }
                return Err(first_error.unwrap_or_else(|| {
                    TokenError::new(RejectKind::Signature, "signature does not match")
                }));
            }
        };
        if valid {
            Ok(())
        } else {
            Err(TokenError::new(
                RejectKind::Signature,
                "signature does not match",
            ))
        }
    }
}

/// The key of a JWKS for a token signed with `alg` and naming `kid`.
fn pick<'k>(
    keys: &'k [JwksKey],
    kid: Option<&Json>,
    alg: Alg,
) -> Result<&'k PublicKey, TokenError> {
    let fitting: Vec<&JwksKey> = keys.iter().filter(|key| key.fits(alg)).collect();
    let reject = |message: String| Err(TokenError::new(RejectKind::Signature, message));
    match kid {
        Some(Json::Str(kid)) => {
            if let Some(key) = fitting
                .iter()
                .find(|key| key.kid.as_deref() == Some(kid.as_ref()))
            {
                return Ok(&key.key);
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
        Some(other) => reject(format!("header kid is {}, not a string", other.type_name())),
        None => reject(format!("no key in the JWKS fits {alg}")),
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
    /// With no `audience`: whether a token that names audiences is accepted anyway. RFC 7519
    /// section 4.1.3 says it must be rejected when the verifier does not identify itself with one
    /// of them; `--any-aud` (and jwtctl's own session checks) accept it on purpose.
    pub any_audience: bool,
    pub subject: Option<String>,
    /// Seconds of tolerance for `exp`, `nbf` and `iat`.
    pub leeway: i64,
    pub token_type: TokenType,
    /// Claims that must be present.
    pub required: Vec<String>,
    /// Skip `exp`, `nbf` and `iat`: only for naming a session to revoke, where an expired
    /// token still identifies a family that may live on.
    pub ignore_time: bool,
    /// Accept a token without `exp` (`verify --allow-no-exp`); one with `exp` is still checked.
    pub allow_no_exp: bool,
}

/// A token whose signature and claims were checked, borrowing from the token and the scratch
/// buffers.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified<'a> {
    pub header: json::Object<'a>,
    pub claims: json::Object<'a>,
}

impl Policy {
    /// Verifies `token` (already normalized) at time `now` (unix seconds), decoding into
    /// `scratch`, which can be reused from token to token.
    ///
    /// The header is parsed and its algorithm checked against the pinned list first; then the
    /// signature is checked over the raw signing input; only then is the payload decoded and
    /// parsed, once, and its claims checked.
    pub fn verify<'a>(
        &self,
        token: &'a str,
        now: i64,
        scratch: &'a mut Scratch,
    ) -> Result<Verified<'a>, TokenError> {
        let segments = token::split(token)?;
        let Scratch {
            header: header_buffer,
            payload: payload_buffer,
            signature: signature_buffer,
        } = scratch;
        let header = token::parse_object(
            token::decode_segment_into(segments[0], 0, header_buffer)?,
            0,
        )?;
        if segments.len() == 5 {
            return Err(TokenError::malformed(
                "token is encrypted (JWE, 5 segments); jwtctl verifies signed tokens (JWS) only",
            ));
        }
        let params = HeaderParams::of(&header)?;
        let alg = self.check_algorithm(params.alg)?;
        if params.crit {
            return Err(TokenError::new(
                RejectKind::Header,
                "header has crit; jwtctl understands no critical extension (RFC 7515 section 4.1.11)",
            ));
        }
        let signature = token::decode_segment_into(segments[2], 2, signature_buffer)?;
        let signing_input = &token.as_bytes()[..segments.signing_input_len()];
        // Like alg and crit, typ can only make the token fail: checked before the signature, a
        // refresh token presented as an access token is named as such, whichever key signed it.
        self.check_type(params.typ)?;
        self.key.verify(params.kid, alg, signing_input, signature)?;
        let claims = token::parse_object(
            token::decode_segment_into(segments[1], 1, payload_buffer)?,
            1,
        )?;
        let registered = Registered::of(&claims).map_err(TokenError::after_signature)?;
        self.check_claims(&claims, &registered, now)
            .map_err(TokenError::after_signature)?;
        Ok(Verified { header, claims })
    }

    fn check_algorithm(&self, alg: Option<&Json>) -> Result<Alg, TokenError> {
        let reject = |message: String| {
            let expected = self
                .algorithms
                .iter()
                .map(|alg| alg.name())
                .collect::<Vec<_>>()
                .join(", ");
            Err(TokenError::new(
                RejectKind::Algorithm,
                format!("{message} (expected {expected})"),
            ))
        };
        let name = match alg {
            Some(Json::Str(name)) => name.as_ref(),
            Some(other) => {
                return reject(format!("header alg is {}, not a string", other.type_name()));
            }
            None => return reject("header has no alg".to_owned()),
        };
        if name.trim().eq_ignore_ascii_case("none") {
            return Err(TokenError::new(
                RejectKind::Algorithm,
                "algorithm none is never accepted: the token is unsigned",
            ));
        }
        match Alg::from_name(name) {
            Some(alg) if self.algorithms.contains(&alg) => Ok(alg),
            Some(alg) => reject(format!("algorithm {alg} is not allowed")),
            None => reject(format!("algorithm {} is not supported", quote(name))),
        }
    }

    fn check_type(&self, typ: Option<&Json>) -> Result<(), TokenError> {
        let typ = match typ {
            None => None,
            Some(Json::Str(typ)) => Some(typ.as_ref()),
            Some(other) => {
                return Err(TokenError::new(
                    RejectKind::Type,
                    format!("header typ is {}, not a string", other.type_name()),
                ));
            }
        };
        let is = |media_type: &str| typ.is_some_and(|typ| same_media_type(typ, media_type));
        let could_be =
            |media_type: &str| typ.is_some_and(|typ| could_be_media_type(typ, media_type));
        let reject = |expected: &str| {
            let shown = typ.map_or_else(|| "missing".to_owned(), quote);
            Err(TokenError::new(
                RejectKind::Type,
                format!("token type (typ) is {shown}, expected {expected}"),
            ))
        };
        match self.token_type {
            TokenType::Any => Ok(()),
            TokenType::NotRefresh if could_be(REFRESH_TYPE) => Err(TokenError::new(
                RejectKind::Type,
                "this is a refresh token; it cannot be used as an access token \
                 (pass --type refresh to check it as one)",
            )),
            TokenType::NotRefresh => Ok(()),
            TokenType::Access if is(ACCESS_TYPE) => Ok(()),
            TokenType::Access => reject(ACCESS_TYPE),
            TokenType::Refresh if is(REFRESH_TYPE) => Ok(()),
            TokenType::Refresh => reject(REFRESH_TYPE),
        }
    }

    fn check_claims(
        &self,
        claims: &json::Object,
        registered: &Registered,
        now: i64,
    ) -> Result<(), TokenError> {
        let exp = registered_date("exp", registered.exp)?;
        let nbf = registered_date("nbf", registered.nbf)?;
        let iat = registered_date("iat", registered.iat)?;
        if !self.ignore_time {
            self.check_time(exp, nbf, iat, now)?;
        }
        let iss = registered_string("iss", registered.iss)?;
        let sub = registered_string("sub", registered.sub)?;
        registered_string("jti", registered.jti)?;
        registered_string("sid", registered.sid)?;
        check_equal("iss", iss, self.issuer.as_deref())?;
        check_equal("sub", sub, self.subject.as_deref())?;
        self.check_audience(registered.aud)?;
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
            None if self.allow_no_exp => {}
            // Claims are checked only once the signature matched, so saying so is true, and
            // tells someone checking a jwt.io example that the key was right.
            None => {
                return Err(TokenError::claim(
                    "the signature matched, but the token has no exp claim; jwtctl requires an \
                     expiry (pass --allow-no-exp to accept tokens without one)",
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

    fn check_audience(&self, aud: Option<&Json>) -> Result<(), TokenError> {
        let audiences: &[Json] = match aud {
            None => &[],
            Some(one @ Json::Str(_)) => std::slice::from_ref(one),
            Some(Json::Array(items)) => {
                if !items.iter().all(|item| matches!(item, Json::Str(_))) {
                    return Err(TokenError::claim(
                        "claim aud is an array that holds something other than strings",
                    ));
                }
                items
            }
            Some(other) => {
                return Err(TokenError::claim(format!(
                    "claim aud is {}, expected a string or an array of strings",
                    other.type_name()
                )));
            }
        };
        if self.audience.is_empty() {
            let named: Vec<String> = audiences
                .iter()
                .filter_map(Json::as_str)
                .map(quote)
                .collect();
            if named.is_empty() || self.any_audience {
                return Ok(());
            }
            return Err(TokenError::claim(format!(
                "token is for audience {}, and no --aud names this verifier (RFC 7519 section 4.1.3); \
                 pass --aud, or --any-aud to accept any audience",
                named.join(", ")
            )));
        }
        let found = || audiences.iter().filter_map(Json::as_str);
        if found().any(|aud| self.audience.iter().any(|want| want == aud)) {
            return Ok(());
        }
        let expected = self
            .audience
            .iter()
            .map(|a| shown_expected(a))
            .collect::<Vec<_>>()
            .join(" or ");
        if audiences.is_empty() {
            return Err(TokenError::claim(format!(
                "claim aud is missing or empty, expected {expected}"
            )));
        }
        Err(TokenError::claim(format!(
            "claim aud is {}, expected {expected}",
            found().map(quote).collect::<Vec<_>>().join(", ")
        )))
    }
}

/// The header parameters verification reads, found in one pass over the header.
#[derive(Default)]
struct HeaderParams<'o, 'a> {
    alg: Option<&'o Json<'a>>,
    typ: Option<&'o Json<'a>>,
    kid: Option<&'o Json<'a>>,
    crit: bool,
}

impl<'o, 'a> HeaderParams<'o, 'a> {
    /// Refuses a header that names a parameter twice (RFC 7515 section 4).
    fn of(header: &'o json::Object<'a>) -> Result<Self, TokenError> {
        let mut params = HeaderParams::default();
        let mut previous: Option<&str> = None;
        for (name, value) in header.members() {
            if previous == Some(name.as_ref()) {
                return Err(TokenError::malformed(format!(
                    "segment 1 (header) has {} more than once (RFC 7515 section 4)",
                    quote(name)
                )));
            }
            previous = Some(name);
            match name.as_ref() {
                "alg" => params.alg = Some(value),
                "typ" => params.typ = Some(value),
                "kid" => params.kid = Some(value),
                // Any value, even [], is refused: jwtctl understands no extension.
                "crit" => params.crit = true,
                // jku, x5u, jwk and x5c are ignored: keys never come from the token.
                _ => {}
            }
        }
        Ok(params)
    }
}

/// The registered claims verification checks, found in one pass over the claims: a typed view
/// borrowing from the parsed payload.
#[derive(Default)]
struct Registered<'o, 'a> {
    exp: Option<&'o Json<'a>>,
    nbf: Option<&'o Json<'a>>,
    iat: Option<&'o Json<'a>>,
    iss: Option<&'o Json<'a>>,
    sub: Option<&'o Json<'a>>,
    aud: Option<&'o Json<'a>>,
    jti: Option<&'o Json<'a>>,
    sid: Option<&'o Json<'a>>,
}

impl<'o, 'a> Registered<'o, 'a> {
    /// Refuses claims that name any claim twice (RFC 7519 section 4): a verifier and the
    /// application behind it could otherwise read different values of the same claim.
    fn of(claims: &'o json::Object<'a>) -> Result<Self, TokenError> {
        let mut registered = Registered::default();
        let mut previous: Option<&str> = None;
        for (name, value) in claims.members() {
            if previous == Some(name.as_ref()) {
                return Err(TokenError::malformed(format!(
                    "segment 2 (payload) has claim {} more than once (RFC 7519 section 4)",
                    quote(name)
                )));
            }
            previous = Some(name);
            let slot = match name.as_ref() {
                "exp" => &mut registered.exp,
                "nbf" => &mut registered.nbf,
                "iat" => &mut registered.iat,
                "iss" => &mut registered.iss,
                "sub" => &mut registered.sub,
                "aud" => &mut registered.aud,
                "jti" => &mut registered.jti,
                "sid" => &mut registered.sid,
                _ => continue,
            };
            *slot = Some(value);
        }
        Ok(registered)
    }
}

fn registered_date(name: &str, value: Option<&Json>) -> Result<Option<i64>, TokenError> {
    match value {
        None => Ok(None),
        Some(Json::Number(number)) => Ok(Some(seconds(number))),
        Some(other) => Err(wrong_date_type(name, other.type_name())),
    }
}

fn registered_string<'j>(
    name: &str,
    value: Option<&'j Json>,
) -> Result<Option<&'j str>, TokenError> {
    match value {
        None => Ok(None),
        Some(Json::Str(value)) => Ok(Some(value)),
        Some(other) => Err(TokenError::claim(format!(
            "claim {name} is {}, expected a string",
            other.type_name()
        ))),
    }
}

/// Compares media types as RFC 7515 section 4.1.9 says: case-insensitively, `application/`
/// optional. This is the test a token must pass to be taken as a given type.
pub fn same_media_type(found: &str, expected: &str) -> bool {
    // Without allocating: this runs for every token of a batch.
    let strip = |value: &str| -> (bool, usize) {
        let prefixed = value
            .get(..12)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("application/"));
        (prefixed, if prefixed { 12 } else { 0 })
    };
    let ((_, found_start), (_, expected_start)) = (strip(found), strip(expected));
    match (found.get(found_start..), expected.get(expected_start..)) {
        (Some(found), Some(expected)) => found.eq_ignore_ascii_case(expected),
        _ => false,
    }
}

/// Whether `found` could be taken for the media type `expected` by any reader: as
/// [`same_media_type`], and also with surrounding space or parameters (`;v=1`). What is refused
/// by type (a refresh token where an access token is expected) is refused by this test, so that
/// spacing cannot slip one past.
pub fn could_be_media_type(found: &str, expected: &str) -> bool {
    let essence = found.split(';').next().unwrap_or_default().trim();
    same_media_type(essence, expected)
}

/// Reads a NumericDate claim: absent, or a JSON number (fractions are truncated toward the past).
pub fn numeric_date(claims: &json::Object, name: &str) -> Result<Option<i64>, TokenError> {
    match claims.get(name) {
        None => Ok(None),
        Some(Json::Number(number)) => Ok(Some(seconds(number))),
        Some(other) => Err(wrong_date_type(name, other.type_name())),
    }
}

fn seconds(number: &serde_json::Number) -> i64 {
    match number.as_i64() {
        Some(seconds) => seconds,
        // Saturating: 1e300 is "never", -1e300 is "long ago".
        None => number
            .as_f64()
            .map_or(i64::MAX, |seconds| seconds.floor() as i64),
    }
}

fn wrong_date_type(name: &str, found: &str) -> TokenError {
    TokenError::claim(format!(
        "claim {name} is {found}, expected a number of seconds"
    ))
}

fn check_equal(name: &str, found: Option<&str>, expected: Option<&str>) -> Result<(), TokenError> {
    let Some(expected) = expected else {
        return Ok(());
    };
    match found {
        Some(found) if found == expected => Ok(()),
        Some(found) => Err(TokenError::claim(format!(
            "claim {name} is {}, expected {}",
            quote(found),
            shown_expected(expected)
        ))),
        None => Err(TokenError::claim(format!(
            "claim {name} is missing, expected {}",
            shown_expected(expected)
        ))),
    }
}

/// A value the user typed (`--aud`, `--iss`, `--sub`), quoted, or only described when it looks
/// like a secret or a token pasted into the wrong option: a rejection never repeats one.
fn shown_expected(value: &str) -> String {
    match super::text::sensitive(value) {
        Some(_) => super::text::describe(value),
        None => quote(value),
    }
}

pub use super::text::quote;

#[cfg(test)]
mod tests {
    use super::*;

    use crate::jwt::token::encode_segment;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const NOW: i64 = 1_800_000_000;

    fn policy() -> Policy {
        Policy {
            algorithms: vec![Alg::HS256],
            key: VerifyingKey::from_secret(&Secret::new(SECRET.to_vec())),
            issuer: None,
            audience: Vec::new(),
            any_audience: false,
            subject: None,
            leeway: 0,
            token_type: TokenType::NotRefresh,
            required: Vec::new(),
            ignore_time: false,
            allow_no_exp: false,
        }
    }

    /// Signs `header.payload`, written by hand, with HS256 and `SECRET`.
    fn forge(header: &str, payload: &str) -> String {
        let input = format!(
            "{}.{}",
            encode_segment(header.as_bytes()),
            encode_segment(payload.as_bytes())
        );
        let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET);
        let tag = hmac::sign(&key, input.as_bytes());
        format!("{input}.{}", encode_segment(tag.as_ref()))
    }

    fn rejection(token: &str) -> TokenError {
        policy()
            .verify(token, NOW, &mut Scratch::default())
            .expect_err("rejected")
    }

    const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

    #[test]
    fn accepts_a_good_token_and_keeps_its_claims() {
        let token = forge(
            HEADER,
            r#"{"exp":1800000300,"sub":"alice","n":[1,{"b":2,"a":1}]}"#,
        );
        let mut scratch = Scratch::default();
        let verified = policy().verify(&token, NOW, &mut scratch).expect("valid");
        assert_eq!(
            serde_json::to_string(&verified.claims).unwrap(),
            r#"{"exp":1800000300,"n":[1,{"a":1,"b":2}],"sub":"alice"}"#
        );
        assert_eq!(
            verified.header.get("alg").and_then(Json::as_str),
            Some("HS256")
        );
    }

    #[test]
    fn refuses_a_claim_given_twice() {
        for payload in [
            r#"{"exp":1800000300,"exp":1}"#,
            r#"{"exp":1,"exp":1800000300}"#,
            r#"{"exp":1800000300,"\u0065xp":1800000300}"#,
            r#"{"exp":1800000300,"sub":"alice","sub":"admin"}"#,
            r#"{"exp":1800000300,"role":"user","role":"admin"}"#,
        ] {
            let error = rejection(&forge(HEADER, payload));
            assert_eq!(error.kind, RejectKind::Malformed, "{payload}");
            assert!(
                error.message.contains("more than once"),
                "{payload}: {error}"
            );
        }
    }

    #[test]
    fn refuses_a_header_parameter_given_twice() {
        let error = rejection(&forge(
            r#"{"alg":"HS256","alg":"HS256"}"#,
            r#"{"exp":1800000300}"#,
        ));
        assert!(error.message.contains("segment 1 (header)"), "{error}");
        let error = rejection(&forge(
            r#"{"alg":"none","alg":"HS256"}"#,
            r#"{"exp":1800000300}"#,
        ));
        assert!(error.message.contains("more than once"), "{error}");
    }

    #[test]
    fn checks_the_signature_before_reading_the_payload() {
        let token = forge(HEADER, "not json at all");
        assert_eq!(rejection(&token).kind, RejectKind::Malformed);
        let (input, _) = token.rsplit_once('.').unwrap();
        let forged = format!("{input}.{}", encode_segment(&[0; 32]));
        assert_eq!(rejection(&forged).kind, RejectKind::Signature);
    }

    #[test]
    fn time_claims_keep_their_rules() {
        let expired = rejection(&forge(HEADER, r#"{"exp":1800000000}"#));
        assert_eq!(expired.kind, RejectKind::Expired, "exp == now is expired");
        assert!(
            policy()
                .verify(
                    &forge(HEADER, r#"{"exp":1800000001}"#),
                    NOW,
                    &mut Scratch::default()
                )
                .is_ok()
        );
        for payload in [
            r#"{"exp":"1800000300"}"#,
            r#"{"exp":null}"#,
            r#"{"exp":1800000300,"nbf":null}"#,
            r#"{"exp":1800000300,"nbf":{}}"#,
            r#"{"exp":1800000300,"iat":true}"#,
        ] {
            assert_eq!(
                rejection(&forge(HEADER, payload)).kind,
                RejectKind::Claim,
                "{payload}"
            );
        }
        assert_eq!(
            rejection(&forge(HEADER, r#"{"exp":1800000300,"nbf":1800000001}"#)).kind,
            RejectKind::NotYetValid
        );
        assert_eq!(
            rejection(&forge(HEADER, r#"{}"#)).kind,
            RejectKind::Claim,
            "exp is required"
        );
    }

    #[test]
    fn the_pinned_algorithm_and_crit_still_hold() {
        for header in [
            r#"{"alg":"none"}"#,
            r#"{"alg":"HS512"}"#,
            r#"{"alg":"hs256"}"#,
            r#"{"alg":null}"#,
            r#"{}"#,
        ] {
            assert_eq!(
                rejection(&forge(header, r#"{"exp":1800000300}"#)).kind,
                RejectKind::Algorithm,
                "{header}"
            );
        }
        assert_eq!(
            rejection(&forge(
                r#"{"alg":"HS256","crit":[]}"#,
                r#"{"exp":1800000300}"#
            ))
            .kind,
            RejectKind::Header
        );
    }

    #[test]
    fn reusing_the_buffers_changes_nothing() {
        let policy = policy();
        let mut reused = Scratch::default();
        for payload in [r#"{"exp":1800000300,"sub":"a"}"#, r#"{"exp":1}"#, "[]"] {
            let token = forge(HEADER, payload);
            let first = policy
                .verify(&token, NOW, &mut reused)
                .map(|verified| serde_json::to_string(&verified.claims).unwrap());
            let fresh = policy
                .verify(&token, NOW, &mut Scratch::default())
                .map(|verified| serde_json::to_string(&verified.claims).unwrap());
            assert_eq!(first, fresh, "{payload}");
        }
    }

    #[test]
    fn media_types_compare_as_rfc_7515_says() {
        for typ in ["refresh+jwt", "REFRESH+JWT", "application/Refresh+JWT"] {
            assert!(same_media_type(typ, REFRESH_TYPE), "{typ:?}");
            assert!(could_be_media_type(typ, REFRESH_TYPE), "{typ:?}");
        }
        for typ in [
            " refresh+jwt",
            "refresh+jwt ",
            "refresh+jwt;v=1",
            "application/Refresh+JWT ; charset=x",
        ] {
            assert!(!same_media_type(typ, REFRESH_TYPE), "{typ:?}");
            assert!(could_be_media_type(typ, REFRESH_TYPE), "{typ:?}");
        }
        for typ in ["at+jwt", "refresh", "refresh+jwtx", "x/refresh+jwt", ""] {
            assert!(!could_be_media_type(typ, REFRESH_TYPE), "{typ:?}");
        }
    }

    #[test]
    fn a_refresh_token_in_disguise_is_not_an_access_token() {
        for typ in [" refresh+jwt", "refresh+jwt;v=1", "refresh+jwt\\u0009"] {
            let header = format!(r#"{{"alg":"HS256","typ":"{typ}"}}"#);
            let error = rejection(&forge(&header, r#"{"exp":1800000300}"#));
            assert_eq!(error.kind, RejectKind::Type, "{typ:?}");
        }
    }
}
