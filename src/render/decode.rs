//! What `jwtctl decode` shows on a terminal: the header, the payload and the signature, one
//! claim a line in an aligned column, within [`WIDTH`] columns for the tokens identity providers
//! issue.
//!
//! - The key column is as wide as the longest key up to [`KEY_CAP`]; a longer key (a namespaced
//!   claim such as `https://example.com/roles`) moves only its own value to the right.
//! - Objects and arrays stay on the claim's line when they fit, and are otherwise pretty-printed,
//!   indented under their key, coloured like the rest.
//! - An annotation (`# expires, ...`) follows the value when the line has room, and otherwise gets
//!   a line of its own, so a terminal never wraps it mid-word.
//!
//! Every key and string is attacker-controlled text: it is JSON-quoted and then sanitised.

use anstyle::Style;

use jiff::tz::TimeZone;

use crate::jwt::json::{Json, Object};
use crate::jwt::token::{self, View};
use crate::jwt::{time, verify};
use crate::output::{self, Output, sanitize};

/// The width a decoded token is laid out for.
pub const WIDTH: usize = 100;
/// The widest key column, in characters, quotes included.
pub const KEY_CAP: usize = 20;
/// Where the claims start.
const INDENT: usize = 2;
/// Claims whose number is a NumericDate (RFC 7519 section 2), shown as dates.
const DATE_CLAIMS: [&str; 4] = ["exp", "nbf", "iat", "auth_time"];

/// The whole text `decode` prints for `view`.
pub fn token(view: &View, dates: Option<&TimeZone>, now: i64, output: &Output) -> String {
    let mut text = String::new();
    let heading = |text: &mut String, title: &str| {
        text.push_str(&output.out(output::HEADING, title));
        text.push('\n');
    };
    let painter = Painter { output };
    match view {
        View::Signed {
            header,
            payload,
            signature,
            ..
        } => {
            heading(&mut text, "Header");
            object(&mut text, header, &Segment::Header, dates, now, painter);
            heading(&mut text, "Payload");
            object(&mut text, payload, &Segment::Payload, dates, now, painter);
            heading(&mut text, "Signature");
            text.push_str(&format!(
                "  {} bytes, {}\n",
                token::decoded_len(signature),
                output.out(output::PROBLEM, "not verified")
            ));
        }
        View::Encrypted { header } => {
            heading(&mut text, "Header");
            object(&mut text, header, &Segment::JweHeader, dates, now, painter);
            heading(&mut text, "Payload");
            text.push_str(
                "  encrypted (JWE, 5 segments): --decrypt-key KEY shows the token inside\n",
            );
        }
    }
    text
}

/// A NumericDate with 13 digits: a millisecond count (JavaScript's `Date.now()`) where RFC 7519
/// wants seconds. Returns the value read as milliseconds, in seconds.
pub fn milliseconds_as_seconds(claims: &Object, name: &str) -> Option<i64> {
    let Json::Number(number) = claims.get(name)? else {
        return None;
    };
    let value = number.as_i64()?;
    (1_000_000_000_000..10_000_000_000_000)
        .contains(&value)
        .then_some(value / 1000)
}

/// The warning `decode` prints for a date claim given in milliseconds, if `name` is one.
pub fn milliseconds_warning(claims: &Object, name: &str, now: i64) -> Option<String> {
    let seconds = milliseconds_as_seconds(claims, name)?;
    let as_read = verify::numeric_date(claims, name).ok().flatten()?;
    Some(format!(
        "{name} has 13 digits, like milliseconds, but JWT dates are seconds: a verifier reads \
         it as {} from now, not {}",
        time::format_duration(as_read.saturating_sub(now)),
        time::format_timestamp(seconds)
    ))
}

enum Segment {
    Header,
    JweHeader,
    Payload,
}

impl Segment {
    fn meaning(&self, name: &str) -> Option<&'static str> {
        match self {
            Segment::Header => header_meaning(name),
            // In a JWE the header's alg encrypts the content key; nothing is signed.
            Segment::JweHeader if name == "alg" => Some("key management algorithm"),
            Segment::JweHeader => header_meaning(name),
            Segment::Payload => claim_meaning(name),
        }
    }
}

