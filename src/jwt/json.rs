//! A borrowed JSON tree for the hot paths: strings without escapes point into the decoded
//! segment instead of being copied, and objects are one sorted vector.
//!
//! It is parsed by `serde_json` itself (same syntax checks, same error messages, same number
//! handling) and serializes byte for byte as `serde_json::Value` does: keys in sorted order,
//! and for a name given twice, the last value. Unlike `Value`, it remembers that a name was
//! given twice, so verification can refuse such a token (RFC 7515 section 4, RFC 7519 section 4)
//! instead of silently picking one of the values.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};

/// A JSON value borrowing from the text it was parsed from where it can.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Object<'a>),
}

/// A JSON object: its members sorted by name (a stable sort, so of a name given twice, the last
/// one given comes last).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object<'a> {
    members: Vec<(Cow<'a, str>, Json<'a>)>,
    /// Whether some name is given more than once.
    duplicates: bool,
    /// Whether this object was parsed from JSON text without a single backslash: then no string
    /// in it had an escape sequence, and since JSON text cannot hold a raw `"` or control
    /// character inside a string, none needs escaping when written. Only [`Json::parse`] sets it.
    plain: bool,
}

impl<'a> Json<'a> {
    /// Parses `bytes` (UTF-8 JSON text) exactly as `serde_json::from_slice::<Value>` would.
    pub fn parse(bytes: &'a [u8]) -> serde_json::Result<Json<'a>> {
        // One UTF-8 check of the whole text is cheaper than serde_json's check of every string
        // in it; invalid text goes to `from_slice` for serde_json's own error.
        let mut json: Json = match std::str::from_utf8(bytes) {
            Ok(text) => serde_json::from_str(text)?,
            Err(_) => serde_json::from_slice(bytes)?,
        };
        if let Json::Object(object) = &mut json {
            object.plain = memchr::memchr(b'\\', bytes).is_none();
        }
        Ok(json)
    }

    /// "a string", "an array", ...: as [`crate::jwt::token::json_type_name`] says it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::Str(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(text) => Some(text),
            _ => None,
        }
    }

    /// The owned `serde_json` value, as `serde_json` would have parsed the same text.
    pub fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(value) => Value::Bool(*value),
            Json::Number(number) => Value::Number(number.clone()),
            Json::Str(text) => Value::String(text.as_ref().to_owned()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(object) => Value::Object(object.to_map()),
        }
    }
}

impl<'a> Object<'a> {
    /// The value of `name`; of a name given twice, the last value.
    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        let end = self
            .members
            .partition_point(|(key, _)| compare_names(key, name).is_le());
        match end.checked_sub(1).map(|last| &self.members[last]) {
            Some((key, value)) if same_name(key, name) => Some(value),
            _ => None,
        }
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every member as given, sorted by name: a name given twice appears twice, the last value
    /// last.
    pub fn members(&self) -> &[(Cow<'a, str>, Json<'a>)] {
        &self.members
    }

    /// The first name given more than once, if any.
    pub fn duplicate(&self) -> Option<&str> {
        if !self.duplicates {
            return None;
        }
        self.members
            .windows(2)
            .find(|pair| same_name(&pair[0].0, &pair[1].0))
            .map(|pair| pair[0].0.as_ref())
    }

    /// The members as `serde_json` keeps them: sorted, each name once with its last value.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json<'a>)> {
        self.members
            .iter()
            .enumerate()
            .filter(|(index, (key, _))| {
                !self.duplicates
                    || self
                        .members
                        .get(index + 1)
                        .is_none_or(|(next, _)| !same_name(next, key))
            })
            .map(|(_, (key, value))| (key.as_ref(), value))
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    pub fn to_map(&self) -> serde_json::Map<String, Value> {
        self.iter()
            .map(|(key, value)| (key.to_owned(), value.to_value()))
            .collect()
    }
}

/// Writing JSON text straight into a buffer, byte for byte what `serde_json::to_writer` writes
/// for the same value, without going through `io::Write` for every piece: the hot path of the
/// batch commands.
pub trait WriteJson {
    fn write_json(&self, out: &mut Vec<u8>);
}

impl WriteJson for Json<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        self.write_with(out, false);
    }
}

