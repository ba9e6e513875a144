//! The refresh-token lifecycle through the real binary: issue records, refresh rotates, reuse
//! revokes the family, revoke takes sessions away, verify --store honours revocations.

use std::process::{Command as StdCommand, Stdio};

use serde_json::Value;

use crate::support::{Sandbox, fails, issue_pair, stdout};

fn sessions(sandbox: &Sandbox, extra: &[&str]) -> Vec<Value> {
    let assert = sandbox
        .cmd()
        .args(["sessions", "--json"])
        .args(extra)
        .assert()
        .success();
    serde_json::from_str(&stdout(&assert)).expect("sessions --json prints a JSON array")
}

fn refresh(sandbox: &Sandbox, token: &str) -> assert_cmd::assert::Assert {
    sandbox.cmd().args(["refresh", token]).assert()
}

fn two_lines(text: &str) -> (String, String) {
    let mut lines = text.lines();
    let access = lines.next().expect("access token line").to_owned();
    let refresh = lines.next().expect("refresh token line").to_owned();
    assert!(lines.next().is_none(), "more than two lines: {text}");
    (access, refresh)
}

#[test]
fn issue_records_the_refresh_token_and_nothing_secret() {
    let sandbox = Sandbox::new();
    let (_, refresh_token) = issue_pair(&sandbox, "alice", &["--session-label", "laptop"]);
    let listed = sessions(&sandbox, &[]);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["sub"], "alice");
    assert_eq!(listed[0]["label"], "laptop");
    let file = std::fs::read_to_string(sandbox.store()).expect("the store file exists");
    let signature = refresh_token.rsplit('.').next().unwrap_or_default();
    assert!(!file.contains("eyJ"), "store holds a token: {file}");
    assert!(!file.contains(signature), "store holds a signature");
    assert!(
        !file.contains(crate::support::SECRET),
        "store holds the secret"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(sandbox.store()).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600));
    }
}

#[test]
fn both_tokens_of_a_pair_carry_the_family_as_sid() {
    let sandbox = Sandbox::new();
    let (access, refresh_token) = issue_pair(&sandbox, "alice", &[]);
    let sid = |token: &str| {
        let assert = sandbox
            .cmd()
            .args(["verify", "--type", "any", "--json", token])
            .assert()
            .success();
        let result: Value = serde_json::from_str(&stdout(&assert)).expect("json");
        result["claims"]["sid"].as_str().map(str::to_owned)
    };
    let family = sid(&access);
    assert!(family.is_some());
    assert_eq!(family, sid(&refresh_token));
    assert_eq!(
        sessions(&sandbox, &[])[0]["family"].as_str(),
        family.as_deref()
    );
}

#[test]
fn refresh_rotates_and_keeps_subject_and_custom_claims() {
    let sandbox = Sandbox::new();
    let (_, first) = issue_pair(
        &sandbox,
        "alice",
        &["--claim", "role=admin", "--claim", "n:=7"],
    );
    let assert = refresh(&sandbox, &first).success();
    let (access, second) = two_lines(&stdout(&assert));
    assert_ne!(first, second);
    let assert = sandbox
        .cmd()
        .args(["verify", "--json", &access])
        .assert()
        .success();
    let result: Value = serde_json::from_str(&stdout(&assert)).expect("json");
    assert_eq!(result["claims"]["sub"], "alice");
    assert_eq!(result["claims"]["role"], "admin");
    assert_eq!(result["claims"]["n"], 7);
    assert_eq!(result["header"]["typ"], "at+jwt");
    // The new refresh token works once more.
    refresh(&sandbox, &second).success();
    let listed = sessions(&sandbox, &[]);
    assert_eq!(listed.len(), 1, "still one session family");
    assert!(listed[0]["last_rotated_at"].is_number());
}

#[test]
fn reuse_revokes_the_whole_family_including_the_newest_token() {
    let sandbox = Sandbox::new();
    let (_, first) = issue_pair(&sandbox, "alice", &[]);
    let (_, second) = two_lines(&stdout(&refresh(&sandbox, &first).success()));
    fails(
        refresh(&sandbox, &first),
        1,
        "refresh token reuse detected; session family",
    );
    fails(refresh(&sandbox, &second), 1, "revoked");
    assert!(sessions(&sandbox, &[]).is_empty());
}

