//! The store file's format: parsing it, and writing it back.
//!
//! # Format (version 1)
//!
//! ```text
//! {"version":1,
//! "tokens":{
//! "<jti>":{"sub":"alice","fam":"<sid>","iat":1700000000,"exp":1702592000,"aexp":1700000900,"label":"laptop","start":1699990000,"rot":1700000000,"st":"active"},
//! "<jti>":{"sub":"alice","fam":"<sid>","iat":1699990000,"exp":1702582000,"aexp":1699990900,"st":{"rotated":{"at":1700000000,"next":"<jti>"}}},
//! "<jti>":{"sub":"bob","fam":"<sid>","iat":1699990000,"exp":1702582000,"aexp":1699990900,"st":{"revoked":{"at":1700000100}}}
//! },
//! "revoked_families":{
//! "<sid>":1702582000
//! },
//! "cutoffs":{
//! "bob":{"at":1700000100,"until":1702582000}
//! }}
//! ```
//!
//! One record per line, so a `Corrupt` error's line number points at the damaged record.
//!
//! - `tokens` is keyed by the refresh token's `jti`, in the order recorded (new records are
//!   appended, so two versions of the file differ little); a `jti` that appears twice makes the
//!   file corrupt. `start` (when the family started, if before `iat`) and `rot` (when the rotation
//!   that issued the token happened) are carried forward on rotation, so a session summary stays
//!   right after its older tokens are pruned.
//! - `revoked_families` maps a family (`sid`) to the time until which it must be remembered.
//! - `cutoffs` maps a subject to its `revoke --user` cut-off.
//!
//! Nothing in it is a token, a signature or a secret. Any change of layout gets a new `version`: a
//! file with an unknown version or an unknown field is refused, never rewritten, since rewriting
//! would drop what this version does not understand.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::io::{self, Write};
use std::marker::PhantomData;
use std::path::Path;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::table::Contents;
use crate::store::model::{Cutoff, State};
use crate::store::{StoreError, Timestamp};

/// The only format version this build reads and writes.
const VERSION: u64 = 1;

/// Parses a store file. Never returns an empty store for bytes it does not understand.
///
/// Strings without escapes are borrowed from `bytes` rather than copied: at 100,000 sessions that
/// halves the time a call takes.
pub(super) fn parse<'a>(path: &Path, bytes: &'a [u8]) -> Result<Contents<'a>, StoreError> {
    // Checking UTF-8 once for the whole file is much cheaper than serde_json doing it per string.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            let line = 1 + valid.iter().filter(|&&byte| byte == b'\n').count();
            let line_start = valid
                .iter()
                .rposition(|&byte| byte == b'\n')
                .map_or(0, |newline| newline + 1);
            return Err(StoreError::Corrupt {
                path: path.to_path_buf(),
                line,
                column: valid.len() - line_start + 1,
                message: "invalid UTF-8".to_owned(),
            });
        }
    };
    match serde_json::from_str::<Document>(text) {
        Ok(doc) if doc.version == VERSION => Ok(Contents {
            tokens: doc.tokens.0,
            revoked_families: doc.revoked_families,
            cutoffs: doc.cutoffs,
        }),
        Ok(doc) => Err(unknown_version(path, doc.version)),
        Err(error) => {
            // A file of another version may not fit this version's layout at all: report the
            // version rather than where the layout differs.
            if let Ok(probe) = serde_json::from_str::<VersionProbe>(text)
                && probe.version != VERSION
            {
                return Err(unknown_version(path, probe.version));
            }
            let (line, column) = (error.line(), error.column());
            let full = error.to_string();
            let suffix = format!(" at line {line} column {column}");
            let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
            Err(StoreError::Corrupt {
                path: path.to_path_buf(),
                line,
                column,
                message,
            })
        }
    }
}

fn unknown_version(path: &Path, found: u64) -> StoreError {
    StoreError::UnknownVersion {
        path: path.to_path_buf(),
        found,
        supported: VERSION,
    }
}

