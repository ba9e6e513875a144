//! Claims given on the command line: `key=value`, `key:=JSON`, and `--payload` objects.

use serde_json::Value;

use super::token::json_type_name;

/// The claims of a token being built, to be signed: what the command line and a payload give.
/// (What is parsed from a token is a [`super::json::Object`], the one parsed model.)
pub type Claims = serde_json::Map<String, Value>;

/// Parses `key=value` (a string) or `key:=JSON` (any JSON value), httpie's convention.
pub fn parse_claim(argument: &str) -> Result<(String, Value), String> {
    parse_assignment(argument, "claim")
}

/// `key=value` or `key:=JSON`; `what` ("claim", "header") names the thing in messages.
pub fn parse_assignment(argument: &str, what: &str) -> Result<(String, Value), String> {
    let Some(equals) = argument.find('=') else {
        return Err(format!(
            "{what} {argument:?} has no '=': use key=value for a string or key:=JSON for other values"
        ));
    };
    let (key, value, raw_json) = match argument[..equals].strip_suffix(':') {
        Some(key) => (key, &argument[equals + 1..], true),
        None => (&argument[..equals], &argument[equals + 1..], false),
    };
    if key.is_empty() {
        return Err(format!("{what} {argument:?} has an empty name"));
    }
    if !raw_json {
        return Ok((key.to_owned(), Value::from(value)));
    }
    serde_json::from_str(value)
        .map(|json| (key.to_owned(), json))
        .map_err(|error| {
            let error = json_error(&error, value);
            format!(
                "{what} {key:?}: {value:?} is not valid JSON ({error}); for a string use {key}=VALUE"
            )
        })
}

/// serde_json's message, whose position reads "at column N" for a one-line text: "line 1" beside
/// a batch error's own `line` would name the wrong line.
fn json_error(error: &serde_json::Error, text: &str) -> String {
    let shown = error.to_string();
    if text.trim_end().contains('\n') {
        return shown;
    }
    let position = format!(" at line {} column {}", error.line(), error.column());
    match shown.strip_suffix(&position) {
        Some(message) => format!("{message} at column {}", error.column()),
        None => shown,
    }
}

/// Parses a `--payload` document, which must be a JSON object.
pub fn parse_payload(text: &str, origin: &str) -> Result<Claims, String> {
    let value: Value = serde_json::from_str(text).map_err(|error| {
        let error = json_error(&error, text);
        format!("payload from {origin} is not valid JSON: {error}")
    })?;
    match value {
        Value::Object(object) => Ok(object),
        other => Err(format!(
            "payload from {origin} is {}, expected a JSON object",
            json_type_name(&other)
        )),
    }
}

/// Checks the registered claims a token is about to carry as `verify` checks them: `nbf` (and
/// `exp`, `iat`) a number of seconds, `iss` and `sub` strings, `aud` a string or an array of
/// strings. A token its own verifier would refuse is not worth issuing.
pub fn check_registered(claims: &Claims) -> Result<(), String> {
    // One pass over the claims (a handful), not a lookup per registered name: issue --batch
    // checks every line.
    for (name, value) in claims {
        let expected = match name.as_str() {
            "exp" | "nbf" | "iat" if !value.is_number() => "a number of seconds",
            "iss" | "sub" | "jti" | "sid" if !value.is_string() => "a string",
            "aud" => match value {
                Value::String(_) => continue,
                Value::Array(items) if items.iter().all(Value::is_string) => continue,
                _ => "a string or an array of strings",
            },
            _ => continue,
        };
        return Err(format!(
            "claim {name} is {}, expected {expected}: `jwtctl verify` would reject the token",
            json_type_name(value)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_one_line_document_names_its_column_not_line_1() {
        let one_line = parse_payload("{\"sub\":1", "this line").unwrap_err();
        assert!(one_line.ends_with("at column 8"), "{one_line}");
        assert!(!one_line.contains("line 1"), "{one_line}");
        let several = parse_payload("{\n\"sub\":1", "file p.json").unwrap_err();
        assert!(several.ends_with("at line 2 column 7"), "{several}");
        let claim = parse_claim("x:=[1").unwrap_err();
        assert!(claim.contains("at column 2)"), "{claim}");
    }

    #[test]
    fn strings_and_json() {
        assert_eq!(
            parse_claim("role=admin"),
            Ok(("role".into(), json!("admin")))
        );
        assert_eq!(parse_claim("n:=42"), Ok(("n".into(), json!(42))));
        assert_eq!(parse_claim("ok:=true"), Ok(("ok".into(), json!(true))));
        assert_eq!(
            parse_claim("s:=[\"a\",1]"),
            Ok(("s".into(), json!(["a", 1])))
        );
        assert_eq!(parse_claim("eq=a=b"), Ok(("eq".into(), json!("a=b"))));
        assert_eq!(
            parse_claim("url=http://x:1/"),
            Ok(("url".into(), json!("http://x:1/")))
        );
        assert_eq!(parse_claim("empty="), Ok(("empty".into(), json!(""))));
    }

    #[test]
    fn registered_claims_have_the_types_verify_wants() {
        let check = |value: Value| {
            let Value::Object(claims) = value else {
                unreachable!()
            };
            check_registered(&claims)
        };
        assert!(check(json!({"sub": "a", "aud": ["x", "y"], "nbf": 5, "iss": "i"})).is_ok());
        for bad in [
            json!({"nbf": "soon"}),
            json!({"sub": 42}),
            json!({"aud": 5}),
            json!({"aud": ["x", 1]}),
            json!({"iss": null}),
        ] {
            assert!(check(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_say_what_to_do() {
        assert!(parse_claim("role").unwrap_err().contains("no '='"));
        assert!(parse_claim("=x").unwrap_err().contains("empty name"));
        assert!(parse_claim(":=1").unwrap_err().contains("empty name"));
        assert!(
            parse_claim("n:=forty")
                .unwrap_err()
                .contains("not valid JSON")
        );
        assert!(
            parse_payload("[1]", "--payload")
                .unwrap_err()
                .contains("an array")
        );
        assert!(
            parse_payload("{", "--payload")
                .unwrap_err()
                .contains("not valid JSON")
        );
    }
}