#[test]
fn no_rotate_keeps_the_refresh_token_valid() {
    let sandbox = Sandbox::new();
    let (_, token) = issue_pair(&sandbox, "alice", &[]);
    let assert = sandbox
        .cmd()
        .args(["refresh", "--no-rotate", &token])
        .assert()
        .success();
    assert_eq!(stdout(&assert).lines().count(), 1, "only an access token");
    refresh(&sandbox, &token).success();
}

#[test]
fn refresh_output_modes() {
    let sandbox = Sandbox::new();
    let (_, token) = issue_pair(&sandbox, "alice", &[]);
    let assert = sandbox
        .cmd()
        .args(["refresh", "--output", "json", &token])
        .assert()
        .success();
    let response: Value = serde_json::from_str(&stdout(&assert)).expect("json");
    assert_eq!(response["token_type"], "Bearer");
    assert_eq!(response["expires_in"], 300);
    assert_eq!(response["refresh_expires_in"], 21600);
    let next = response["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_owned();
    let assert = sandbox
        .cmd()
        .args(["refresh", "--output", "env", &next])
        .assert()
        .success();
    let text = stdout(&assert);
    assert!(text.starts_with("JWTCTL_ACCESS_TOKEN=ey"), "{text}");
    assert!(text.contains("\nJWTCTL_REFRESH_TOKEN=ey"), "{text}");
}

#[test]
fn refresh_from_stdin_with_bearer_prefix() {
    let sandbox = Sandbox::new();
    let (_, token) = issue_pair(&sandbox, "alice", &[]);
    sandbox
        .cmd()
        .arg("refresh")
        .write_stdin(format!("Bearer {token}\n"))
        .assert()
        .success();
}

#[test]
fn an_access_token_cannot_be_traded() {
    let sandbox = Sandbox::new();
    let (access, _) = issue_pair(&sandbox, "alice", &[]);
    fails(refresh(&sandbox, &access), 1, "expected refresh+jwt");
}

/// SECURITY.md case 32.
#[test]
fn a_refresh_token_unknown_to_the_store_is_rejected_and_the_store_unchanged() {
    let issuer = Sandbox::new();
    let (_, token) = issue_pair(&issuer, "alice", &[]);
    let other = Sandbox::new();
    issue_pair(&other, "bob", &[]);
    let before = std::fs::read(other.store()).expect("store");
    fails(refresh(&other, &token), 1, "not in the store");
    assert_eq!(std::fs::read(other.store()).expect("store"), before);
}

/// SECURITY.md case 31.
#[test]
fn a_forged_refresh_token_changes_nothing() {
    let sandbox = Sandbox::new();
    let (_, token) = issue_pair(&sandbox, "alice", &[]);
    let before = std::fs::read(sandbox.store()).expect("store");
    // Same claims (same jti), signed with another key.
    let forged = sandbox
        .cmd()
        .env(
            "JWTCTL_SECRET",
            "another-secret-that-is-long-enough-to-be-accepted",
        )
        .args(["refresh", &token])
        .assert();
    fails(forged, 1, "signature does not match");
    assert_eq!(std::fs::read(sandbox.store()).expect("store"), before);
    refresh(&sandbox, &token).success();
}

#[test]
fn an_expired_refresh_token_exits_3() {
    let sandbox = Sandbox::new();
    let (_, token) = issue_pair(&sandbox, "alice", &["--refresh-ttl", "1s"]);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    fails(refresh(&sandbox, &token), 3, "expired");
}

#[test]
fn revoke_by_user_family_token_and_all() {
    let sandbox = Sandbox::new();
    let (_, alice1) = issue_pair(&sandbox, "alice", &[]);
    let (_, alice2) = issue_pair(&sandbox, "alice", &[]);
    let (_, bob) = issue_pair(&sandbox, "bob", &[]);
    let (_, carol) = issue_pair(&sandbox, "carol", &[]);
    let revoked = |args: &[&str]| {
        let assert = sandbox
            .cmd()
            .arg("revoke")
            .args(args)
            .arg("--json")
            .assert()
            .success();
        let result: Value = serde_json::from_str(&stdout(&assert)).expect("json");
        result["revoked"].as_u64()
    };
    assert_eq!(revoked(&["--user", "alice"]), Some(2));
    fails(refresh(&sandbox, &alice1), 1, "revoked");
    fails(refresh(&sandbox, &alice2), 1, "revoked");
    assert_eq!(
        revoked(&["--user", "alice"]),
        Some(0),
        "nothing left to revoke"
    );
    assert_eq!(revoked(&["--token", &bob]), Some(1));
    fails(refresh(&sandbox, &bob), 1, "revoked");
    let family = sessions(&sandbox, &[])[0]["family"]
        .as_str()
        .expect("family")
        .to_owned();
    let assert = sandbox
        .cmd()
        .args(["revoke", "--family", &family])
        .assert()
        .success();
    assert_eq!(stdout(&assert), "revoked 1 session\n");
    fails(refresh(&sandbox, &carol), 1, "revoked");
    let (_, dave) = issue_pair(&sandbox, "dave", &[]);
    assert_eq!(revoked(&["--all"]), Some(1));
    fails(refresh(&sandbox, &dave), 1, "revoked");
}

/// Family ids and subjects are opaque: one that starts with `-` is still a value, not a flag.
#[test]
fn revoke_takes_values_that_start_with_a_hyphen() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args(["revoke", "--family", "-Xy_z"])
        .assert()
        .success();
    assert_eq!(stdout(&assert), "revoked 0 sessions\n");
    sandbox
        .cmd()
        .args(["revoke", "--user", "-bob"])
        .assert()
        .success();
}

