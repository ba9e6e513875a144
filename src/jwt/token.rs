//! Splitting and decoding compact serializations, strictly, without trusting anything in them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::error::TokenError;
use super::json::{self, Json};

/// Inputs longer than this are refused before any decoding. Real tokens are a few hundred bytes;
/// a header carrying a certificate chain can reach a few kilobytes.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

const SEGMENT_NAMES: [&str; 5] = [
    "header",
    "payload",
    "signature",
    "initialization vector",
    "authentication tag",
];

/// Removes what people paste around a token: surrounding whitespace, a pair of single or double
/// quotes (copied from JSON or a shell line), and a leading `Bearer `.
pub fn normalize(input: &str) -> &str {
    let trimmed = unquote(input.trim());
    let token = match trimmed.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => trimmed[7..].trim_start(),
        _ => trimmed,
    };
    unquote(token)
}

/// `text` without one pair of matching quotes around it; a quote on one side only stays.
fn unquote(text: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = text
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner.trim();
        }
    }
    text
}

/// The segments of a 3-part JWS or a 5-part JWE, found without allocating.
#[derive(Debug, Clone, Copy)]
pub struct Segments<'t> {
    parts: [&'t str; 5],
    count: usize,
}

impl<'t> Segments<'t> {
    pub fn as_slice(&self) -> &[&'t str] {
        &self.parts[..self.count]
    }

    /// 3 for a JWS, 5 for a JWE.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// `BASE64URL(header) || '.' || BASE64URL(payload)`: the bytes a JWS signature covers.
    pub fn signing_input_len(&self) -> usize {
        self.parts[0].len() + 1 + self.parts[1].len()
    }
}

impl<'t> std::ops::Index<usize> for Segments<'t> {
    type Output = &'t str;
    fn index(&self, index: usize) -> &&'t str {
        &self.as_slice()[index]
    }
}

/// Checks the size, splits on dots and checks every character, naming the segment at fault.
/// Returns the segments of a 3-part JWS or a 5-part JWE, found without allocating.
pub fn split(token: &str) -> Result<Segments<'_>, TokenError> {
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
    let bytes = token.as_bytes();
    let mut dots = [0usize; 4];
    let mut found = 1;
    for position in memchr::memchr_iter(b'.', bytes) {
        if let Some(slot) = dots.get_mut(found - 1) {
            *slot = position;
        }
        found += 1;
    }
    if found != 3 && found != 5 {
        return Err(TokenError::malformed(format!(
            "expected 3 segments separated by dots (header.payload.signature), found {found}"
        )));
    }
    let mut segments = Segments {
        parts: [""; 5],
        count: found,
    };
    let mut start = 0;
    for (index, slot) in segments.parts[..found].iter_mut().enumerate() {
        let end = if index + 1 < found {
            dots[index]
        } else {
            token.len()
        };
        // Dots are ASCII: these are character boundaries.
        *slot = &token[start..end];
        start = end + 1;
    }
    if all_base64url_or_dot(bytes) {
        return Ok(segments);
    }
    // Only a token that fails is looked at again, to name the segment and the character.
    for (index, segment) in segments.as_slice().iter().enumerate() {
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

const BASE64URL: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        byte += 1;
    }
    table
};

fn is_base64url(byte: u8) -> bool {
    BASE64URL[byte as usize]
}

/// Whether every byte is of the base64url alphabet or a dot. Blocks of 32 bytes are checked
/// lane by lane into an accumulator, which the compiler turns into vector instructions; the rest
/// goes through a table.
fn all_base64url_or_dot(bytes: &[u8]) -> bool {
    let outside = |byte: u8| {
        let digit = byte.wrapping_sub(b'0') < 10;
        let upper = byte.wrapping_sub(b'A') < 26;
        let lower = byte.wrapping_sub(b'a') < 26;
        let other = (byte == b'-') | (byte == b'_') | (byte == b'.');
        u8::from(!(digit | upper | lower | other))
    };
    let mut lanes = [0u8; 32];
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        for (lane, &byte) in lanes.iter_mut().zip(block) {
            *lane |= outside(byte);
        }
    }
    let mut found = lanes.iter().fold(0, |found, &lane| found | lane);
    for &byte in blocks.remainder() {
        found |= OUTSIDE[byte as usize];
    }
    found == 0
}

/// 1 for a byte that is neither base64url nor a dot.
const OUTSIDE: [u8; 256] = {
    let mut table = [1u8; 256];
    let mut byte = 0;
    while byte < 256 {
        if BASE64URL[byte] || byte == b'.' as usize {
            table[byte] = 0;
        }
        byte += 1;
    }
    table
};

/// The value of each base64url character, or `INVALID`.
const INVALID: u8 = 0xff;
const BASE64URL_VALUES: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut table = [INVALID; 256];
    let mut index = 0;
    while index < 64 {
        table[alphabet[index] as usize] = index as u8;
        index += 1;
    }
    table
};

