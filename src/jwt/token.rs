//! Splitting and decoding compact serializations, strictly, without trusting anything in them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::error::TokenError;

/// Inputs longer than this are refused before any decoding. Real tokens are a few hundred bytes;
/// a header carrying a certificate chain can reach a few kilobytes.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// A JSON object, as found in a header or payload.
pub type Object = Map<String, Value>;

/// What `decode` found: a signed token (JWS) or an encrypted one (JWE), whose payload is opaque.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    Signed(SignedToken),
    Encrypted { header: Object },
}

/// A compact JWS split into its parts. Nothing here has been verified.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedToken {
    pub header: Object,
    pub payload: Object,
    /// The signature bytes, decoded.
    pub signature: Vec<u8>,
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`, the bytes the signature covers.
    pub signing_input_len: usize,
}

const SEGMENT_NAMES: [&str; 5] = [
    "header",
    "payload",
    "signature",
    "initialization vector",
    "authentication tag",
];

/// Removes what people paste around a token: surrounding whitespace and a leading `Bearer `.
pub fn normalize(input: &str) -> &str {
    let trimmed = input.trim();
    let lower_prefix = trimmed.get(..7).map(str::to_ascii_lowercase);
    match lower_prefix.as_deref() {
        Some("bearer ") => trimmed[7..].trim_start(),
        _ => trimmed,
    }
}

/// Checks the size, splits on dots and checks every character, naming the segment at fault.
/// Returns the segments of a 3-part JWS or a 5-part JWE.
pub fn split(token: &str) -> Result<Vec<&str>, TokenError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(TokenError::malformed(format!(
            "token is {} bytes, more than the limit of {} bytes",
            token.len(),
            MAX_TOKEN_BYTES
        )));
    }
    if token.is_empty() {
        return Err(TokenError::malformed("token is empty"));
    }
    if token.starts_with('{') {
        return Err(TokenError::malformed(
            "token is JSON; only the compact serialization (header.payload.signature) is supported",
        ));
    }
    let segments: Vec<&str> = token.split('.').collect();
    if segments.len() != 3 && segments.len() != 5 {
        return Err(TokenError::malformed(format!(
            "expected 3 segments separated by dots (header.payload.signature), found {}",
            segments.len()
        )));
    }
    for (index, segment) in segments.iter().enumerate() {
        if let Some(position) = segment.bytes().position(|b| !is_base64url(b)) {
            let character = segment[position..].chars().next().unwrap_or('?');
            return Err(TokenError::malformed(format!(
                "segment {} ({}) has {} at position {}: not base64url{}",
                index + 1,
                SEGMENT_NAMES[index],
                describe_char(character),
                position + 1,
                hint_for(character)
            )));
        }
    }
    Ok(segments)
}

fn is_base64url(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

fn describe_char(character: char) -> String {
    if character.is_ascii_graphic() {
        format!("character '{character}'")
    } else {
        format!("character U+{:04X}", character as u32)
    }
}

fn hint_for(character: char) -> &'static str {
    match character {
        '=' => " (base64url in JWTs has no padding)",
        '+' | '/' => " (standard base64, not base64url)",
        '\n' | '\r' => " (more than one line: pass one token, or use --batch for many)",
        c if c.is_whitespace() => " (whitespace inside the token)",
        _ => "",
    }
}

/// Decodes one segment strictly: no padding, no standard-alphabet characters, and no set bits
/// after the last full byte (a non-canonical encoding is another string for the same bytes).
pub fn decode_segment(segment: &str, index: usize) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD.decode(segment).map_err(|error| {
        TokenError::malformed(format!(
            "segment {} ({}) is not valid base64url: {}",
            index + 1,
            SEGMENT_NAMES[index],
            error
        ))
    })
}

/// Parses a decoded segment as a UTF-8 JSON object.
pub fn parse_object(bytes: &[u8], index: usize) -> Result<Object, TokenError> {
    let name = SEGMENT_NAMES[index];
    let value: Value = serde_json::from_slice(bytes).map_err(|error| {
        TokenError::malformed(format!(
            "segment {} ({name}) is not valid JSON: {error}",
            index + 1
        ))
    })?;
    match value {
        Value::Object(object) => Ok(object),
        other => Err(TokenError::malformed(format!(
            "segment {} ({name}) is JSON {}, not an object",
            index + 1,
            json_type_name(&other)
        ))),
    }
}

/// "a string", "an array", ...: for messages about values of the wrong type.
pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Decodes a token without verifying anything: for `decode`, and the first step of `verify`.
pub fn decode(token: &str) -> Result<Decoded, TokenError> {
    let segments = split(token)?;
    let header = parse_object(&decode_segment(segments[0], 0)?, 0)?;
    if segments.len() == 5 {
        return Ok(Decoded::Encrypted { header });
    }
    let payload = parse_object(&decode_segment(segments[1], 1)?, 1)?;
    let signature = decode_segment(segments[2], 2)?;
    Ok(Decoded::Signed(SignedToken {
        header,
        payload,
        signature,
        signing_input_len: segments[0].len() + 1 + segments[1].len(),
    }))
}

/// base64url without padding, as every segment is written.
pub fn encode_segment(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<Decoded, TokenError>) -> String {
        match result {
            Err(error) => error.message,
            Ok(decoded) => panic!("expected an error, got {decoded:?}"),
        }
    }

    #[test]
    fn strips_bearer_and_whitespace() {
        assert_eq!(normalize("  Bearer a.b.c\n"), "a.b.c");
        assert_eq!(normalize("bearer   a.b.c"), "a.b.c");
        assert_eq!(normalize("a.b.c\r\n"), "a.b.c");
        assert_eq!(normalize("Bearera.b.c"), "Bearera.b.c");
    }

    #[test]
    fn counts_segments() {
        assert!(message(decode("a.b")).contains("found 2"));
        assert!(message(decode("a.b.c.d")).contains("found 4"));
        assert!(message(decode("")).contains("empty"));
    }

    #[test]
    fn names_the_segment_with_a_bad_character() {
        let error = message(decode("eyJhIjoxfQ.eyJhIjoxfQ=.c2ln"));
        assert!(error.contains("segment 2 (payload)"), "{error}");
        assert!(error.contains("padding"), "{error}");
        let error = message(decode("eyJhIjoxfQ.eyJhIjoxfQ.c2+n"));
        assert!(error.contains("segment 3 (signature)"), "{error}");
    }

    #[test]
    fn refuses_non_canonical_base64url() {
        // "eyJhIjoxfR" decodes to {"a":1} plus set trailing bits: the canonical form ends in "Q".
        let error = message(decode("eyJhIjoxfR.eyJhIjoxfQ.c2ln"));
        assert!(
            error.contains("segment 1 (header) is not valid base64url"),
            "{error}"
        );
    }

    #[test]
    fn refuses_json_that_is_not_an_object() {
        let array = encode_segment(b"[1]");
        let error = message(decode(&format!("{array}.{array}.c2ln")));
        assert!(
            error.contains("segment 1 (header) is JSON an array"),
            "{error}"
        );
        let bom = encode_segment("\u{feff}{}".as_bytes());
        let error = message(decode(&format!("{bom}.e30.c2ln")));
        assert!(error.contains("not valid JSON"), "{error}");
    }

    #[test]
    fn refuses_oversized_input_before_decoding() {
        let huge = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert!(message(decode(&huge)).contains("limit of 65536 bytes"));
    }

    #[test]
    fn numbers_read_back_exactly_as_they_were_written() {
        // Found by tests/properties.rs: without serde_json's float_roundtrip feature, a float with
        // a large exponent read back one unit in the last place off what the issuer signed.
        for number in [
            2.2326680727890358e41,
            -4.353996669499773e64,
            -6.2663577648418475e230,
        ] {
            // serde_json writes the shortest text that reads back as the same f64.
            let json = serde_json::json!({ "n": number }).to_string();
            let payload = encode_segment(json.as_bytes());
            let Ok(Decoded::Signed(signed)) = decode(&format!("e30.{payload}.c2ln")) else {
                panic!("{number} did not decode");
            };
            assert_eq!(signed.payload["n"].as_f64(), Some(number), "{json}");
        }
    }

    #[test]
    fn recognises_an_encrypted_token() {
        let header = encode_segment(br#"{"alg":"dir","enc":"A128GCM"}"#);
        let decoded = decode(&format!("{header}..aXY.Y2lwaGVy.dGFn"));
        assert!(matches!(decoded, Ok(Decoded::Encrypted { .. })));
    }
}