#[derive(Deserialize)]
struct VersionProbe {
    version: u64,
}

/// The file as read. Written by [`write_json`], one record per line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a jwtctl session store object")]
struct Document<'a> {
    version: u64,
    #[serde(default, borrow)]
    tokens: Tokens<'a>,
    #[serde(default)]
    revoked_families: BTreeMap<String, Timestamp>,
    #[serde(default)]
    cutoffs: BTreeMap<String, Cutoff>,
}

/// A string of the file, borrowed from its bytes when it has no escapes, owned otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Text<'a>(Cow<'a, str>);

impl<'a> Text<'a> {
    pub(super) fn new(text: &str) -> Text<'a> {
        Text(Cow::Owned(text.to_owned()))
    }

    pub(super) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor<'a>(PhantomData<Text<'a>>);

        impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'a>, E> {
                Ok(Text::new(text))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }

        deserializer.deserialize_str(TextVisitor(PhantomData))
    }
}

/// The token records in file order, keyed by `jti`. A `jti` that appears twice makes the store
/// corrupt: which of the two records holds would be a guess.
#[derive(Default)]
struct Tokens<'a>(Vec<(Text<'a>, Record<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Tokens<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TokensVisitor<'a>(PhantomData<Tokens<'a>>);

        impl<'de: 'a, 'a> Visitor<'de> for TokensVisitor<'a> {
            type Value = Tokens<'a>;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an object of token records keyed by jti")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tokens<'a>, A::Error> {
                // Hashes only, so the table stays small enough for the cache; an equal hash is
                // checked against the keys themselves.
                let mut seen: HashSet<u64, Identity> = HashSet::default();
                let mut tokens: Vec<(Text<'a>, Record<'a>)> = Vec::new();
                while let Some(jti) = map.next_key::<Text<'a>>()? {
                    if !seen.insert(fnv(jti.as_str()))
                        && tokens.iter().any(|(other, _)| *other == jti)
                    {
                        return Err(de::Error::custom(format_args!(
                            "jti {:?} is recorded twice",
                            jti.as_str()
                        )));
                    }
                    tokens.push((jti, map.next_value()?));
                }
                Ok(Tokens(tokens))
            }
        }

        deserializer.deserialize_map(TokensVisitor(PhantomData))
    }
}

/// FNV-1a, for the duplicate-`jti` check at load. A set of `Text`s under SipHash took a third of
/// a 100,000-session load, mostly in cache misses. Flooding resistance is not needed: the keys
/// are `jti`s this tool issued, in a file only its owner can change, and a collision only costs
/// a scan.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Hashes a `u64` that already is a hash to itself.
#[derive(Default, Clone, Copy)]
struct Identity(u64);

impl std::hash::Hasher for Identity {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8) | u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl std::hash::BuildHasher for Identity {
    type Hasher = Identity;

    fn build_hasher(&self) -> Identity {
        Identity(0)
    }
}

/// One refresh token, keyed by its `jti`. Short field names: there may be 100,000 of them.
/// Written by [`write_record`]; a change here must be made there too.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Record<'a> {
    #[serde(borrow)]
    pub(super) sub: Text<'a>,
    /// The family (`sid`).
    #[serde(borrow)]
    pub(super) fam: Text<'a>,
    pub(super) iat: Timestamp,
    pub(super) exp: Timestamp,
    /// `exp` of the access token issued with it.
    pub(super) aexp: Timestamp,
    #[serde(default, borrow)]
    pub(super) label: Option<Text<'a>>,
    /// When the family started, if before `iat` (set on tokens that came from a rotation), so the
    /// session's start survives pruning of its first token.
    #[serde(default)]
    pub(super) start: Option<Timestamp>,
    /// When the rotation that issued this token happened, for the same reason.
    #[serde(default)]
    pub(super) rot: Option<Timestamp>,
    #[serde(borrow)]
    pub(super) st: State<Text<'a>>,
}

