//! `token::normalize`, `token::split` and `token::decode` on arbitrary input, and what `jwtctl
//! decode` computes from a decoded token (`problems`, the `--json` object).
//!
//! Differential checks against the reference implementations the hot path replaced: the fast
//! base64url decoder against the base64 crate, the borrowed JSON tree (`jwt::json`) against
//! `serde_json::Value` (same acceptance, same value, byte-identical output), and decoding with
//! buffers left over from an earlier token (as `decode --batch` does) against fresh ones.
//!
//! Each input is tried three ways: as token text, normalized, and split at NUL bytes into a
//! header, a payload and a signature that are base64url-encoded here, so the fuzzer reaches the
//! JSON and claim handling without having to discover base64 itself.

#![no_main]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwtctl::commands::decode::problems;
use jwtctl::commands::print::push_decoded;
use jwtctl::jwt::json::{Json, WriteJson};
use jwtctl::jwt::token::{self, Scratch, View};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// A fixed "now" (2027-01-15), as a command would have read it from the clock.
const NOW: i64 = 1_800_000_000;

/// The fast base64url decoder agrees with the base64 crate on every segment-shaped string.
fn check_base64(segment: &str) {
    let fast = token::decode_segment(segment, 0).ok();
    let reference = URL_SAFE_NO_PAD.decode(segment).ok();
    assert_eq!(
        fast, reference,
        "base64url decoders disagree on {segment:?}"
    );
}

/// `Json` parses what `serde_json::Value` parses, to the same value, and writes the same bytes.
fn check_json(bytes: &[u8]) {
    let tree = Json::parse(bytes);
    let value = serde_json::from_slice::<Value>(bytes);
    assert_eq!(tree.is_ok(), value.is_ok(), "JSON parsers disagree");
    let (Ok(tree), Ok(value)) = (tree, value) else {
        return;
    };
    assert_eq!(tree.to_value(), value);
    let reference = serde_json::to_vec(&value).expect("serialize");
    let mut written = Vec::new();
    tree.write_json(&mut written);
    assert_eq!(
        written, reference,
        "Json::write_json differs from serde_json"
    );
    assert_eq!(serde_json::to_vec(&tree).expect("serialize"), reference);
    if let Json::Object(object) = &tree {
        // An object parsed from text may take the no-escape shortcut.
        let mut written = Vec::new();
        object.write_json(&mut written);
        assert_eq!(
            written, reference,
            "Object::write_json differs from serde_json"
        );
    }
}

thread_local! {
    /// Buffers reused from input to input, as `decode --batch` reuses them from line to line.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// What `decode --json` prints for `text`, or the error.
fn printed(text: &str, scratch: &mut Scratch) -> Result<Vec<u8>, String> {
    token::decode(text, scratch)
        .map(|view| {
            let mut out = Vec::new();
            push_decoded(&mut out, &view);
            out
        })
        .map_err(|error| error.message)
}

fn check(text: &str) {
    let fresh = printed(text, &mut Scratch::default());
    let reused = SCRATCH.with_borrow_mut(|scratch| printed(text, scratch));
    assert_eq!(fresh, reused, "reused buffers change what decode prints");
    for segment in text.split('.').take(5) {
        check_base64(segment);
    }
    let split = token::split(text);
    let mut scratch = Scratch::default();
    match token::decode(text, &mut scratch) {
        Ok(view) => {
            let segments = split.expect("a token that decodes also splits");
            // Strict base64url: every decoded segment is the one canonical encoding of its bytes.
            let header = token::decode_segment(segments[0], 0).expect("header decodes");
            assert_eq!(token::encode_segment(&header), segments[0]);
            if let View::Signed {
                header,
                payload,
                signature,
                signing_input_len,
            } = &view
            {
                assert_eq!(segments.len(), 3);
                assert_eq!(
                    *signing_input_len,
                    segments[0].len() + 1 + segments[1].len()
                );
                let decoded = token::decode_segment(segments[1], 1).expect("payload decodes");
                assert_eq!(token::encode_segment(&decoded), segments[1]);
                let bytes = token::decode_segment(signature, 2).expect("signature decodes");
                assert_eq!(token::encode_segment(&bytes), *signature);
                assert_eq!(bytes.len(), token::decoded_len(signature));
                let _ = problems(header, payload, NOW);
            } else {
                assert_eq!(segments.len(), 5);
            }
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
    check_json(header);
    check_json(payload);
    let built = format!(
        "{}.{}.{}",
        token::encode_segment(header),
        token::encode_segment(payload),
        token::encode_segment(signature)
    );
    check(&built);
});