/// One line on the screen: what it shows (for measuring) and what it prints (maybe coloured).
#[derive(Default)]
struct Line {
    width: usize,
    text: String,
}

impl Line {
    fn indented(indent: usize) -> Self {
        Line {
            width: indent,
            text: " ".repeat(indent),
        }
    }

    fn push(&mut self, piece: &Piece) {
        self.width += piece.width;
        self.text.push_str(&piece.text);
    }
}

/// A run of text on one line: its width and its (maybe coloured) text.
struct Piece {
    width: usize,
    text: String,
}

impl Piece {
    fn plain(text: &str) -> Self {
        Piece {
            width: text.chars().count(),
            text: text.to_owned(),
        }
    }
}

#[derive(Clone, Copy)]
struct Painter<'a> {
    output: &'a Output,
}

impl Painter<'_> {
    fn paint(self, style: Style, text: &str) -> Piece {
        Piece {
            width: text.chars().count(),
            text: self.output.out(style, text),
        }
    }

    fn key(self, name: &str) -> Piece {
        self.paint(output::KEY, &quoted(name))
    }

    fn scalar(self, value: &Json) -> Piece {
        match value {
            Json::Str(text) => self.paint(output::STRING, &quoted(text)),
            Json::Number(number) => self.paint(output::NUMBER, &number.to_string()),
            Json::Bool(value) => self.paint(output::NUMBER, &value.to_string()),
            Json::Null => self.paint(output::NUMBER, "null"),
            Json::Array(_) | Json::Object(_) => self.inline(value),
        }
    }

    /// `["a", "b"]`, `{"k": 1}`: a value on one line, with a space after each separator.
    fn inline(self, value: &Json) -> Piece {
        let mut piece = Piece::plain("");
        let mut append = |part: Piece| {
            piece.width += part.width;
            piece.text.push_str(&part.text);
        };
        match value {
            Json::Array(items) => {
                append(Piece::plain("["));
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        append(Piece::plain(", "));
                    }
                    append(self.inline(item));
                }
                append(Piece::plain("]"));
            }
            Json::Object(members) => {
                append(Piece::plain("{"));
                for (index, (name, item)) in members.iter().enumerate() {
                    if index > 0 {
                        append(Piece::plain(", "));
                    }
                    append(self.key(name));
                    append(Piece::plain(": "));
                    append(self.inline(item));
                }
                append(Piece::plain("}"));
            }
            scalar => append(self.scalar(scalar)),
        }
        piece
    }
}

/// Lays out `value`, whose first line already holds `line` (up to where the value starts), with
/// nested lines indented from `indent`; `suffix` (a comma) ends the value's last line.
fn value_lines(line: Line, value: &Json, indent: usize, suffix: &str, paint: Painter) -> Vec<Line> {
    let inline = paint.inline(value);
    let compound = matches!(value, Json::Array(items) if !items.is_empty())
        || matches!(value, Json::Object(members) if !members.is_empty());
    if line.width + inline.width + suffix.len() <= WIDTH {
        let mut line = line;
        line.push(&inline);
        line.push(&Piece::plain(suffix));
        return vec![line];
    }
    if let Json::Str(text) = value {
        return chunked(line, &quoted(text), suffix, paint);
    }
    if !compound {
        let mut line = line;
        line.push(&inline);
        line.push(&Piece::plain(suffix));
        return vec![line];
    }
    let (open, close) = match value {
        Json::Array(_) => ("[", "]"),
        _ => ("{", "}"),
    };
    let mut first = line;
    first.push(&Piece::plain(open));
    let mut lines = vec![first];
    let inner = indent + 2;
    match value {
        Json::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let comma = if index + 1 < items.len() { "," } else { "" };
                lines.extend(value_lines(
                    Line::indented(inner),
                    item,
                    inner,
                    comma,
                    paint,
                ));
            }
        }
        Json::Object(members) => {
            let count = members.len();
            for (index, (name, item)) in members.iter().enumerate() {
                let comma = if index + 1 < count { "," } else { "" };
                let mut start = Line::indented(inner);
                start.push(&paint.key(name));
                start.push(&Piece::plain(": "));
                lines.extend(value_lines(start, item, inner, comma, paint));
            }
        }
        _ => {}
    }
    let mut last = Line::indented(indent);
    last.push(&Piece::plain(close));
    last.push(&Piece::plain(suffix));
    lines.push(last);
    lines
}