/// A record's state as the file writes it (`"active"`, `{"rotated":{"at":…,"next":…}}`,
/// `{"revoked":{"at":…}}`), read into the model's [`State`].
#[derive(Deserialize)]
#[serde(rename = "State", rename_all = "snake_case", deny_unknown_fields)]
enum StateShape<'a> {
    Active,
    Rotated {
        at: Timestamp,
        #[serde(borrow)]
        next: Text<'a>,
    },
    Revoked {
        at: Timestamp,
    },
}

impl<'de: 'a, 'a> Deserialize<'de> for State<Text<'a>> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match StateShape::deserialize(deserializer)? {
            StateShape::Active => State::Active,
            StateShape::Rotated { at, next } => State::Rotated {
                at,
                successor: next,
            },
            StateShape::Revoked { at } => State::Revoked { at },
        })
    }
}

/// A cut-off as the file writes it: `{"at":…,"until":…}`.
#[derive(Serialize, Deserialize)]
#[serde(rename = "Cutoff", deny_unknown_fields)]
struct CutoffShape {
    at: Timestamp,
    until: Timestamp,
}

impl Serialize for Cutoff {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CutoffShape {
            at: self.at,
            until: self.until,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Cutoff {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let CutoffShape { at, until } = CutoffShape::deserialize(deserializer)?;
        Ok(Cutoff { at, until })
    }
}

/// Writes the store to `sink`, one record per line (so a corrupt-store error points at a
/// record), in chunks: the whole text of 100,000 sessions is never held in memory.
pub(super) fn write_json(contents: &Contents<'_>, sink: &mut impl Write) -> io::Result<()> {
    let mut out = Vec::with_capacity(CHUNK + 4096);
    write!(out, "{{\"version\":{VERSION},\n\"tokens\":{{")?;
    for (index, (jti, record)) in contents.tokens.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.push(b'\n');
        write_record(&mut out, jti, record)?;
        if out.len() >= CHUNK {
            sink.write_all(&out)?;
            out.clear();
        }
    }
    out.extend_from_slice(b"\n},");
    let families = contents
        .revoked_families
        .iter()
        .map(|(k, v)| (k.as_str(), v));
    write_object(&mut out, sink, "revoked_families", families)?;
    out.push(b',');
    let cutoffs = contents.cutoffs.iter().map(|(k, v)| (k.as_str(), v));
    write_object(&mut out, sink, "cutoffs", cutoffs)?;
    out.extend_from_slice(b"}\n");
    sink.write_all(&out)
}

/// Writes `"jti":{record}` in the layout [`Record`]'s `Deserialize` reads. By hand, because
/// serde_json's generic path (escaping every field name, one call per field) was a third of the
/// cost of a rotation at 100,000 sessions.
fn write_record(out: &mut Vec<u8>, jti: &Text, record: &Record) -> serde_json::Result<()> {
    write_text(out, jti)?;
    out.extend_from_slice(b":{\"sub\":");
    write_text(out, &record.sub)?;
    out.extend_from_slice(b",\"fam\":");
    write_text(out, &record.fam)?;
    out.extend_from_slice(b",\"iat\":");
    write_int(out, record.iat);
    out.extend_from_slice(b",\"exp\":");
    write_int(out, record.exp);
    out.extend_from_slice(b",\"aexp\":");
    write_int(out, record.aexp);
    if let Some(label) = &record.label {
        out.extend_from_slice(b",\"label\":");
        write_text(out, label)?;
    }
    if let Some(start) = record.start {
        out.extend_from_slice(b",\"start\":");
        write_int(out, start);
    }
    if let Some(rot) = record.rot {
        out.extend_from_slice(b",\"rot\":");
        write_int(out, rot);
    }
    match &record.st {
        State::Active => out.extend_from_slice(b",\"st\":\"active\"}"),
        State::Rotated {
            at,
            successor: next,
        } => {
            out.extend_from_slice(b",\"st\":{\"rotated\":{\"at\":");
            write_int(out, *at);
            out.extend_from_slice(b",\"next\":");
            write_text(out, next)?;
            out.extend_from_slice(b"}}}");
        }
        State::Revoked { at } => {
            out.extend_from_slice(b",\"st\":{\"revoked\":{\"at\":");
            write_int(out, *at);
            out.extend_from_slice(b"}}}");
        }
    }
    Ok(())
}