impl Json<'_> {
    /// `plain`: no string needs escaping (see [`Object`]).
    fn write_with(&self, out: &mut Vec<u8>, plain: bool) {
        match self {
            Json::Null => out.extend_from_slice(b"null"),
            Json::Bool(true) => out.extend_from_slice(b"true"),
            Json::Bool(false) => out.extend_from_slice(b"false"),
            Json::Number(number) => {
                // Integers and floats are written by serde_json's own formatter.
                let _ = serde_json::to_writer(&mut *out, number);
            }
            Json::Str(text) => write_text(out, text, plain),
            Json::Array(items) => {
                out.push(b'[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(b',');
                    }
                    item.write_with(out, plain);
                }
                out.push(b']');
            }
            Json::Object(object) => object.write_with(out, plain),
        }
    }
}

impl WriteJson for Object<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        self.write_with(out, self.plain);
    }
}

impl Object<'_> {
    fn write_with(&self, out: &mut Vec<u8>, plain: bool) {
        out.push(b'{');
        for (index, (key, value)) in self.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            write_text(out, key, plain);
            out.push(b':');
            value.write_with(out, plain);
        }
        out.push(b'}');
    }
}

fn write_text(out: &mut Vec<u8>, text: &str, plain: bool) {
    if plain {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        write_str(out, text);
    }
}

impl WriteJson for str {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_str(out, self);
    }
}

/// A JSON string. Text with nothing to escape (no `"`, `\` or control character, which is
/// nearly all text) is copied as it is; anything else is escaped by serde_json.
pub fn write_str(out: &mut Vec<u8>, text: &str) {
    if needs_escape(text.as_bytes()) {
        let _ = serde_json::to_writer(&mut *out, text);
    } else {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    }
}

/// Whether JSON needs any of these bytes escaped; 16 at a time, without branches inside a block.
fn needs_escape(bytes: &[u8]) -> bool {
    let escaped =
        |byte: u8| u8::from(byte < 0x20) | u8::from(byte == b'"') | u8::from(byte == b'\\');
    let mut blocks = bytes.chunks_exact(16);
    for block in &mut blocks {
        if block.iter().fold(0, |found, &byte| found | escaped(byte)) != 0 {
            return true;
        }
    }
    blocks.remainder().iter().any(|&byte| escaped(byte) != 0)
}

/// Orders member names as `str` does, inline: names are short, and a call to `memcmp` per
/// comparison cost more than the comparison.
fn compare_names(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && compare_names(a, b).is_eq()
}

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => serializer.serialize_unit(),
            Json::Bool(value) => serializer.serialize_bool(*value),
            Json::Number(number) => number.serialize(serializer),
            Json::Str(text) => serializer.serialize_str(text),
            Json::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(object) => object.serialize(serializer),
        }
    }
}

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in self.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Json<'de>, E> {
        // As serde_json's own Value does: a non-finite number becomes null.
        Ok(Number::from_f64(value).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E>(self, value: String) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(value)))
    }

    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json<'de>, D::Error> {
        Deserialize::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Json<'de>)> = Vec::with_capacity(8);
        while let Some(Key(key)) = map.next_key()? {
            let value = map.next_value()?;
            members.push((key, value));
        }
        // Stable: of a name given twice, the last one given stays last.
        members.sort_by(|a, b| compare_names(&a.0, &b.0));
        let duplicates = members
            .windows(2)
            .any(|pair| same_name(&pair[0].0, &pair[1].0));
        Ok(Json::Object(Object {
            members,
            duplicates,
            plain: false,
        }))
    }
}

