//! Untrusted and sensitive text in messages: escaping what could fool a terminal, and describing
//! values that may be secrets instead of repeating them.

/// Makes untrusted text safe for a terminal: control characters, bidi overrides and zero-width
/// characters become visible escapes, so a crafted claim cannot move the cursor, rewrite the
/// screen, or disguise itself.
pub fn sanitize(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for character in text.chars() {
        if is_dangerous(character) {
            match character {
                '\n' => safe.push_str("\\n"),
                '\r' => safe.push_str("\\r"),
                '\t' => safe.push_str("\\t"),
                '\u{1b}' => safe.push_str("\\e"),
                other => safe.push_str(&format!("\\u{{{:04x}}}", other as u32)),
            }
        } else {
            safe.push(character);
        }
    }
    safe
}

/// Whether a terminal would show `character` as something other than itself, or not at all: C0
/// and C1 controls (U+009B is a CSI), bidi controls, and Unicode's default-ignorable code points
/// (zero-width characters, fillers, variation selectors, tag characters), which let `admin`
/// and `admin` + invisible tags look the same.
pub fn is_dangerous(character: char) -> bool {
    character.is_control()
        || matches!(character,
            // soft hyphen, combining grapheme joiner, Arabic letter mark
            '\u{00ad}' | '\u{034f}' | '\u{061c}'
            // Hangul fillers
            | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}'
            // Khmer inherent vowels, Mongolian variation selectors and vowel separator
            | '\u{17b4}' | '\u{17b5}' | '\u{180b}'..='\u{180f}'
            // zero-width characters, bidi marks, embeddings, overrides and isolates, invisible
            // operators, line and paragraph separators
            | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
            // variation selectors, zero-width no-break space, interlinear annotation, specials
            | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{fff0}'..='\u{fffb}'
            // shorthand format controls, musical symbol formatting
            | '\u{1bca0}'..='\u{1bca3}' | '\u{1d173}'..='\u{1d17a}'
            // tag characters and variation selectors supplement
            | '\u{e0000}'..='\u{e0fff}')
}

/// Lines of untrusted text made safe for a terminal: [`sanitize`] on each, the line breaks and
/// tabs kept.
pub fn text_for_terminal(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            safe.push('\n');
        }
        let cells: Vec<String> = line.split('\t').map(sanitize).collect();
        safe.push_str(&cells.join("\t"));
    }
    safe
}

/// JSON text made safe for a terminal and still valid JSON: every character [`is_dangerous`]
/// finds (serde_json leaves C1 controls, bidi and invisible characters raw) becomes a `\u`
/// escape, which inside a string means the same. A line break is left alone: JSON escapes it
/// inside strings, so a raw one is whitespace between values (pretty-printed output, the end of
/// a document, the lines of a batch), where `\u000a` would not be JSON at all.
pub fn json_for_terminal(json: &str) -> String {
    let mut safe = String::with_capacity(json.len());
    for character in json.chars() {
        if is_dangerous(character) && character != '\n' {
            let mut units = [0u16; 2];
            for unit in character.encode_utf16(&mut units) {
                safe.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            safe.push(character);
        }
    }
    safe
}

/// Quotes untrusted text as a JSON string, with what JSON leaves raw (C1 controls such as CSI,
/// bidi overrides, zero-width characters) escaped too, so none of it reaches the terminal.
pub fn quote(text: &str) -> String {
    let shortened: String = text.chars().take(80).collect();
    let mut quoted = sanitize(&serde_json::to_string(&shortened).unwrap_or_default());
    if shortened.len() < text.len() {
        quoted.push('…');
    }
    quoted
}

/// What a value that was typed where it should not be might be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitive {
    /// A PEM block: a key or certificate.
    Pem,
    /// Three or five base64url segments: a token.
    Token,
    /// A long string of high entropy: very likely a secret.
    Secret,
}

/// Whether `value` looks like something that must never be echoed: a PEM block, a token, or a
/// long high-entropy string such as the hex secret `gen-secret` prints.
pub fn sensitive(value: &str) -> Option<Sensitive> {
    if value.contains("-----BEGIN") || value.contains("PRIVATE KEY") {
        return Some(Sensitive::Pem);
    }
    let trimmed = value.trim();
    // A compact JWS or JWE: its header is a base64url JSON object, which begins `eyJ`.
    let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let dots = trimmed.bytes().filter(|&b| b == b'.').count();
    if trimmed.starts_with("eyJ")
        && trimmed.len() >= 16
        && (dots == 2 || dots == 4)
        && trimmed.bytes().all(|b| base64url(b) || b == b'.')
    {
        return Some(Sensitive::Token);
    }
    // File names have a dot or a slash; secrets (hex, base64) have neither, and mix letters
    // and digits.
    let random_looking = trimmed.chars().count() >= 16
        && !trimmed.contains(['/', '.'])
        && trimmed.bytes().any(|b| b.is_ascii_digit())
        && trimmed.bytes().any(|b| b.is_ascii_alphabetic())
        && !looks_like_a_name(trimmed)
        && !looks_like_a_date(trimmed);
    (random_looking && entropy_bits(trimmed) >= 3.0).then_some(Sensitive::Secret)
}