#[test]
fn revoke_needs_exactly_one_target() {
    let sandbox = Sandbox::new();
    fails(sandbox.cmd().arg("revoke").assert(), 2, "required");
    fails(
        sandbox
            .cmd()
            .args(["revoke", "--all", "--user", "x"])
            .assert(),
        2,
        "cannot be used with",
    );
}

#[test]
fn revoke_with_a_forged_token_changes_nothing() {
    let sandbox = Sandbox::new();
    let (_, token) = issue_pair(&sandbox, "alice", &[]);
    let before = std::fs::read(sandbox.store()).expect("store");
    let mut forged = token.clone();
    forged.truncate(token.len() - 4);
    forged.push_str("AAAA");
    fails(
        sandbox.cmd().args(["revoke", "--token", &forged]).assert(),
        1,
        "signature",
    );
    assert_eq!(std::fs::read(sandbox.store()).expect("store"), before);
}

#[test]
fn verify_with_store_rejects_access_tokens_of_revoked_sessions() {
    let sandbox = Sandbox::new();
    let (access, _) = issue_pair(&sandbox, "alice", &[]);
    let (other_access, _) = issue_pair(&sandbox, "bob", &[]);
    let store = sandbox.store();
    let store = store.to_str().expect("utf-8 path");
    sandbox
        .cmd()
        .args(["verify", "--store", store, &access])
        .assert()
        .success();
    sandbox
        .cmd()
        .args(["revoke", "--user", "alice"])
        .assert()
        .success();
    fails(
        sandbox
            .cmd()
            .args(["verify", "--store", store, &access])
            .assert(),
        1,
        "revoked",
    );
    // Without --store, verify stays stateless.
    sandbox.cmd().args(["verify", &access]).assert().success();
    sandbox
        .cmd()
        .args(["verify", "--store", store, &other_access])
        .assert()
        .success();
    // --store without a value uses JWTCTL_STORE.
    fails(
        sandbox
            .cmd()
            .args(["verify", "--check-revocation", &access])
            .assert(),
        1,
        "revoked",
    );
}

#[test]
fn user_cut_off_covers_access_tokens_without_a_session() {
    let sandbox = Sandbox::new();
    let lone = crate::support::issue_access(&sandbox, &["--sub", "alice"]);
    issue_pair(&sandbox, "alice", &[]);
    sandbox
        .cmd()
        .args(["revoke", "--user", "alice"])
        .assert()
        .success();
    fails(
        sandbox
            .cmd()
            .args(["verify", "--check-revocation", &lone])
            .assert(),
        1,
        "revoked",
    );
    // A session started after the cut-off is good, even within the same second.
    let (fresh, _) = issue_pair(&sandbox, "alice", &[]);
    sandbox
        .cmd()
        .args(["verify", "--check-revocation", &fresh])
        .assert()
        .success();
}