/// Strict base64url without padding, into the end of `out`: `false` for anything the base64
/// crate's `URL_SAFE_NO_PAD` refuses (a character outside the alphabet, a length of 1 mod 4, set
/// bits after the last full byte), which then reports why.
fn decode_base64url(input: &[u8], out: &mut Vec<u8>) -> bool {
    let tail = input.len() % 4;
    if tail == 1 {
        return false;
    }
    let full = input.len() - tail;
    let start = out.len();
    out.resize(start + full / 4 * 3 + tail.saturating_sub(1), 0);
    let (body, rest) = out[start..].split_at_mut(full / 4 * 3);
    let mut bad = 0u8;
    for (quad, triple) in input[..full].chunks_exact(4).zip(body.chunks_exact_mut(3)) {
        let [a, b, c, d] =
            [quad[0], quad[1], quad[2], quad[3]].map(|x| BASE64URL_VALUES[x as usize]);
        bad |= a | b | c | d;
        let bits = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d);
        triple.copy_from_slice(&bits.to_be_bytes()[1..]);
    }
    // The bits of the last character past the last full byte must be zero: otherwise another
    // string would decode to the same bytes.
    let mut stray = 0u8;
    match input[full..] {
        [a, b] => {
            let [a, b] = [a, b].map(|x| BASE64URL_VALUES[x as usize]);
            bad |= a | b;
            stray = b & 0x0f;
            rest[0] = a << 2 | b >> 4;
        }
        [a, b, c] => {
            let [a, b, c] = [a, b, c].map(|x| BASE64URL_VALUES[x as usize]);
            bad |= a | b | c;
            stray = c & 0x03;
            rest[0] = a << 2 | b >> 4;
            rest[1] = b << 4 | c >> 2;
        }
        _ => {}
    }
    // Every valid value is below 64: a set top bit means a character outside the alphabet.
    bad & 0xc0 == 0 && stray == 0
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
    let mut bytes = Vec::new();
    decode_segment_into(segment, index, &mut bytes)?;
    Ok(bytes)
}

/// [`decode_segment`] into a buffer that is reused from token to token.
pub fn decode_segment_into<'b>(
    segment: &str,
    index: usize,
    buffer: &'b mut Vec<u8>,
) -> Result<&'b [u8], TokenError> {
    buffer.clear();
    if decode_base64url(segment.as_bytes(), buffer) {
        return Ok(buffer);
    }
    // The base64 crate says why; it is the reference the fast path is tested against.
    buffer.clear();
    URL_SAFE_NO_PAD
        .decode_vec(segment, buffer)
        .map_err(|error| {
            TokenError::malformed(format!(
                "segment {} ({}) is not valid base64url: {}",
                index + 1,
                SEGMENT_NAMES[index],
                error
            ))
        })?;
    Ok(buffer)
}