/// `JWTCTL_SECRET`, `MY_APP_KEY_2`: the way environment variables are named, which secrets
/// almost never are.
fn looks_like_a_name(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// `2026-12-31T23:59:59Z`: an RFC 3339 time (`--exp`, `--now`), which no secret looks like.
/// All of it, not only its beginning: a date with a secret pasted after it is not a date.
fn looks_like_a_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    let time = |b: &u8| b.is_ascii_digit() || b"-:.+TtZz ".contains(b);
    bytes.len() >= 10
        && bytes
            .iter()
            .take(10)
            .enumerate()
            .all(|(index, &b)| match index {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            })
        && bytes.iter().all(time)
}

/// Shannon entropy per character.
fn entropy_bits(value: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut total = 0usize;
    for character in value.chars() {
        *counts.entry(character).or_insert(0usize) += 1;
        total += 1;
    }
    counts
        .values()
        .map(|&count| {
            let p = count as f64 / total as f64;
            -p * p.log2()
        })
        .sum()
}

/// "a 64-character value": how a sensitive value is named in a message instead of itself.
pub fn describe(value: &str) -> String {
    let length = value.chars().count();
    match sensitive(value) {
        Some(Sensitive::Pem) => format!("a PEM block of {length} characters"),
        Some(Sensitive::Token) => format!("a token of {length} characters"),
        _ => format!("a {length}-character value"),
    }
}

/// `value` itself if it is safe to show, else its description; escaped for a terminal.
pub fn shown(value: &str) -> String {
    if sensitive(value).is_some() {
        describe(value)
    } else {
        sanitize(value)
    }
}

/// A path as shown in a message: itself, unless what was given looks like a secret, a key or a
/// token typed where a path belongs.
pub fn path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    if sensitive(&text).is_some() {
        describe(&text)
    } else {
        sanitize(&path.display().to_string())
    }
}

/// What a secret found in a message is replaced with.
pub const REDACTED: &str = "<secret>";

/// The shortest piece of a secret that is redacted when the secret is not there whole: a message
/// may quote a value cut short ([`quote`] keeps 80 characters), and what is left of a secret
/// at the end of the cut is still not to be shown.
pub const MIN_SECRET_PIECE: usize = 8;