#[test]
fn sessions_lists_and_filters_and_prunes() {
    let sandbox = Sandbox::new();
    issue_pair(&sandbox, "alice", &["--session-label", "ci job 7"]);
    issue_pair(&sandbox, "bob", &[]);
    assert_eq!(sessions(&sandbox, &[]).len(), 2);
    assert_eq!(sessions(&sandbox, &["--user", "bob"]).len(), 1);
    let assert = sandbox.cmd().arg("sessions").assert().success();
    let table = stdout(&assert);
    assert!(table.starts_with("SUBJECT"), "{table}");
    assert!(table.contains("ci job 7"), "{table}");
    let assert = sandbox
        .cmd()
        .args(["sessions", "prune", "--json"])
        .assert()
        .success();
    assert_eq!(stdout(&assert).trim(), r#"{"pruned":0}"#);
}

/// SECURITY.md case 34: corrupt, truncated and wrong-version stores.
#[test]
fn a_corrupt_store_fails_with_4_and_is_left_unchanged() {
    let sandbox = Sandbox::new();
    for (contents, needle) in [
        (&b"{\"version\":1,"[..], "corrupt"),
        (&b"{\"version\":99}"[..], "version 99"),
        (&b"not json"[..], "corrupt"),
    ] {
        std::fs::write(sandbox.store(), contents).expect("write store");
        fails(
            sandbox.cmd().args(["issue", "--sub", "alice"]).assert(),
            4,
            needle,
        );
        fails(sandbox.cmd().arg("sessions").assert(), 4, needle);
        assert_eq!(std::fs::read(sandbox.store()).expect("store"), contents);
    }
}

#[test]
fn a_store_path_that_is_a_directory_fails_with_4() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.store()).expect("mkdir");
    fails(
        sandbox.cmd().args(["issue", "--sub", "alice"]).assert(),
        4,
        "sessions.json",
    );
}

#[test]
fn no_refresh_never_touches_the_store() {
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.store()).expect("mkdir");
    sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--sub", "alice"])
        .assert()
        .success();
}

/// A failed write exits 4, prints nothing, and loses nothing: the presented refresh token still
/// works afterwards. Tests run as root, where permission bits do not stop a write, so the store's
/// directory is made immutable (`chattr +i`): the lock and the old file can be opened, but the
/// temporary file of the new state cannot be created.
/// SECURITY.md case 35.
#[test]
fn a_failed_store_write_prints_nothing_and_the_old_token_still_works() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("state");
    std::fs::create_dir(&dir).expect("mkdir");
    let store = dir.join("sessions.json");
    let store = store.to_str().expect("utf-8").to_owned();
    let assert = sandbox
        .cmd()
        .args(["issue", "--sub", "alice", "--store", &store])
        .assert()
        .success();
    let (_, token) = two_lines(&stdout(&assert));
    let chattr = |flag: &str| {
        StdCommand::new("chattr")
            .arg(flag)
            .arg(&dir)
            .status()
            .is_ok_and(|status| status.success())
    };
    if !chattr("+i") {
        // Without an immutable directory, fall back to replacing the directory with a file.
        eprintln!(
            "chattr +i is not available here: simulating the failure by removing the directory"
        );
        let saved = sandbox.path("saved");
        std::fs::rename(&dir, &saved).expect("move the store away");
        std::fs::write(&dir, b"not a directory").expect("block the directory");
        fails(
            sandbox
                .cmd()
                .args(["refresh", "--store", &store, &token])
                .assert(),
            4,
            "sessions.json",
        );
        std::fs::remove_file(&dir).expect("unblock");
        std::fs::rename(&saved, &dir).expect("restore the store");
    } else {
        let before = std::fs::read(&store).expect("store");
        let result = sandbox
            .cmd()
            .args(["refresh", "--store", &store, &token])
            .assert();
        let issue = sandbox
            .cmd()
            .args(["issue", "--sub", "bob", "--store", &store])
            .assert();
        chattr("-i");
        fails(result, 4, "sessions.json");
        fails(issue, 4, "sessions.json");
        assert_eq!(std::fs::read(&store).expect("store"), before);
    }
    sandbox
        .cmd()
        .args(["refresh", "--store", &store, &token])
        .assert()
        .success();
}

