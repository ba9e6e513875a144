//! `jwtctl decode` on the tokens identity providers issue: the layout people read.

use serde_json::{Value, json};

use crate::forge::{self, b64u, hs256};
use crate::support::{Sandbox, stderr, stdout};

const KEY: &str = "\u{1b}[1m\u{1b}[34m";
const STRING: &str = "\u{1b}[32m";

fn rs256_header() -> Value {
    json!({ "alg": "RS256", "typ": "JWT", "kid": "NkJCQzIyQzRBMEU4NjhGNUU4MzU4RkY0M0ZDQzkwOUQ0Q0VGNUMwMg" })
}

/// Auth0: namespaced custom claims, an audience array, a long scope.
fn auth0() -> Value {
    let now = forge::now();
    json!({
        "https://example.com/roles": ["admin", "editor"],
        "https://example.com/app_metadata": {
            "plan": "pro", "org_id": "org_8QqGz4xYbXk2",
            "features": ["sso", "audit-log", "custom-domains", "mfa", "log-streaming"]
        },
        "iss": "https://dev-abc123xy.us.auth0.com/",
        "sub": "auth0|64f1c2e9a1b2c3d4e5f60718",
        "aud": ["https://api.example.com", "https://dev-abc123xy.us.auth0.com/userinfo"],
        "iat": now, "exp": now + 86_400,
        "scope": "openid profile email read:messages write:messages offline_access",
        "azp": "V2hhdCBhIGxvbmcgY2xpZW50IGlk",
        "permissions": ["read:messages", "write:messages"]
    })
}

/// Keycloak: nested role maps, dashes in names, many profile claims.
fn keycloak() -> Value {
    let now = forge::now();
    json!({
        "exp": now + 300, "iat": now, "auth_time": now - 10,
        "jti": "0c7c7e2e-6f1c-4c1b-9f4e-2b7d8a9c0d1e",
        "iss": "https://keycloak.example.com/realms/demo",
        "aud": "account", "sub": "f2b4c6d8-1a3e-4b5c-8d7e-9f0a1b2c3d4e", "typ": "Bearer",
        "azp": "frontend", "session_state": "5b9c2f1e-8d7a-4e3b-a6c5-1f2e3d4c5b6a", "acr": "1",
        "allowed-origins": ["https://app.example.com", "http://localhost:3000"],
        "realm_access": {
            "roles": ["default-roles-demo", "offline_access", "uma_authorization", "app-admin"]
        },
        "resource_access": {
            "account": {
                "roles": ["manage-account", "manage-account-links", "view-profile", "delete-account"]
            },
            "frontend": { "roles": ["reader"] }
        },
        "scope": "openid email profile", "sid": "5b9c2f1e-8d7a-4e3b-a6c5-1f2e3d4c5b6a",
        "email_verified": true, "name": "Alice Example", "preferred_username": "alice",
        "given_name": "Alice", "family_name": "Example", "email": "alice@example.com"
    })
}

/// Entra ID (v2.0 access token): GUIDs, a long issuer URL and an opaque `aio`.
fn entra() -> Value {
    let now = forge::now();
    json!({
        "aud": "api://7d3c1f0e-2b4a-4c6d-8e9f-0a1b2c3d4e5f",
        "iss": "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
        "iat": now, "nbf": now, "exp": now + 3600,
        "aio": "AWQAm/8XAAAAk2bX0n9dQ1rQ4Qw7Yh3vZl9eYbT0uM1nK2oP3qR4sT5uV6wX7yZ8aB9cD0eF1gH2iJ3kL4mN5oP6qR7sT8uV9w==",
        "azp": "4a5b6c7d-8e9f-0a1b-2c3d-4e5f6a7b8c9d", "azpacr": "0", "name": "Alice Example",
        "oid": "00000000-0000-0000-66f3-3332eca7ea81",
        "preferred_username": "alice@contoso.onmicrosoft.com",
        "rh": "0.AXwADQSIkWdsW0yxEjajBLZtrQ8AAAAAAAAAwAAAAAAAAACcAE8.",
        "roles": ["Tasks.Read", "Tasks.Write"], "scp": "access_as_user User.Read",
        "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        "tid": "9188040d-6c67-4c5b-b112-36a304b66dad", "uti": "AbCdEf123456", "ver": "2.0",
        "wids": ["b79fbf4d-3ef9-4689-8143-76b194e85509"]
    })
}