/// An object member name, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(value)))
            }
            fn visit_str<E>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value.to_owned())))
            }
            fn visit_string<E>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text` both ways and checks the serializations are identical.
    fn same_as_value(text: &str) {
        let value: Value = serde_json::from_str(text).expect("valid JSON");
        let json = Json::parse(text.as_bytes()).expect("valid JSON");
        assert_eq!(
            serde_json::to_string(&json).unwrap(),
            serde_json::to_string(&value).unwrap(),
            "{text}"
        );
        assert_eq!(json.to_value(), value, "{text}");
    }

    #[test]
    fn serializes_as_serde_json_does() {
        for text in [
            r#"{"b":1,"a":2,"c":{"z":[1,2.5,-3,1e3,"x"],"y":null}}"#,
            r#"{"s":"caf\u00e9 \"q\" \\ \n \u0001 \ud83d\ude00","\u0065xp":1}"#,
            r#"{"big":18446744073709551615,"neg":-9223372036854775808,"f":1.0E-7}"#,
            r#"{"dup":1,"dup":2,"a":true,"dup":3}"#,
            r#"[{"k":"v"},[],{}]"#,
            r#""just a string""#,
            "{}",
            "12",
        ] {
            same_as_value(text);
        }
    }

    #[test]
    fn writes_what_serde_json_writes() {
        for text in [
            r#"{"b":1,"a":2,"c":{"z":[1,2.5,-3,1e3,"x",true,false,null],"y":null}}"#,
            r#"{"s":"caf\u00e9 \"q\" \\ \n \u0001 \u001f \u007f / \ud83d\ude00","\u0065xp":1}"#,
            r#"{"big":18446744073709551615,"neg":-9223372036854775808,"f":1.0E-7,"g":1e300}"#,
            r#"{"dup":1,"dup":2,"a":true,"dup":3,"":""}"#,
            r#"[{"k":"v"},[],{},"\b\f\t\r"]"#,
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            let mut out = Vec::new();
            Json::parse(text.as_bytes()).unwrap().write_json(&mut out);
            assert_eq!(String::from_utf8(out).unwrap(), value.to_string(), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_object_is_written_as_serde_json_writes_it(
            entries in proptest::collection::vec(("\\PC{0,6}|[\\x00-\\x7f]{0,6}", "\\PC{0,8}|[\\x00-\\x7f]{0,8}"), 0..6)
        ) {
            let map: serde_json::Map<String, Value> = entries
                .into_iter()
                .map(|(key, value)| (key, Value::from(value)))
                .collect();
            let text = serde_json::to_vec(&map).unwrap();
            let mut out = Vec::new();
            Json::parse(&text).unwrap().write_json(&mut out);
            proptest::prop_assert_eq!(out, text);
        }

        #[test]
        fn any_string_is_written_as_serde_json_writes_it(text in "\\PC*|[\\x00-\\x7f]*") {
            let mut out = Vec::new();
            write_str(&mut out, &text);
            proptest::prop_assert_eq!(out, serde_json::to_vec(&text).unwrap());
        }
    }

    #[test]
    fn remembers_names_given_twice() {
        let Ok(Json::Object(object)) = Json::parse(br#"{"exp":1,"a":0,"\u0065xp":9}"#) else {
            panic!("an object");
        };
        assert_eq!(object.duplicate(), Some("exp"));
        assert_eq!(object.get("exp"), Some(&Json::Number(9.into())));
        assert_eq!(object.len(), 2);
        let Ok(Json::Object(object)) = Json::parse(br#"{"exp":1,"a":0}"#) else {
            panic!("an object");
        };
        assert_eq!(object.duplicate(), None);
        assert_eq!(object.get("b"), None);
        assert_eq!(object.get("a"), Some(&Json::Number(0.into())));
    }

    #[test]
    fn borrows_plain_strings() {
        let text = br#"{"sub":"alice","esc":"a\nb"}"#;
        let Ok(Json::Object(object)) = Json::parse(text) else {
            panic!("an object");
        };
        assert!(matches!(
            object.get("sub"),
            Some(Json::Str(Cow::Borrowed("alice")))
        ));
        assert!(matches!(object.get("esc"), Some(Json::Str(Cow::Owned(_)))));
    }

    #[test]
    fn errors_are_serde_json_errors() {
        for text in [
            "",
            "{",
            r#"{"a":1}x"#,
            "[1,]",
            r#"{"a":1e999}"#,
            "\u{feff}{}",
            // A raw control character inside a string is not JSON: what `plain` relies on.
            "{\"a\":\"x\u{1}y\"}",
            "{\"a\u{1f}\":1}",
        ] {
            let expected = serde_json::from_str::<Value>(text).unwrap_err().to_string();
            let found = Json::parse(text.as_bytes()).unwrap_err().to_string();
            assert_eq!(found, expected, "{text:?}");
        }
        let invalid_utf8 = b"{\"a\":\"\xff\"}";
        assert_eq!(
            Json::parse(invalid_utf8).unwrap_err().to_string(),
            serde_json::from_slice::<Value>(invalid_utf8)
                .unwrap_err()
                .to_string()
        );
    }
}