/// A JSON string: copied as it is when nothing in it needs escaping, else by serde_json.
///
/// A string borrowed from the file needs no check: serde_json borrows only strings without an
/// escape sequence, and refuses raw control characters, so it holds no `"`, `\\` or control
/// character.
fn write_text(out: &mut Vec<u8>, text: &Text) -> serde_json::Result<()> {
    match &text.0 {
        Cow::Borrowed(text) => {
            out.push(b'"');
            out.extend_from_slice(text.as_bytes());
            out.push(b'"');
            Ok(())
        }
        Cow::Owned(text) => write_str(out, text),
    }
}

fn write_str(out: &mut Vec<u8>, text: &str) -> serde_json::Result<()> {
    if text
        .bytes()
        .all(|byte| byte >= 0x20 && byte != b'"' && byte != b'\\')
    {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(&mut *out, text)
    }
}

fn write_int(out: &mut Vec<u8>, value: i64) {
    // 20 digits hold any u64, so `unsigned_abs` of any i64.
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = value.unsigned_abs();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        start -= 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if value < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[start..]);
}

/// How much serialized text is gathered before it is written out.
const CHUNK: usize = 256 * 1024;

/// Writes `"name":{entries}` to `out`, one entry per line, handing `out` to `sink` when it fills.
fn write_object<'v, V: Serialize + 'v>(
    out: &mut Vec<u8>,
    sink: &mut impl Write,
    name: &str,
    entries: impl Iterator<Item = (&'v str, &'v V)>,
) -> io::Result<()> {
    out.push(b'\n');
    serde_json::to_writer(&mut *out, name)?;
    out.extend_from_slice(b":{");
    for (index, (key, value)) in entries.enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.push(b'\n');
        serde_json::to_writer(&mut *out, key)?;
        out.push(b':');
        serde_json::to_writer(&mut *out, value)?;
        if out.len() >= CHUNK {
            sink.write_all(out)?;
            out.clear();
        }
    }
    out.extend_from_slice(b"\n}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewToken, RevokeSelector, RotateOutcome};

    fn int(value: i64) -> String {
        let mut out = Vec::new();
        write_int(&mut out, value);
        String::from_utf8(out).expect("ASCII")
    }

    #[test]
    fn write_int_matches_display() {
        for value in [
            0,
            7,
            -7,
            10,
            4_102_444_800,
            -4_102_444_800,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(int(value), value.to_string());
        }
    }

    #[test]
    fn write_str_escapes_what_json_requires() {
        for text in [
            "",
            "plain",
            "quote \" here",
            "back\\slash",
            "tab\tnew\nline",
            "\u{0}\u{1f}",
            "é 🚀 \u{202e}",
        ] {
            let mut out = Vec::new();
            write_str(&mut out, text).expect("write");
            let back: String = serde_json::from_slice(&out).expect("valid JSON string");
            assert_eq!(back, text);
        }
    }

    #[test]
    fn every_record_shape_survives_a_round_trip() {
        let odd = "odd \"jti\" \\ \u{7}\n é";
        let mut data = Contents::default();
        let token = |jti: &str, label: Option<&str>| NewToken {
            jti: jti.to_owned(),
            sub: format!("sub of {jti}"),
            family: format!("family of {jti}"),
            issued_at: -1,
            expires_at: i64::MAX,
            access_expires_at: 0,
            label: label.map(str::to_owned),
        };
        let tokens = [
            token("active", None),
            token(odd, Some(odd)),
            token("gone", Some("x")),
        ];
        assert!(data.insert(&tokens).is_ok());
        let successor = NewToken {
            jti: "next".into(),
            sub: format!("sub of {odd}"),
            family: format!("family of {odd}"),
            ..token("next", None)
        };
        let rotated = data.rotate(odd, &successor.sub, &successor.family, &successor, 5);
        assert!(matches!(rotated, Ok((RotateOutcome::Rotated, true))));
        data.revoke(&RevokeSelector::Family("family of gone".into()), 6);
        data.revoke(&RevokeSelector::User(odd.into()), 7);

        let mut json = Vec::new();
        write_json(&data, &mut json).expect("serialize");
        let back = parse(Path::new("t"), &json).expect("parse what we wrote");
        let mut again = Vec::new();
        write_json(&back, &mut again).expect("serialize again");
        assert_eq!(again, json);
        let text = std::str::from_utf8(&json).expect("UTF-8");
        assert_eq!(back.tokens.len(), 4, "{text}");
        for ((jti, record), (jti2, record2)) in data.tokens.iter().zip(&back.tokens) {
            assert_eq!(jti, jti2);
            assert_eq!(format!("{record:?}"), format!("{record2:?}"));
        }
        assert_eq!(back.revoked_families, data.revoked_families);
        assert_eq!(back.cutoffs.len(), 1);
        // The same document through serde_json's own reader: the writer emits plain JSON.
        let value: serde_json::Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(value["tokens"]["next"]["rot"], 5, "{text}");
    }

    #[test]
    fn a_store_larger_than_a_chunk_survives_a_round_trip() {
        let mut data = Contents::default();
        let tokens: Vec<NewToken> = (0..12_000)
            .map(|n| NewToken {
                jti: format!("jti-{n:08}"),
                sub: format!("user-{}", n % 700),
                family: format!("family-{n:08}"),
                issued_at: n,
                expires_at: n + 1_000_000,
                access_expires_at: n + 900,
                label: None,
            })
            .collect();
        assert!(data.insert(&tokens).is_ok());
        assert_eq!(data.revoke(&RevokeSelector::All, 10).0, 12_000);
        let mut json = Vec::new();
        write_json(&data, &mut json).expect("serialize");
        assert!(json.len() > 4 * CHUNK, "only {} bytes", json.len());
        let back = parse(Path::new("t"), &json).expect("parse what we wrote");
        assert_eq!(back.tokens.len(), 12_000);
        assert_eq!(back.revoked_families.len(), 12_000);
        let mut again = Vec::new();
        write_json(&back, &mut again).expect("serialize again");
        assert!(again == json, "the second serialization differs");
    }

    #[test]
    fn a_jti_recorded_twice_is_corrupt_at_its_second_occurrence() {
        let record = r#"{"sub":"a","fam":"F","iat":1,"exp":2,"aexp":3,"st":"active"}"#;
        let text = format!(
            "{{\"version\":1,\"tokens\":{{\n\"j\":{record},\n\"k\":{record},\n\"j\":{record}\n}}}}"
        );
        match parse(Path::new("t"), text.as_bytes()) {
            Err(StoreError::Corrupt { line, message, .. }) => {
                assert_eq!(line, 4);
                assert!(message.contains("\"j\" is recorded twice"), "{message}");
            }
            Err(other) => panic!("expected Corrupt, got {other:?}"),
            Ok(_) => panic!("duplicate jti accepted"),
        }
    }

    #[test]
    fn invalid_utf8_is_corrupt_at_its_position() {
        let bytes = b"{\"version\":1,\n\"tokens\":{\"\xff\":1}}";
        match parse(Path::new("t"), bytes) {
            Err(StoreError::Corrupt { line, column, .. }) => assert_eq!((line, column), (2, 12)),
            Err(other) => panic!("expected Corrupt, got {other:?}"),
            Ok(_) => panic!("invalid UTF-8 accepted"),
        }
    }
}