/// Two processes present the same refresh token at once: exactly one gets a new pair, the other
/// is reported as reuse, and the family ends up revoked. Repeated to catch unlucky interleavings.
#[test]
fn racing_refreshes_of_one_token_yield_exactly_one_pair() {
    let binary = assert_cmd::cargo::cargo_bin("jwtctl");
    for _ in 0..10 {
        let sandbox = Sandbox::new();
        let (_, token) = issue_pair(&sandbox, "alice", &[]);
        let children: Vec<_> = (0..2)
            .map(|_| {
                StdCommand::new(&binary)
                    .args(["refresh", &token])
                    .env("JWTCTL_SECRET", crate::support::SECRET)
                    .env("JWTCTL_STORE", sandbox.store())
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn jwtctl")
            })
            .collect();
        let mut statuses: Vec<i32> = children
            .into_iter()
            .map(|child| {
                let output = child.wait_with_output().expect("wait");
                output.status.code().unwrap_or(-1)
            })
            .collect();
        statuses.sort_unstable();
        assert_eq!(statuses, vec![0, 1]);
        assert!(
            sessions(&sandbox, &[]).is_empty(),
            "the family is revoked after reuse"
        );
    }
}

/// Eight processes each refresh their own session 100 times against one store file.
#[test]
fn eight_processes_times_100_refreshes_lose_nothing() {
    let sandbox = Sandbox::new();
    let binary = assert_cmd::cargo::cargo_bin("jwtctl");
    let subjects: Vec<String> = (0..8).map(|i| format!("user{i}")).collect();
    let firsts: Vec<String> = subjects
        .iter()
        .map(|sub| issue_pair(&sandbox, sub, &[]).1)
        .collect();
    let store = sandbox.store();
    let lasts: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = firsts
            .iter()
            .map(|first| {
                let binary = binary.clone();
                let store = store.clone();
                scope.spawn(move || {
                    let mut token = first.clone();
                    for _ in 0..100 {
                        let output = StdCommand::new(&binary)
                            .args(["refresh", &token])
                            .env("JWTCTL_SECRET", crate::support::SECRET)
                            .env("JWTCTL_STORE", &store)
                            .stdin(Stdio::null())
                            .output()
                            .expect("run jwtctl");
                        assert!(
                            output.status.success(),
                            "{}",
                            String::from_utf8_lossy(&output.stderr)
                        );
                        let text = String::from_utf8_lossy(&output.stdout).into_owned();
                        token = text.lines().nth(1).expect("refresh line").to_owned();
                    }
                    token
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("thread"))
            .collect()
    });
    let listed = sessions(&sandbox, &[]);
    assert_eq!(listed.len(), 8, "every session survives");
    for last in &lasts {
        sandbox
            .cmd()
            .args(["refresh", "--no-rotate", last])
            .assert()
            .success();
    }
    for first in &firsts {
        fails(
            sandbox
                .cmd()
                .args(["refresh", "--no-rotate", first])
                .assert(),
            1,
            "reuse",
        );
    }
}

/// An access token minted by `refresh --no-rotate` belongs to the family too.
#[test]
fn no_rotate_access_tokens_carry_the_family_and_die_with_it() {
    let sandbox = Sandbox::new();
    let (_, token) = issue_pair(&sandbox, "alice", &[]);
    let assert = sandbox
        .cmd()
        .args(["refresh", "--no-rotate", &token])
        .assert()
        .success();
    let access = stdout(&assert).trim_end().to_owned();
    sandbox
        .cmd()
        .args(["verify", "--check-revocation", &access])
        .assert()
        .success();
    sandbox
        .cmd()
        .args(["revoke", "--token", &token])
        .assert()
        .success();
    fails(
        sandbox
            .cmd()
            .args(["verify", "--check-revocation", &access])
            .assert(),
        1,
        "was revoked",
    );
}

#[test]
fn revoke_takes_an_access_token_too() {
    let sandbox = Sandbox::new();
    let (access, refresh_token) = issue_pair(&sandbox, "alice", &[]);
    let assert = sandbox
        .cmd()
        .args(["revoke", "--token", &access])
        .assert()
        .success();
    assert_eq!(stdout(&assert), "revoked 1 session\n");
    fails(refresh(&sandbox, &refresh_token), 1, "revoked");
}

#[test]
fn verify_store_takes_a_value_and_never_the_token() {
    let sandbox = Sandbox::new();
    let (access, _) = issue_pair(&sandbox, "alice", &[]);
    let store = sandbox.store();
    let store = store.to_str().expect("utf-8");
    sandbox
        .cmd()
        .args(["verify", "--store", store, &access])
        .assert()
        .success();
    sandbox
        .cmd()
        .args(["revoke", "--user", "alice"])
        .assert()
        .success();
    fails(
        sandbox
            .cmd()
            .args(["verify", "--store", store, &access])
            .assert(),
        1,
        "revoked",
    );
}

/// SECURITY.md case 43: a store that does not exist is not "nothing revoked"; a typo in the
/// path must not turn the check off.
#[test]
fn checking_a_store_that_does_not_exist_fails_with_4_and_creates_nothing() {
    let sandbox = Sandbox::new();
    let access = crate::support::issue_access(&sandbox, &["--sub", "alice"]);
    let missing = sandbox.path("nowhere/sessions.json");
    let missing_text = missing.to_str().expect("utf-8");
    for extra in [&["--check-revocation"][..], &[][..]] {
        let assert = fails(
            sandbox
                .cmd()
                .args(["verify", "--quiet", "--store", missing_text])
                .args(extra)
                .arg(&access)
                .assert(),
            4,
            "does not exist",
        );
        assert!(crate::support::stderr(&assert).contains(missing_text));
    }
    assert!(!sandbox.path("nowhere").exists());
    assert_eq!(
        std::fs::read_dir(sandbox.dir.path())
            .map(|d| d.count())
            .ok(),
        Some(0)
    );
}

/// Issue 12: listing a store that does not exist is not "no sessions" either; like verify, it
/// fails with 4 naming the path, and leaves nothing behind.
#[test]
fn listing_a_store_that_does_not_exist_fails_with_4_and_creates_nothing() {
    let sandbox = Sandbox::new();
    let missing = sandbox.path("typo.json");
    let missing_text = missing.to_str().expect("utf-8");
    for extra in [
        &[][..],
        &["--json"][..],
        &["--include-revoked", "--json"][..],
    ] {
        let assert = fails(
            sandbox
                .cmd()
                .args(["sessions", "--store", missing_text])
                .args(extra)
                .assert(),
            4,
            "does not exist",
        );
        assert!(crate::support::stderr(&assert).contains(missing_text));
        // From the environment too.
        fails(
            sandbox
                .cmd()
                .env("JWTCTL_STORE", missing_text)
                .arg("sessions")
                .args(extra)
                .assert(),
            4,
            missing_text,
        );
    }
    assert_eq!(
        std::fs::read_dir(sandbox.dir.path())
            .map(|d| d.count())
            .ok(),
        Some(0),
        "not even a lock file"
    );
}

#[test]
fn store_urls_of_other_schemes_are_refused() {
    let sandbox = Sandbox::new();
    for store in [
        "http://example.com/x",
        "redis:/localhost:6379",
        "REDIS:localhost",
    ] {
        fails(
            sandbox
                .cmd()
                .args(["issue", "--sub", "alice", "--store", store])
                .assert(),
            2,
            "not a file path or a supported URL",
        );
    }
    assert_eq!(
        std::fs::read_dir(sandbox.dir.path())
            .map(|d| d.count())
            .ok(),
        Some(0)
    );
}

#[test]
fn verify_type_refresh_uses_the_refresh_secret() {
    let sandbox = Sandbox::new();
    let refresh_secret = "r".repeat(40);
    let assert = sandbox
        .cmd()
        .env("JWTCTL_REFRESH_SECRET", &refresh_secret)
        .args(["issue", "--sub", "alice"])
        .assert()
        .success();
    let (access, refresh_token) = two_lines(&stdout(&assert));
    sandbox
        .cmd()
        .env("JWTCTL_REFRESH_SECRET", &refresh_secret)
        .args(["verify", "--type", "refresh", &refresh_token])
        .assert()
        .success();
    // The access token is signed with the main secret, which alone does not verify the refresh token.
    sandbox.cmd().args(["verify", &access]).assert().success();
    fails(
        sandbox
            .cmd()
            .args(["verify", "--type", "refresh", &refresh_token])
            .assert(),
        1,
        "signature does not match",
    );
}

/// Issue 12: a refresh-token key given on the command line is used, or refused as meaningless
/// there (2, saying why); never ignored, even when it could not be read.
#[test]
fn an_explicit_refresh_key_is_used_or_refused_never_ignored() {
    let sandbox = Sandbox::new();
    let (access, refresh_token) = issue_pair(&sandbox, "alice", &[]);
    let missing = sandbox.path("missing.key");
    let missing = missing.to_str().expect("utf-8");
    let readable = sandbox.write("refresh.key", "r".repeat(40));
    let readable = readable.to_str().expect("utf-8");
    let meaningless: [(&[&str], &str); 6] = [
        (&["verify", &access], "--type refresh"),
        (&["verify", "--type", "access", &access], "--type refresh"),
        (
            &["verify", "--jwks", "jwks.json", "--type", "any", &access],
            "--jwks",
        ),
        (&["issue", "--sub", "a", "--no-refresh"], "--no-refresh"),
        (&["issue", "--batch", "--no-refresh"], "--no-refresh"),
        (&["revoke", "--user", "alice"], "--token"),
    ];
    for (args, why) in meaningless {
        for key in [
            &["--refresh-secret-file", missing][..],
            &["--refresh-secret-file", readable][..],
            &["--refresh-secret-env", "NO_SUCH_VARIABLE"][..],
        ] {
            let assert = sandbox
                .cmd()
                .args(args)
                .args(key)
                .write_stdin("{}\n")
                .assert();
            let assert = fails(assert, 2, key[0]);
            let err = crate::support::stderr(&assert);
            assert!(err.contains(why), "{args:?} {key:?}: {err}");
        }
    }
    // Where it may be needed, one that cannot be read is an error naming it, whether or not this
    // token needed it.
    for args in [
        &["verify", "--type", "any", &access][..],
        &["revoke", "--token", &access][..],
        &["revoke", "--token", &refresh_token][..],
    ] {
        let assert = sandbox
            .cmd()
            .args(args)
            .args(["--refresh-secret-file", missing])
            .assert();
        fails(assert, 2, missing);
    }
    // The variable is the default, not a choice made here: it is not refused where unused.
    sandbox
        .cmd()
        .env("JWTCTL_REFRESH_SECRET", "r".repeat(40))
        .args(["verify", &access])
        .assert()
        .success();
    sandbox
        .cmd()
        .args([
            "revoke",
            "--token",
            &access,
            "--refresh-secret-file",
            readable,
        ])
        .assert()
        .success();
}

/// The same for the main key: `revoke` of a user, a family or everything verifies nothing, so a
/// key option there is a mistake (a path that cannot be read went unnoticed); the environment's
/// `$JWTCTL_SECRET` is a default and is not refused.
#[test]
fn revoke_without_a_token_refuses_a_main_key_it_would_not_use() {
    let sandbox = Sandbox::new();
    issue_pair(&sandbox, "alice", &[]);
    let missing = sandbox.path("missing.key");
    let missing = missing.to_str().expect("utf-8");
    for target in [
        &["--user", "alice"][..],
        &["--family", "f"][..],
        &["--all"][..],
    ] {
        for key in [
            &["--secret-file", missing][..],
            &["--secret-env", "NO_SUCH_VARIABLE"][..],
            &["--key-file", missing][..],
        ] {
            let assert = sandbox.cmd().arg("revoke").args(target).args(key).assert();
            let assert = fails(assert, 2, key[0]);
            let err = crate::support::stderr(&assert);
            assert!(
                err.contains("only revoke --token"),
                "{target:?} {key:?}: {err}"
            );
        }
    }
    sandbox
        .cmd()
        .args(["revoke", "--user", "alice"])
        .assert()
        .success();
}