fn decode(sandbox: &Sandbox, args: &[&str], token: &str) -> (String, String) {
    let assert = sandbox
        .cmd()
        .arg("decode")
        .args(args)
        .arg(token)
        .assert()
        .success();
    (stdout(&assert), stderr(&assert))
}

/// The column where the value of `key` starts on its line.
fn value_column(out: &str, key: &str) -> usize {
    let quoted = format!("  \"{key}\"");
    let line = out
        .lines()
        .find(|line| line.starts_with(&quoted))
        .unwrap_or_else(|| panic!("no line for {key} in\n{out}"));
    let rest = &line[quoted.len()..];
    quoted.len() + (rest.len() - rest.trim_start().len())
}

#[test]
fn identity_provider_tokens_fit_100_columns() {
    let sandbox = Sandbox::new();
    for (name, claims) in [
        ("auth0", auth0()),
        ("keycloak", keycloak()),
        ("entra", entra()),
    ] {
        let (out, _) = decode(&sandbox, &[], &hs256(&rs256_header(), &claims));
        for line in out.lines() {
            assert!(
                line.chars().count() <= 100,
                "{name}: a line of {} columns:\n{line}\n\nin\n{out}",
                line.chars().count()
            );
        }
        // Every claim is shown.
        for key in claims.as_object().expect("an object").keys() {
            assert!(
                out.contains(&format!("\"{key}\"")),
                "{name}: no {key} in\n{out}"
            );
        }
    }
}

#[test]
fn a_long_namespaced_claim_does_not_push_the_other_values_right() {
    let sandbox = Sandbox::new();
    let (out, _) = decode(&sandbox, &[], &hs256(&rs256_header(), &auth0()));
    // "permissions" is the longest ordinary key: the column is set by it, not by the 32-character
    // namespaced claims.
    let column = value_column(&out, "sub");
    assert_eq!(column, "  \"permissions\"  ".len(), "{out}");
    for key in ["iss", "aud", "exp", "scope", "azp", "permissions"] {
        assert_eq!(value_column(&out, key), column, "{key} in\n{out}");
    }
    // The long key keeps its value on its own line, two spaces after it.
    assert!(
        out.contains("  \"https://example.com/roles\"  [\"admin\", \"editor\"]\n"),
        "{out}"
    );
}

#[test]
fn nested_objects_are_pretty_printed_under_their_key() {
    let sandbox = Sandbox::new();
    let (out, _) = decode(&sandbox, &[], &hs256(&rs256_header(), &keycloak()));
    // Too long for one line: opened on the key's line, members indented under the key, closed
    // at the key's indentation; members that fit stay on one line.
    let expected = "  \"resource_access\"     {\n    \"account\": {\n      \"roles\": [\"manage-account\", \"manage-account-links\", \"view-profile\", \"delete-account\"]\n    },\n    \"frontend\": {\"roles\": [\"reader\"]}\n  }\n";
    assert!(out.contains(expected), "{expected}\nnot in\n{out}");
    // Short enough: on the claim's line.
    assert!(
        out.contains(
            "  \"allowed-origins\"     [\"https://app.example.com\", \"http://localhost:3000\"]\n"
        ),
        "{out}"
    );
}