/// A string too long for its line, cut into pieces that continue under its first character: an
/// opaque value (Entra's `aio`, a long URL) keeps its column instead of wrapping to column 0.
fn chunked(line: Line, quoted: &str, suffix: &str, paint: Painter) -> Vec<Line> {
    let column = line.width;
    let room = WIDTH.saturating_sub(column).max(16);
    let characters: Vec<char> = quoted.chars().collect();
    let mut lines = Vec::new();
    let mut current = line;
    let mut pieces = characters.chunks(room).peekable();
    while let Some(piece) = pieces.next() {
        let piece: String = piece.iter().collect();
        current.push(&paint.paint(output::STRING, &piece));
        if pieces.peek().is_none() {
            current.push(&Piece::plain(suffix));
        }
        lines.push(std::mem::replace(&mut current, Line::indented(column)));
    }
    lines
}

fn object(
    out: &mut String,
    object: &Object,
    segment: &Segment,
    dates: Option<&TimeZone>,
    now: i64,
    paint: Painter,
) {
    if object.is_empty() {
        out.push_str("  (empty)\n");
        return;
    }
    let column = object
        .iter()
        .map(|(key, _)| quoted(key).chars().count())
        .filter(|&width| width <= KEY_CAP)
        .max()
        .unwrap_or(0);
    for (key, value) in object.iter() {
        let name = paint.key(key);
        let mut line = Line::indented(INDENT);
        let padding = column.saturating_sub(name.width);
        line.push(&name);
        line.push(&Piece::plain(&" ".repeat(padding + 2)));
        let value_column = line.width;
        let notes = notes(object, key, segment, dates, now);
        let note = (!notes.is_empty())
            .then(|| paint.paint(output::DIM, &format!("# {}", notes.join(", "))));

        let under_key = INDENT + 2;
        let lines = match value {
            // A string too long for the value column that fits whole under the key goes there,
            // and the annotation takes its place beside the key.
            Json::Str(text)
                if value_column + quoted(text).chars().count() > WIDTH
                    && under_key + quoted(text).chars().count() <= WIDTH =>
            {
                if let Some(note) = &note {
                    line.push(note);
                }
                let mut below = Line::indented(under_key);
                below.push(&paint.scalar(value));
                vec![line, below]
            }
            _ => {
                let mut lines = value_lines(line, value, INDENT, "", paint);
                if let Some(note) = note {
                    place_note(&mut lines, note, value_column);
                }
                lines
            }
        };
        for line in lines {
            out.push_str(&line.text);
            out.push('\n');
        }
    }
}

/// After the value's first line when it has room; else on a line of its own under the value, or
/// under the key when even that is too narrow.
fn place_note(lines: &mut Vec<Line>, note: Piece, value_column: usize) {
    if let Some(first) = lines
        .first_mut()
        .filter(|first| first.width + 2 + note.width <= WIDTH)
    {
        first.push(&Piece::plain("  "));
        first.push(&note);
        return;
    }
    let indent = if value_column + note.width <= WIDTH {
        value_column
    } else {
        INDENT + 2
    };
    let mut own = Line::indented(indent);
    own.push(&note);
    lines.insert(1.min(lines.len()), own);
}

/// What is said about one header parameter or claim: its meaning, and for a date, when.
fn notes(
    object: &Object,
    key: &str,
    segment: &Segment,
    dates: Option<&TimeZone>,
    now: i64,
) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(meaning) = segment.meaning(key) {
        notes.push(meaning.to_owned());
    }
    if !matches!(segment, Segment::Payload) || !DATE_CLAIMS.contains(&key) {
        return notes;
    }
    if let Some(seconds) = milliseconds_as_seconds(object, key) {
        notes.push(format!(
            "13 digits: milliseconds? /1000 = {} ({})",
            date(seconds, dates),
            time::relative(seconds, now)
        ));
    } else if let Ok(Some(seconds)) = verify::numeric_date(object, key) {
        notes.push(format!(
            "{} ({})",
            date(seconds, dates),
            time::relative(seconds, now)
        ));
    }
    notes
}

