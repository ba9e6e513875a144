//! Header parameters given with `issue --header`: what may be set, and what jwtctl keeps to
//! itself. The rules apply before anything is signed, so a refused header is a usage error.

use serde_json::Value;

use super::claims::Claims as Object;
use super::claims::parse_assignment;

/// The header of a token to issue, beyond `alg` and `kid`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct HeaderExtras {
    /// A `typ` of the user's choosing (standalone tokens only).
    pub typ: Option<String>,
    pub members: Object,
}

/// Why a name cannot be set with `--header`, or `None` if it can.
fn refusal(name: &str, pair: bool) -> Option<&'static str> {
    Some(match name {
        "alg" => "the algorithm comes from --alg and the key",
        "kid" => "use --kid",
        "crit" => "jwtctl issues no critical extensions (RFC 7515 section 4.1.11)",
        "b64" => "an unencoded payload (RFC 7797) is not a JWT",
        "zip" => "compression belongs to JWE (RFC 7516 section 4.1.3), not to a JWS",
        "x5c" | "x5t#S256" => "use --x5c CHAIN.pem, which checks the leaf against the signing key",
        "typ" if pair => {
            "an access and refresh pair keeps its own types (at+jwt, refresh+jwt) so that one \
             is never taken for the other; use --no-refresh for a free typ"
        }
        _ => return None,
    })
}

/// Reads `--header KEY=VALUE` and `--header KEY:=JSON` arguments. `pair` is whether an access
/// and refresh pair is issued.
pub fn parse_headers(arguments: &[String], pair: bool) -> Result<HeaderExtras, String> {
    let mut extras = HeaderExtras::default();
    for argument in arguments {
        let (name, value) = parse_assignment(argument, "header")?;
        if let Some(reason) = refusal(&name, pair) {
            return Err(format!("--header {name:?} is not allowed: {reason}"));
        }
        if extras.members.contains_key(&name) || (name == "typ" && extras.typ.is_some()) {
            return Err(format!("--header {name:?} is given twice"));
        }
        if name == "typ" {
            let Value::String(typ) = value else {
                return Err("--header typ must be a string (RFC 7515 section 4.1.9)".to_owned());
            };
            extras.typ = Some(typ);
        } else {
            extras.members.insert(name, value);
        }
    }
    Ok(extras)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(arguments: &[&str], pair: bool) -> Result<HeaderExtras, String> {
        let arguments: Vec<String> = arguments.iter().map(|a| (*a).to_owned()).collect();
        parse_headers(&arguments, pair)
    }

    #[test]
    fn strings_json_and_a_free_typ() {
        let extras = parse(&["cty=JWT", "x5t=abc", "n:=1", "typ=dpop+jwt"], false).unwrap();
        assert_eq!(extras.typ.as_deref(), Some("dpop+jwt"));
        assert_eq!(extras.members.get("cty"), Some(&json!("JWT")));
        assert_eq!(extras.members.get("n"), Some(&json!(1)));
        assert_eq!(extras.members.len(), 3);
    }

    #[test]
    fn reserved_names_are_refused() {
        for (argument, pair, needle) in [
            ("alg=none", false, "--alg"),
            ("kid=k1", false, "use --kid"),
            ("crit:=[]", false, "critical"),
            ("b64:=false", false, "RFC 7797"),
            ("zip=DEF", false, "JWE"),
            ("x5c:=[]", false, "--x5c"),
            ("typ=JWT", true, "--no-refresh"),
            ("typ:=1", false, "must be a string"),
            ("cty", false, "no '='"),
            ("=x", false, "empty name"),
        ] {
            let error = parse(&[argument], pair).unwrap_err();
            assert!(error.contains(needle), "{argument}: {error}");
        }
        assert!(parse(&["a=1", "a=2"], false).unwrap_err().contains("twice"));
        assert!(
            parse(&["typ=a", "typ=b"], false)
                .unwrap_err()
                .contains("twice")
        );
        assert!(parse(&["cty=JWT"], true).is_ok());
    }
}
