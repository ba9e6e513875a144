//! Command-line claim parsing (`key=value`, `key:=JSON`), `--payload` documents, durations, and
//! the formatting of the NumericDates and durations they produce.

#![no_main]

use jwtctl::jwt::claims::{parse_claim, parse_payload};
use jwtctl::jwt::time::{format_duration, format_timestamp, parse_duration, relative};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    if let Ok((key, value)) = parse_claim(&text) {
        assert!(!key.is_empty());
        assert!(text.starts_with(&key));
        if !text[key.len()..].starts_with(":=") {
            assert_eq!(value.as_str(), Some(&text[key.len() + 1..]));
        }
    }

    if let Ok(object) = parse_payload(&text, "fuzz input") {
        // What `issue` will sign: it must read back as the same object.
        let again = parse_payload(&serde_json::to_string(&object).expect("serialize"), "again");
        assert_eq!(again.as_ref(), Ok(&object));
    }

    if let Ok(seconds) = parse_duration(&text) {
        assert!(seconds >= 0);
        let _ = format_duration(seconds);
    }

    // Eight-byte windows as timestamps: what `decode` and `verify` print for attacker-chosen
    // `exp`, `nbf` and `iat` values.
    for window in data.chunks_exact(16).take(4) {
        let (a, b) = window.split_at(8);
        let a = i64::from_le_bytes(a.try_into().expect("8 bytes"));
        let b = i64::from_le_bytes(b.try_into().expect("8 bytes"));
        let _ = format_timestamp(a);
        let _ = format_duration(a);
        let _ = relative(a, b);
        let _ = relative(b, a);
    }
});