/// Untrusted text, JSON-quoted (control characters escaped) and with bidi and invisible
/// characters made visible.
fn quoted(text: &str) -> String {
    sanitize(&serde_json::to_string(text).unwrap_or_default())
}

/// A date in UTC, or in `zone` (`--date local`).
fn date(seconds: i64, zone: Option<&TimeZone>) -> String {
    match zone {
        None => time::format_timestamp(seconds),
        Some(zone) => jiff::Timestamp::from_second(seconds)
            .map(|instant| {
                instant
                    .to_zoned_datetime(zone.clone())
                    .strftime("%Y-%m-%d %H:%M:%S %Z")
                    .to_string()
            })
            .unwrap_or_else(|_| time::format_timestamp(seconds)),
    }
}

fn header_meaning(name: &str) -> Option<&'static str> {
    Some(match name {
        "alg" => "signing algorithm",
        "typ" => "token type",
        "kid" => "key id",
        "cty" => "content type",
        "crit" => "critical extensions",
        "jku" | "x5u" => "key URL (never fetched)",
        "jwk" | "x5c" => "embedded key (never trusted)",
        "enc" => "content encryption",
        "zip" => "compression",
        _ => return None,
    })
}

fn claim_meaning(name: &str) -> Option<&'static str> {
    Some(match name {
        "iss" => "issuer",
        "sub" => "subject",
        "aud" => "audience",
        "exp" => "expires",
        "nbf" => "not before",
        "iat" => "issued",
        "jti" => "token id",
        "sid" => "session",
        "scope" | "scp" => "scopes",
        "azp" => "authorized party",
        "auth_time" => "authenticated",
        "nonce" => "nonce",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;
    use crate::jwt::token::Scratch;

    const NOW: i64 = 1_800_000_000;

    /// What `decode` prints for a token with this header and payload (JSON text).
    fn layout(header: &str, payload: &str) -> String {
        let token = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode([0u8; 32])
        );
        let mut scratch = Scratch::default();
        let view = token::decode(&token, &mut scratch).expect("a token");
        super::token(&view, None, NOW, &Output::plain())
    }

    #[test]
    fn the_whole_layout_of_a_small_token() {
        let text = layout(
            r#"{"alg":"HS256","typ":"at+jwt"}"#,
            r#"{"sub":"alice","exp":1800000300,"https://example.com/tenant":"acme","groups":[],"ms":{"nested":[1,true,null]}}"#,
        );
        assert_eq!(
            text,
            "Header
  \"alg\"  \"HS256\"  # signing algorithm
  \"typ\"  \"at+jwt\"  # token type
Payload
  \"exp\"     1800000300  # expires, 2027-01-15T08:05:00Z (in 5m)
  \"groups\"  []
  \"https://example.com/tenant\"  \"acme\"
  \"ms\"      {\"nested\": [1, true, null]}
  \"sub\"     \"alice\"  # subject
Signature
  32 bytes, not verified
"
        );
    }

    #[test]
    fn milliseconds_are_13_digits_exactly() {
        let seconds_of = |exp: &str| {
            let text = format!(r#"{{"exp":{exp}}}"#);
            let Ok(Json::Object(object)) = Json::parse(text.as_bytes()) else {
                panic!("an object");
            };
            milliseconds_as_seconds(&object, "exp")
        };
        assert_eq!(seconds_of("1800000000000"), Some(1_800_000_000));
        for exp in [
            "1800000000",
            "999999999999",
            "10000000000000",
            "\"1800000000000\"",
            "1.8e12",
        ] {
            assert_eq!(seconds_of(exp), None, "{exp}");
        }
    }

    #[test]
    fn hostile_text_inside_nested_values_is_escaped() {
        let text = layout(
            r#"{"alg":"HS256"}"#,
            r#"{"x":{"a\u001b[2J":["\u202eevil"]}}"#,
        );
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{text:?}"
        );
        assert!(
            text.contains("{\"a\\u001b[2J\": [\"\\u{202e}evil\"]}"),
            "{text}"
        );
    }
}
