//! `token::normalize`, `token::split` and `token::decode` on arbitrary input, and what `jwtctl
//! decode` computes from a decoded token (`problems`, `decode_json`).
//!
//! Each input is tried three ways: as token text, normalized, and split at NUL bytes into a
//! header, a payload and a signature that are base64url-encoded here, so the fuzzer reaches the
//! JSON and claim handling without having to discover base64 itself.

#![no_main]

use jwtctl::commands::decode::{decode_json, problems};
use jwtctl::jwt::token::{self, Decoded};
use libfuzzer_sys::fuzz_target;

/// A fixed "now" (2027-01-15), as a command would have read it from the clock.
const NOW: i64 = 1_800_000_000;

fn check(text: &str) {
    let split = token::split(text);
    match token::decode(text) {
        Ok(decoded) => {
            let segments = split.expect("a token that decodes also splits");
            // Strict base64url: every decoded segment is the one canonical encoding of its bytes.
            let header = token::decode_segment(segments[0], 0).expect("header decodes");
            assert_eq!(token::encode_segment(&header), segments[0]);
            if let Decoded::Signed(signed) = &decoded {
                assert_eq!(segments.len(), 3);
                assert_eq!(
                    signed.signing_input_len,
                    segments[0].len() + 1 + segments[1].len()
                );
                let payload = token::decode_segment(segments[1], 1).expect("payload decodes");
                assert_eq!(token::encode_segment(&payload), segments[1]);
                assert_eq!(token::encode_segment(&signed.signature), segments[2]);
                let _ = problems(signed, NOW);
            } else {
                assert_eq!(segments.len(), 5);
            }
            let _ = decode_json(&decoded, text).to_string();
        }
        Err(error) => {
            assert!(
                text.len() < 16 || !error.message.contains(text),
                "the error message repeats the token"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text);
    check(token::normalize(&text));

    let mut parts = data.splitn(3, |&byte| byte == 0);
    let header = parts.next().unwrap_or_default();
    let payload = parts.next().unwrap_or_default();
    let signature = parts.next().unwrap_or_default();
    let built = format!(
        "{}.{}.{}",
        token::encode_segment(header),
        token::encode_segment(payload),
        token::encode_segment(signature)
    );
    check(&built);
});
