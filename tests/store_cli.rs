//! The store's options through the real binary, on the file store: the reuse grace window
//! (`refresh --reuse-grace`, `JWTCTL_REUSE_GRACE`), `refresh --no-rotate` and
//! `sessions --include-revoked`.

#[path = "cli/support.rs"]
mod cli;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cli::{Sandbox, fails, stdout};
use serde_json::Value;

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWS");
    let bytes = URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// The access and refresh token lines of `issue` or `refresh`.
fn pair(out: &str) -> (String, String) {
    let mut lines = out.lines();
    let access = lines.next().expect("an access token line").to_owned();
    let refresh = lines.next().expect("a refresh token line").to_owned();
    (access, refresh)
}

fn issue(sandbox: &Sandbox) -> String {
    let out = stdout(
        &sandbox
            .cmd()
            .args(["issue", "--sub", "alice"])
            .assert()
            .success(),
    );
    pair(&out).1
}

#[test]
fn within_the_grace_window_the_previous_token_continues_the_session() {
    let sandbox = Sandbox::new();
    let first = issue(&sandbox);
    let (_, second) = pair(&stdout(
        &sandbox.cmd().args(["refresh", &first]).assert().success(),
    ));
    // The client lost the answer and presents the old token again.
    let again = sandbox
        .cmd()
        .args(["refresh", "--reuse-grace", "30s", &first])
        .assert()
        .success();
    let (access, continued) = pair(&stdout(&again));
    let (was, now) = (claims(&second), claims(&continued));
    assert_eq!(now["jti"], was["jti"], "the same refresh token goes on");
    assert_eq!(now["exp"], was["exp"]);
    assert_eq!(now["sid"], was["sid"]);
    assert_eq!(claims(&access)["sid"], was["sid"]);
    // One session, and it goes on with either copy of that token.
    let sessions = stdout(
        &sandbox
            .cmd()
            .args(["sessions", "--json"])
            .assert()
            .success(),
    );
    let sessions: Value = serde_json::from_str(&sessions).expect("JSON");
    assert_eq!(sessions.as_array().map(Vec::len), Some(1));
    sandbox
        .cmd()
        .env("JWTCTL_REUSE_GRACE", "30s")
        .args(["refresh", &continued])
        .assert()
        .success();
    // That token is now spent too: presenting the first one again is reuse even in the window,
    // since its successor has been used.
    fails(
        sandbox
            .cmd()
            .args(["refresh", "--reuse-grace", "30s", &first])
            .assert(),
        1,
        "reuse",
    );
}

#[test]
fn without_a_grace_window_the_previous_token_is_reuse() {
    let sandbox = Sandbox::new();
    let first = issue(&sandbox);
    sandbox.cmd().args(["refresh", &first]).assert().success();
    fails(sandbox.cmd().args(["refresh", &first]).assert(), 1, "reuse");
}

#[test]
fn the_grace_window_is_at_most_five_minutes() {
    let sandbox = Sandbox::new();
    let first = issue(&sandbox);
    fails(
        sandbox
            .cmd()
            .args(["refresh", "--reuse-grace", "6m", &first])
            .assert(),
        2,
        "at most 5m",
    );
    fails(
        sandbox
            .cmd()
            .env("JWTCTL_REUSE_GRACE", "1h")
            .args(["refresh", &first])
            .assert(),
        2,
        "at most 5m",
    );
    // Nothing was traded.
    sandbox.cmd().args(["refresh", &first]).assert().success();
}

/// `refresh --no-rotate` mints an access token for a refresh token it keeps; a revocation of
/// the family must be remembered until that access token expires, even when it outlives the
/// refresh token.
#[test]
fn no_rotate_access_tokens_stay_revoked_until_they_expire() {
    let sandbox = Sandbox::new();
    let out = stdout(
        &sandbox
            .cmd()
            .args(["issue", "--sub", "alice", "--refresh-ttl", "1m"])
            .assert()
            .success(),
    );
    let (_, refresh) = pair(&out);
    let minted = stdout(
        &sandbox
            .cmd()
            .args(["refresh", "--no-rotate", "--access-ttl", "2h", &refresh])
            .assert()
            .success(),
    );
    let access = minted.lines().next().expect("an access token").to_owned();
    let family = claims(&access)["sid"].as_str().expect("a sid").to_owned();
    sandbox
        .cmd()
        .args(["revoke", "--family", &family])
        .assert()
        .success();
    // Ten minutes on: the refresh token has expired, the access token has not.
    let later = (claims(&access)["iat"].as_i64().expect("iat") + 600).to_string();
    fails(
        sandbox
            .cmd()
            .args(["verify", "--check-revocation", "--now", &later, &access])
            .assert(),
        1,
        "revoked",
    );
}