#[test]
fn nested_keys_and_strings_are_coloured_like_the_rest() {
    let sandbox = Sandbox::new();
    let (out, _) = decode(
        &sandbox,
        &["--color", "always"],
        &hs256(&rs256_header(), &keycloak()),
    );
    assert!(out.contains(&format!("{KEY}\"realm_access\"")), "{out:?}");
    assert!(out.contains(&format!("    {KEY}\"roles\"")), "{out:?}");
    assert!(
        out.contains(&format!("{STRING}\"offline_access\"")),
        "{out:?}"
    );
    // Colour adds no columns: the layout is the same as without it.
    let (plain, _) = decode(&sandbox, &[], &hs256(&rs256_header(), &keycloak()));
    let stripped = strip_ansi(&out);
    // The relative times may tick between the two runs; compare everything else.
    let without_times = |text: &str| {
        text.lines()
            .filter(|line| !line.contains('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_times(&stripped), without_times(&plain));
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn an_annotation_that_does_not_fit_gets_its_own_line() {
    let sandbox = Sandbox::new();
    let (out, _) = decode(&sandbox, &[], &hs256(&rs256_header(), &entra()));
    // The issuer is too long for the value column: it goes whole under the key, and the
    // annotation stays beside the key.
    assert!(
        out.contains("  \"iss\"                 # issuer\n    \"https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0\"\n"),
        "{out}"
    );
    let (out, _) = decode(&sandbox, &[], &hs256(&rs256_header(), &auth0()));
    // The audience array fits, its annotation does not: the annotation goes below, under the
    // value, and is never cut.
    let column = value_column(&out, "aud");
    assert!(
        out.contains(&format!(
            "\"https://dev-abc123xy.us.auth0.com/userinfo\"]\n{}# audience\n",
            " ".repeat(column)
        )),
        "{out}"
    );
}

#[test]
fn an_opaque_string_longer_than_the_line_keeps_its_column() {
    let sandbox = Sandbox::new();
    let (out, _) = decode(&sandbox, &[], &hs256(&rs256_header(), &entra()));
    let column = value_column(&out, "aio");
    let start = out.find("  \"aio\"").expect("the aio line");
    let lines: Vec<&str> = out[start..].lines().take(2).collect();
    assert_eq!(lines[0].chars().count(), 100, "{out}");
    assert!(lines[1].starts_with(&" ".repeat(column)), "{out}");
    assert!(lines[1].trim_start().ends_with("uV9w==\""), "{out}");
    // Put back together, it is the claim.
    let joined = format!("{}{}", &lines[0][column..], lines[1].trim_start());
    assert_eq!(
        joined,
        format!("\"{}\"", entra()["aio"].as_str().expect("a string"))
    );
}

#[test]
fn the_not_verified_note_fits_80_columns() {
    let sandbox = Sandbox::new();
    let token = hs256(&rs256_header(), &keycloak());
    let (_, err) = decode(&sandbox, &[], &token);
    assert!(
        err.contains("note: the signature was NOT verified"),
        "{err}"
    );
    assert!(err.contains("hint: `jwtctl verify`"), "{err}");
    for line in err.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    let assert = sandbox
        .cmd()
        .args(["decode", "--batch"])
        .write_stdin(format!("{token}\n"))
        .assert()
        .success();
    for line in stderr(&assert).lines() {
        assert!(line.chars().count() <= 80, "{line}");
    }
}

#[test]
fn a_13_digit_date_gets_a_milliseconds_hint() {
    let sandbox = Sandbox::new();
    let now = forge::now();
    let token = hs256(
        &forge::access_header(),
        &json!({ "sub": "alice", "exp": (now + 300) * 1000, "iat": now * 1000 }),
    );
    let (out, err) = decode(&sandbox, &[], &token);
    let exp_line = out
        .lines()
        .find(|line| line.starts_with("  \"exp\""))
        .expect("an exp line");
    assert!(
        exp_line.contains("# expires, 13 digits: milliseconds? /1000 = "),
        "{out}"
    );
    assert!(
        exp_line.ends_with("(in 5m)") || exp_line.ends_with("(in 4m 59s)"),
        "{out}"
    );
    assert!(
        err.contains("warning: exp has 13 digits, like milliseconds, but JWT dates are seconds"),
        "{err}"
    );
    assert!(err.contains("warning: iat has 13 digits"), "{err}");
    // Ten digits are seconds: no hint.
    let token = hs256(&forge::access_header(), &json!({ "exp": now + 300 }));
    let (out, err) = decode(&sandbox, &[], &token);
    assert!(
        !out.contains("milliseconds") && !err.contains("milliseconds"),
        "{out}{err}"
    );
}

#[test]
fn a_jwe_header_alg_is_key_management_not_signing() {
    let sandbox = Sandbox::new();
    let header = b64u(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"k1"}"#);
    let token = format!(
        "{header}.{}.{}.{}.{}",
        b64u([1u8; 32]),
        b64u([7u8; 12]),
        b64u(b"x"),
        b64u([9u8; 16])
    );
    let (out, _) = decode(&sandbox, &[], &token);
    assert!(
        out.contains("\"alg\"  \"RSA-OAEP-256\"  # key management algorithm\n"),
        "{out}"
    );
    assert!(!out.contains("signing"), "{out}");
    assert!(
        out.contains("\"enc\"  \"A256GCM\"  # content encryption\n"),
        "{out}"
    );
    // In a signed token, alg is still the signing algorithm.
    let (out, _) = decode(
        &sandbox,
        &[],
        &hs256(&rs256_header(), &json!({ "sub": "a" })),
    );
    assert!(
        out.contains("\"alg\"  \"RS256\"  # signing algorithm\n"),
        "{out}"
    );
}