/// `message` with every occurrence of each of `secrets` replaced by [`REDACTED`], and with every
/// run of at least [`MIN_SECRET_PIECE`] bytes that begins a secret (what a cut left of it) too.
/// A secret shorter than that is only replaced whole.
pub fn redact_secrets<'m, S: AsRef<str>>(
    message: &'m str,
    secrets: &[S],
) -> std::borrow::Cow<'m, str> {
    // What is searched for first: the secret's beginning, which any piece of it shown has.
    fn probe(secret: &str) -> &str {
        let mut len = secret.len().min(MIN_SECRET_PIECE);
        while !secret.is_char_boundary(len) {
            len += 1;
        }
        &secret[..len]
    }
    let mut redacted = std::borrow::Cow::Borrowed(message);
    let mut secrets: Vec<&str> = secrets
        .iter()
        .map(AsRef::as_ref)
        .filter(|secret| !secret.is_empty() && message.contains(probe(secret)))
        .collect();
    // A secret that contains another goes first, so it is replaced whole.
    secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
    for secret in secrets {
        let probe = probe(secret);
        if !redacted.contains(probe) {
            continue;
        }
        let mut out = String::with_capacity(redacted.len());
        let mut rest: &str = &redacted;
        while let Some(at) = rest.find(probe) {
            let tail = &rest[at..];
            let mut len = tail
                .bytes()
                .zip(secret.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            while !tail.is_char_boundary(len) {
                len -= 1;
            }
            out.push_str(&rest[..at]);
            out.push_str(REDACTED);
            rest = &tail[len..];
        }
        out.push_str(rest);
        redacted = std::borrow::Cow::Owned(out);
    }
    redacted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_whole_inside_other_text_and_cut_short() {
        let secret = "4f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c";
        let message = format!("expected \"x{secret}\", then {secret}.");
        assert_eq!(
            redact_secrets(&message, &[secret]),
            "expected \"x<secret>\", then <secret>."
        );
        // What quote() leaves of a long value still begins the secret.
        let cut = quote(&format!("{}{secret}", "p".repeat(60)));
        assert!(cut.contains(&secret[..20]), "{cut}");
        let shown = redact_secrets(&cut, &[secret]);
        assert_eq!(shown, format!("\"{}<secret>\"…", "p".repeat(60)));
        // Less than MIN_SECRET_PIECE of it is not the secret; a short secret goes only whole.
        assert_eq!(redact_secrets("4f1c0a9 left", &[secret]), "4f1c0a9 left");
        assert_eq!(
            redact_secrets("hunter2 or hunter", &["hunter2"]),
            "<secret> or hunter"
        );
        // The longer of two nested secrets is replaced whole; text without one is left as it is.
        assert_eq!(
            redact_secrets("a 0123456789abcdef b", &["0123456789", "0123456789abcdef"]),
            "a <secret> b"
        );
        assert!(matches!(
            redact_secrets("nothing here", &[secret]),
            std::borrow::Cow::Borrowed(_)
        ));
        // Never a cut inside a character.
        assert_eq!(redact_secrets("x: ééééé!", &["éééééé"]), "x: <secret>!");
    }

    #[test]
    fn escapes_what_could_fool_a_terminal() {
        assert_eq!(sanitize("admin\u{1b}[2J"), "admin\\e[2J");
        assert_eq!(sanitize("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(sanitize("ad\u{200b}min"), "ad\\u{200b}min");
        assert_eq!(sanitize("line\nbreak\r"), "line\\nbreak\\r");
        assert_eq!(sanitize("\u{7}\u{9b}"), "\\u{0007}\\u{009b}");
        assert_eq!(sanitize("héllo wörld ✓"), "héllo wörld ✓");
        assert_eq!(sanitize("admin\u{e0041}"), "admin\\u{e0041}");
        assert_eq!(sanitize("\u{3164}\u{115f}x"), "\\u{3164}\\u{115f}x");
        assert_eq!(sanitize("a\u{9b}31m"), "a\\u{009b}31m");
    }

    #[test]
    fn json_on_a_terminal_stays_json() {
        let text =
            serde_json::to_string(&serde_json::json!({"sub": "ad\u{202e}min\u{e0041}\u{9b}"}))
                .unwrap();
        let safe = json_for_terminal(&text);
        assert_eq!(safe, r#"{"sub":"ad\u202emin\udb40\udc41\u009b"}"#);
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["sub"], "ad\u{202e}min\u{e0041}\u{9b}");
    }

    #[test]
    fn text_on_a_terminal_keeps_its_lines_and_tabs() {
        assert_eq!(
            text_for_terminal("a\tb\u{1b}[2J\nc\u{9b}\r\n"),
            "a\tb\\e[2J\nc\\u{009b}\\r\n"
        );
    }

    #[test]
    fn json_on_a_terminal_keeps_its_line_breaks() {
        let value = serde_json::json!({"sub": "a\nb\u{9b}", "n": [1]});
        let pretty = format!("{}\n", serde_json::to_string_pretty(&value).unwrap());
        let safe = json_for_terminal(&pretty);
        assert_eq!(safe.lines().count(), pretty.lines().count(), "{safe}");
        assert!(safe.ends_with("}\n"), "{safe}");
        assert!(safe.contains(r#""a\nb\u009b""#), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
        let lines = json_for_terminal("{\"a\":1}\n{\"b\":2}\n");
        assert_eq!(lines, "{\"a\":1}\n{\"b\":2}\n");
    }

    #[test]
    fn quoting_escapes_what_json_leaves_raw() {
        assert_eq!(quote("a\u{1b}[2Jb"), "\"a\\u001b[2Jb\"");
        assert_eq!(quote("evil\u{202e}txt"), "\"evil\\u{202e}txt\"");
        assert_eq!(quote("\u{9b}31m\u{200b}"), "\"\\u{009b}31m\\u{200b}\"");
        assert_eq!(quote(&"x".repeat(100)), format!("\"{}\"…", "x".repeat(80)));
    }

    #[test]
    fn knows_a_secret_a_token_and_a_key_when_it_sees_one() {
        let hex = "4f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c";
        assert_eq!(sensitive(hex), Some(Sensitive::Secret));
        // A date does not make what is pasted after it a date.
        for dated in ["2026-01-01", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00+"] {
            let value = format!("{dated}{hex}");
            assert_eq!(sensitive(&value), Some(Sensitive::Secret), "{value}");
        }
        assert_eq!(
            sensitive("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl"),
            Some(Sensitive::Token)
        );
        assert_eq!(
            sensitive("-----BEGIN PRIVATE KEY-----\nMII\n"),
            Some(Sensitive::Pem)
        );
        for ordinary in [
            "JWTCTL_SECRET",
            "MY_SERVICE_SIGNING_SECRET_PRODUCTION",
            "secret.txt",
            "/run/secrets/jwt-signing-key.pem",
            "alice",
            "aaaaaaaaaaaaaaaaaaaaaaaa",
            "the-long-name-of-a-key-file",
            "rsa1024.pkcs1.pem",
            "ec256.encrypted.pem",
            "9999-12-31T23:59:58Z",
            "2026-12-02T01:30:00+01:00",
        ] {
            assert_eq!(sensitive(ordinary), None, "{ordinary}");
        }
        assert_eq!(describe(hex), "a 64-character value");
        assert_eq!(shown("JWTCTL_SECRET"), "JWTCTL_SECRET");
    }
}