#[test]
fn sessions_include_revoked_shows_when_and_why() {
    let sandbox = Sandbox::new();
    let first = issue(&sandbox);
    sandbox.cmd().args(["refresh", &first]).assert().success();
    fails(sandbox.cmd().args(["refresh", &first]).assert(), 1, "reuse");
    let kept = issue(&sandbox);
    let live = stdout(
        &sandbox
            .cmd()
            .args(["sessions", "--json"])
            .assert()
            .success(),
    );
    let live: Value = serde_json::from_str(&live).expect("JSON");
    assert_eq!(live.as_array().map(Vec::len), Some(1));
    assert!(live[0].get("reason").is_none(), "{live}");

    let all = stdout(
        &sandbox
            .cmd()
            .args(["sessions", "--include-revoked", "--json"])
            .assert()
            .success(),
    );
    let all: Value = serde_json::from_str(&all).expect("JSON");
    let entries = all.as_array().expect("an array");
    assert_eq!(entries.len(), 2, "{all}");
    assert_eq!(entries[0]["family"], claims(&kept)["sid"]);
    assert_eq!(entries[1]["family"], claims(&first)["sid"]);
    assert_eq!(entries[1]["reason"], "reuse");
    assert!(entries[1]["revoked_at"].is_i64(), "{all}");

    let table = stdout(
        &sandbox
            .cmd()
            .args(["sessions", "--include-revoked"])
            .assert()
            .success(),
    );
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].ends_with("REVOKED"), "{table}");
    assert!(lines[1].ends_with('-'), "{table}");
    assert!(lines[2].ends_with("(reuse)"), "{table}");
    // Without the flag the table is as before.
    let plain = stdout(&sandbox.cmd().args(["sessions"]).assert().success());
    assert!(
        plain
            .lines()
            .next()
            .is_some_and(|line| line.ends_with("LAST ROTATED"))
    );
}

#[test]
fn refresh_claims_and_payload_override_the_carried_claims() {
    let sandbox = Sandbox::new();
    let out = stdout(
        &sandbox
            .cmd()
            .args([
                "issue",
                "--sub",
                "alice",
                "--claim",
                "role=user",
                "--claim",
                "team=a",
            ])
            .assert()
            .success(),
    );
    let (_, first) = pair(&out);
    let out = stdout(
        &sandbox
            .cmd()
            .args(["refresh", "--claim", "role=admin", &first])
            .assert()
            .success(),
    );
    let (access, second) = pair(&out);
    for token in [&access, &second] {
        let claims = claims(token);
        assert_eq!(claims["role"], "admin");
        assert_eq!(claims["team"], "a", "the other claims are carried");
        assert_eq!(claims["sub"], "alice");
    }
    let payload = sandbox.write("payload.json", r#"{"role":"ops","level":3}"#);
    let out = stdout(
        &sandbox
            .cmd()
            .args(["refresh", "--payload"])
            .arg(format!("@{}", payload.display()))
            .args(["--claim", "level:=4", &second])
            .assert()
            .success(),
    );
    let (access, third) = pair(&out);
    let claims_now = claims(&access);
    assert_eq!(claims_now["role"], "ops");
    assert_eq!(claims_now["level"], 4, "--claim wins over --payload");
    assert_eq!(claims_now["team"], "a");
    // jwtctl's own claims stay jwtctl's; the subject cannot change; bad input is a usage error.
    let assert = sandbox
        .cmd()
        .args(["refresh", "--claim", "jti=mine", &third])
        .assert()
        .success();
    assert!(cli::stderr(&assert).contains("jti was replaced"));
    let (_, fourth) = pair(&stdout(&assert));
    assert_ne!(claims(&fourth)["jti"], "mine");
    fails(
        sandbox
            .cmd()
            .args(["refresh", "--claim", "sub=bob", &fourth])
            .assert(),
        2,
        "cannot change sub",
    );
    fails(
        sandbox
            .cmd()
            .args(["refresh", "--payload", "[1]", &fourth])
            .assert(),
        2,
        "payload",
    );
    // Nothing was traded by the refused calls.
    sandbox.cmd().args(["refresh", &fourth]).assert().success();
}

#[test]
fn refresh_payload_from_stdin_cannot_share_it_with_the_token() {
    let sandbox = Sandbox::new();
    let first = issue(&sandbox);
    fails(
        sandbox
            .cmd()
            .args(["refresh", "--payload", "-"])
            .write_stdin(first)
            .assert(),
        2,
        "--payload -",
    );
}