/// Parses a decoded segment as a UTF-8 JSON object, into a tree borrowing from `bytes` that
/// remembers names given twice.
pub fn parse_object(bytes: &[u8], index: usize) -> Result<json::Object<'_>, TokenError> {
    let name = SEGMENT_NAMES[index];
    let value = Json::parse(bytes).map_err(|error| {
        TokenError::malformed(format!(
            "segment {} ({name}) is not valid JSON: {error}",
            index + 1
        ))
    })?;
    match value {
        Json::Object(object) => Ok(object),
        other => Err(TokenError::malformed(format!(
            "segment {} ({name}) is JSON {}, not an object",
            index + 1,
            other.type_name()
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

/// Buffers for the decoded segments, reused from token to token.
#[derive(Debug, Default)]
pub struct Scratch {
    pub header: Vec<u8>,
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
}

/// A token as `decode` sees it, borrowing from the token and the scratch buffers. Nothing in it
/// has been verified.
#[derive(Debug)]
pub enum View<'a> {
    /// A JWS.
    Signed {
        header: json::Object<'a>,
        payload: json::Object<'a>,
        /// The signature as it appears in the token, checked to be canonical base64url.
        signature: &'a str,
        /// `BASE64URL(header) || '.' || BASE64URL(payload)`: the bytes the signature covers.
        signing_input_len: usize,
    },
    /// A JWE, whose payload is opaque.
    Encrypted { header: json::Object<'a> },
}

/// How many bytes a canonical base64url text decodes to.
pub fn decoded_len(text: &str) -> usize {
    text.len() / 4 * 3 + (text.len() % 4).saturating_sub(1)
}

/// Decodes a token without verifying anything: the header and payload parsed, the signature
/// checked to be canonical base64url but not decoded (nothing here uses its bytes).
pub fn decode<'a>(token: &'a str, scratch: &'a mut Scratch) -> Result<View<'a>, TokenError> {
    let segments = split(token)?;
    let Scratch {
        header: header_buffer,
        payload: payload_buffer,
        ..
    } = scratch;
    let header = parse_object(decode_segment_into(segments[0], 0, header_buffer)?, 0)?;
    if segments.len() == 5 {
        return Ok(View::Encrypted { header });
    }
    let payload = parse_object(decode_segment_into(segments[1], 1, payload_buffer)?, 1)?;
    check_segment(segments[2], 2)?;
    Ok(View::Signed {
        header,
        payload,
        signature: segments[2],
        signing_input_len: segments.signing_input_len(),
    })
}

/// Whether a segment whose alphabet [`split`] checked is canonical base64url: not
/// 1 mod 4 long, and no set bits after the last full byte. On failure, the base64 crate says why.
fn check_segment(segment: &str, index: usize) -> Result<(), TokenError> {
    let bytes = segment.as_bytes();
    let last = bytes
        .last()
        .map_or(0, |&byte| BASE64URL_VALUES[byte as usize]);
    let canonical = match bytes.len() % 4 {
        1 => false,
        2 => last & 0x0f == 0,
        3 => last & 0x03 == 0,
        _ => true,
    };
    if canonical && last != INVALID {
        return Ok(());
    }
    decode_segment_into(segment, index, &mut Vec::new()).map(|_| ())
}

/// base64url without padding, as every segment is written.
pub fn encode_segment(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(token: &str) -> Result<String, TokenError> {
        let mut scratch = Scratch::default();
        super::decode(token, &mut scratch).map(|view| format!("{view:?}"))
    }

    fn message(result: Result<String, TokenError>) -> String {
        match result {
            Err(error) => error.message,
            Ok(decoded) => panic!("expected an error, got {decoded}"),
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

    /// The fast decoder against the base64 crate: the same bytes, or both refuse.
    fn agrees_with_the_crate(text: &str) {
        let mut fast = vec![9];
        let ok = decode_base64url(text.as_bytes(), &mut fast);
        let reference = URL_SAFE_NO_PAD.decode(text);
        assert_eq!(ok, reference.is_ok(), "{text:?}");
        if let Ok(bytes) = reference {
            assert_eq!(fast[1..], bytes[..], "{text:?}");
        }
    }

    #[test]
    fn fast_base64url_agrees_on_every_short_input() {
        let characters: Vec<char> =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. \u{e9}"
                .chars()
                .collect();
        agrees_with_the_crate("");
        for a in &characters {
            agrees_with_the_crate(&format!("{a}"));
            for b in &characters {
                agrees_with_the_crate(&format!("{a}{b}"));
                agrees_with_the_crate(&format!("QUJD{a}{b}"));
                for c in &characters {
                    agrees_with_the_crate(&format!("{a}{b}{c}"));
                    agrees_with_the_crate(&format!("{a}{b}{c}A"));
                }
            }
        }
    }

    #[test]
    fn checking_a_signature_agrees_with_decoding_it() {
        let characters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for a in characters.chars() {
            for b in characters.chars() {
                for text in [
                    format!("QUJD{a}{b}"),
                    format!("Q{a}{b}"),
                    format!("{a}"),
                    format!("{a}{b}AA"),
                ] {
                    let checked = check_segment(&text, 2);
                    let decoded = decode_segment(&text, 2).map(|_| ());
                    assert_eq!(checked, decoded, "{text}");
                }
            }
        }
        assert_eq!(check_segment("", 2), Ok(()));
    }

    proptest::proptest! {
        #[test]
        fn fast_base64url_agrees_on_any_input(text in "[A-Za-z0-9_-]{0,80}|[ -~]{0,40}") {
            agrees_with_the_crate(&text);
        }

        #[test]
        fn split_agrees_with_a_plain_split(text in "[A-Za-z0-9_.=+/ -]{1,60}") {
            let result = split(&text).map(|segments| segments.as_slice().to_vec());
            let plain: Vec<&str> = text.split('.').collect();
            let allowed = |s: &&str| s.bytes().all(is_base64url);
            match result {
                Ok(segments) => {
                    proptest::prop_assert_eq!(&segments, &plain);
                    proptest::prop_assert!(plain.iter().all(allowed));
                }
                Err(_) => proptest::prop_assert!(
                    !(plain.len() == 3 || plain.len() == 5) || !plain.iter().all(allowed)
                ),
            }
        }
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
            let token = format!("e30.{payload}.c2ln");
            let mut scratch = Scratch::default();
            let Ok(View::Signed { payload, .. }) = super::decode(&token, &mut scratch) else {
                panic!("{number} did not decode");
            };
            let n = payload.get("n").map(|n| n.to_value());
            assert_eq!(n.and_then(|n| n.as_f64()), Some(number), "{json}");
        }
    }

    #[test]
    fn recognises_an_encrypted_token() {
        let header = encode_segment(br#"{"alg":"dir","enc":"A128GCM"}"#);
        let token = format!("{header}..aXY.Y2lwaGVy.dGFn");
        let mut scratch = Scratch::default();
        let decoded = super::decode(&token, &mut scratch);
        assert!(matches!(decoded, Ok(View::Encrypted { .. })));
    }
}
