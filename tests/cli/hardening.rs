//! The holes issue 12 found (the parts outside the store), each reproduced.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

use crate::forge::{access_header, claims, hs256, parts};
use crate::support::{SECRET, Sandbox, fails, fixture, issue_access, issue_pair, stderr, stdout};

// --- Audience ----------------------------------------------------------------------------------

#[test]
fn a_token_for_an_audience_needs_aud_or_any_aud() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--aud", "api", "--aud", "billing"]);
    let assert = fails(
        sandbox.cmd().args(["verify", &token]).assert(),
        1,
        "token is for audience \"api\", \"billing\"",
    );
    let err = stderr(&assert);
    assert!(err.contains("--any-aud"), "{err}");
    assert!(!err.contains("  "), "one line, single-spaced: {err}");
    sandbox
        .cmd()
        .args(["verify", "--aud", "billing", &token])
        .assert()
        .success();
    sandbox
        .cmd()
        .args(["verify", "--any-aud", &token])
        .assert()
        .success();
    fails(
        sandbox
            .cmd()
            .args(["verify", "--any-aud", "--aud", "api", &token])
            .assert(),
        2,
        "cannot be used with",
    );
    // A token without aud needs neither.
    let plain = issue_access(&sandbox, &[]);
    sandbox.cmd().args(["verify", &plain]).assert().success();
}

// --- Refresh tokens are signed with their own key ---------------------------------------------

#[test]
fn a_refresh_token_does_not_verify_with_the_access_key() {
    let sandbox = Sandbox::new();
    let (access, refresh) = issue_pair(&sandbox, "alice", &["--aud", "api"]);
    let key = DecodingKey::from_secret(SECRET.as_bytes());
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&["api"]);
    assert!(jsonwebtoken::decode::<Value>(&access, &key, &validation).is_ok());
    let error = jsonwebtoken::decode::<Value>(&refresh, &key, &validation)
        .expect_err("a refresh token is not an access token elsewhere");
    assert!(
        matches!(
            error.kind(),
            jsonwebtoken::errors::ErrorKind::InvalidSignature
        ),
        "{error:?}"
    );
    // jwtctl itself still trades and checks it, with nothing more than the main secret.
    sandbox
        .cmd()
        .args(["verify", "--type", "refresh", "--aud", "api", &refresh])
        .assert()
        .success();
    let assert = sandbox.cmd().args(["refresh", &refresh]).assert().success();
    assert_eq!(stdout(&assert).lines().count(), 2);
}

#[test]
fn a_key_pairs_refresh_tokens_need_the_private_key() {
    let sandbox = Sandbox::new();
    let key = fixture("keys/ec256.pem");
    let assert = sandbox
        .cmd()
        .arg("issue")
        .args(["--sub", "alice", "--key-file"])
        .arg(&key)
        .assert()
        .success();
    let refresh = stdout(&assert)
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    assert_eq!(parts(&refresh).0["alg"], "HS256");
    fails(
        sandbox
            .cmd()
            .args(["verify", "--type", "refresh", "--key-file"])
            .arg(fixture("keys/ec256.pub.pem"))
            .arg(&refresh)
            .assert(),
        2,
        "derived from the private one",
    );
    sandbox
        .cmd()
        .args(["verify", "--type", "refresh", "--key-file"])
        .arg(&key)
        .arg(&refresh)
        .assert()
        .success();
}

// --- sid is jwtctl's own -----------------------------------------------------------------------

#[test]
fn a_borrowed_sid_is_replaced_with_a_warning() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args([
            "issue",
            "--no-refresh",
            "--sub",
            "mallory",
            "--claim",
            "sid=victims-family",
        ])
        .assert()
        .success();
    assert!(
        stderr(&assert).contains("sid was replaced"),
        "{}",
        stderr(&assert)
    );
    let token = stdout(&assert).trim_end().to_owned();
    assert_eq!(parts(&token).1.get("sid"), None);
    let assert = sandbox
        .cmd()
        .args(["issue", "--batch", "--no-refresh"])
        .write_stdin("{\"sub\":\"mallory\",\"sid\":\"victims-family\"}\n")
        .assert()
        .success();
    assert!(
        stderr(&assert).contains("sid were replaced"),
        "{}",
        stderr(&assert)
    );
    let response: Value = serde_json::from_str(stdout(&assert).trim()).expect("JSON");
    let token = response["access_token"].as_str().expect("a token");
    assert_eq!(parts(token).1.get("sid"), None);
}

// --- issue refuses what verify rejects ---------------------------------------------------------

#[test]
fn issue_refuses_registered_claims_of_the_wrong_type() {
    let sandbox = Sandbox::new();
    for claim in [
        "nbf=soon",
        "sub:=42",
        "aud:=5",
        "iss:=null",
        "aud:=[\"a\",1]",
    ] {
        fails(
            sandbox
                .cmd()
                .args(["issue", "--no-refresh", "--claim", claim])
                .assert(),
            2,
            "would reject the token",
        );
    }
    let assert = sandbox
        .cmd()
        .args(["issue", "--batch", "--no-refresh"])
        .write_stdin("{\"sub\":42}\n{\"sub\":\"ok\"}\n")
        .assert()
        .code(1);
    let lines: Vec<Value> = stdout(&assert)
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    assert_eq!(lines[0]["error"]["kind"], "claim");
    assert!(lines[1]["access_token"].is_string());
    // With the named flag too, the claim would be dropped unseen (the flag wins): refused.
    for (claim, flag) in [
        ("sub=bob", ["--sub", "alice"]),
        ("sub:=42", ["--sub", "alice"]),
        ("iss=x", ["--iss", "y"]),
        ("aud=x", ["--aud", "y"]),
    ] {
        let assert = sandbox
            .cmd()
            .args(["issue", "--no-refresh", "--claim", claim])
            .args(flag)
            .assert();
        fails(assert, 2, &format!("both set {}", &claim[..3]));
    }
}

// --- typ: a refresh token cannot pass as an access token by spacing ---------------------------

#[test]
fn a_refresh_type_in_disguise_is_still_a_refresh_token() {
    let sandbox = Sandbox::new();
    for typ in [
        " refresh+jwt",
        "refresh+jwt ",
        "refresh+jwt;v=1",
        "Refresh+JWT; x=y",
    ] {
        let token = hs256(&json!({ "alg": "HS256", "typ": typ }), &claims());
        fails(
            sandbox.cmd().args(["verify", &token]).assert(),
            1,
            "this is a refresh token",
        );
    }
}

// --- verify --batch | head ---------------------------------------------------------------------

/// Runs a batch whose reader takes one line and goes away; returns the exit status, after
/// asserting that the closed pipe went unremarked on stderr.
fn batch_read_one_line(sandbox: &Sandbox, args: &[&str], line: &str) -> Option<i32> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jwtctl"))
        .args(args)
        .env("JWTCTL_SECRET", SECRET)
        .env("JWTCTL_STORE", sandbox.store())
        .current_dir(sandbox.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn jwtctl");
    let mut input = child.stdin.take().expect("stdin");
    let text = format!("{line}\n").repeat(50_000);
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let mut errors = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut errors, &mut text);
        text
    });
    let mut first = String::new();
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    out.read_line(&mut first).expect("one line");
    drop(out);
    let status = child.wait().expect("wait");
    let _ = writer.join();
    let err = reader.join().expect("the stderr reader");
    for noise in ["error", "pipe", "panicked"] {
        assert!(!err.to_lowercase().contains(noise), "{args:?}: {err}");
    }
    status.code()
}

/// Issue 12: `verify --batch | head` exited 0 after invalid lines. This audit found `issue
/// --batch | head` still did: every batch now exits 1 when a line it printed failed, 0
/// otherwise, and says nothing about the closed pipe.
#[test]
fn a_batch_cut_short_still_says_it_saw_an_invalid_line() {
    let sandbox = Sandbox::new();
    let valid = issue_access(&sandbox, &[]);
    for (args, line, status) in [
        (&["verify", "--batch"][..], "not-a-token", 1),
        (&["verify", "--batch"][..], valid.as_str(), 0),
        (&["decode", "--batch"][..], "not-a-token", 1),
        (&["decode", "--batch"][..], valid.as_str(), 0),
        (&["issue", "--batch", "--no-refresh"][..], "not JSON", 1),
        (
            &["issue", "--batch", "--no-refresh"][..],
            r#"{"sub":"a"}"#,
            0,
        ),
        (&["issue", "--batch"][..], r#"{"aud":"no sub"}"#, 1),
        (&["issue", "--batch"][..], r#"{"sub":"a"}"#, 0),
    ] {
        assert_eq!(
            batch_read_one_line(&sandbox, args, line),
            Some(status),
            "{args:?} {line}"
        );
    }
}

// --- Terminal safety ---------------------------------------------------------------------------

#[test]
fn invisible_characters_are_shown_in_error_messages() {
    let sandbox = Sandbox::new();
    for sub in [
        "admin\u{e0041}",
        "admin\u{3164}",
        "admin\u{115f}",
        "ad\u{202e}min",
        "admin\u{9b}",
    ] {
        let token = hs256(
            &access_header(),
            &json!({ "sub": sub, "exp": crate::forge::now() + 600 }),
        );
        let assert = fails(
            sandbox
                .cmd()
                .args(["verify", "--sub", "admin", &token])
                .assert(),
            1,
            "claim sub is \"ad",
        );
        let err = stderr(&assert);
        assert!(!err.contains(sub), "raw {sub:?} in {err:?}");
        assert!(err.contains("\\u{"), "{err}");
    }
}

// --- TZ ------------------------------------------------------------------------------------------

/// Runs `decode --date local` with `env` and asserts it fell back to UTC with a warning that
/// contains `why`. A decode that hangs is killed, and the test fails.
fn falls_back_to_utc(cmd: &mut assert_cmd::Command, token: &str, why: &str) {
    let assert = cmd
        .args(["decode", "--date", "local", token])
        .timeout(Duration::from_secs(60))
        .assert();
    let err = stderr(&assert);
    assert_eq!(assert.get_output().status.code(), Some(0), "{err}");
    assert!(err.contains("dates are shown in UTC"), "{err}");
    assert!(err.contains(why), "{why:?} not in {err}");
    assert!(stdout(&assert).contains(" UTC ("), "{}", stdout(&assert));
}

/// Issue 12: `TZ=/dev/zero` hung decode; and this audit found that a relative `TZ` (jiff reads
/// it from the current directory, or from `TZDIR`) still led to a FIFO or a device and hung.
/// Every zone file is now opened without blocking and must be a regular file within a limit.
#[cfg(unix)]
#[test]
fn an_endless_or_unreadable_zone_file_falls_back_to_utc() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    let fifo = sandbox.path("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let zones = sandbox.path("zones");
    fs::create_dir(&zones).expect("mkdir");
    std::os::unix::fs::symlink(&fifo, zones.join("Fifo")).expect("symlink");
    std::os::unix::fs::symlink("/dev/zero", zones.join("Zero")).expect("symlink");
    let huge = fs::File::create(zones.join("Huge")).expect("create");
    huge.set_len(1 << 30).expect("a 1 GiB sparse file");
    let fifo = fifo.to_str().expect("UTF-8").to_owned();
    for (tz, why) in [
        ("/dev/zero", "TZ=/dev/zero is a device"),
        (":/dev/zero", "TZ=/dev/zero is a device"),
        (fifo.as_str(), "is a FIFO"),
        ("fifo", "TZ=fifo is a FIFO"),
        (":fifo", "TZ=fifo is a FIFO"),
        ("../../../../../../../../dev/zero", "which is a device"),
        ("/", "is a directory"),
        ("/nonexistent/zone", "names no time zone file"),
        ("Nowhere/Land", "names no time zone file"),
    ] {
        falls_back_to_utc(sandbox.cmd().env("TZ", tz), &token, why);
    }
    for (tz, why) in [
        ("Fifo", "which is a FIFO"),
        ("Zero", "which is a device"),
        ("Huge", "over the limit of 1048576 bytes"),
    ] {
        falls_back_to_utc(
            sandbox.cmd().env("TZ", tz).env("TZDIR", &zones),
            &token,
            why,
        );
    }
    // A zone that is there is still used, by name or as a POSIX rule.
    for (tz, shown) in [("UTC0", " UTC ("), ("<+03>-3", " +03 (")] {
        let assert = sandbox
            .cmd()
            .env("TZ", tz)
            .args(["decode", "--date", "local", &token])
            .assert()
            .success();
        assert!(stdout(&assert).contains(shown), "{tz}: {}", stdout(&assert));
        assert!(!stderr(&assert).contains("warning"), "{}", stderr(&assert));
    }
}

/// The same for a zone file the caller may not read, as another user.
#[cfg(unix)]
#[test]
fn a_zone_file_the_caller_cannot_read_falls_back_to_utc() {
    use std::os::unix::fs::PermissionsExt;
    if !crate::store_hardening::can_switch_users() {
        return;
    }
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    fs::set_permissions(sandbox.dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
    let zone = sandbox.path("zone");
    fs::copy("/etc/localtime", &zone).expect("a copy of the system zone");
    fs::set_permissions(&zone, fs::Permissions::from_mode(0o600)).expect("chmod");
    let mut cmd = assert_cmd::Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(assert_cmd::cargo::cargo_bin("jwtctl"))
        .env_clear()
        .env("TZ", &zone)
        .current_dir("/");
    falls_back_to_utc(&mut cmd, &token, "cannot be read: Permission denied");
}

// --- Keys: several in one PEM, a kid twice -----------------------------------------------------

#[test]
fn a_pem_file_with_several_keys_is_refused() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    let two = format!(
        "{}{}",
        fs::read_to_string(fixture("keys/ec256.pub.pem")).expect("fixture"),
        fs::read_to_string(fixture("keys/ec256-other.pub.pem")).expect("fixture")
    );
    sandbox.write("two.pem", two);
    fails(
        sandbox
            .cmd()
            .args(["verify", "--key-file", "two.pem", &token])
            .assert(),
        2,
        "holds 2 PEM blocks",
    );
    // A certificate chain is one key: its first certificate's.
    let chain = format!(
        "{}{}",
        fs::read_to_string(fixture("keys/ec256.crt")).expect("fixture"),
        fs::read_to_string(fixture("keys/rsa.crt")).expect("fixture")
    );
    sandbox.write("chain.pem", chain);
    let assert = sandbox
        .cmd()
        .arg("issue")
        .args(["--no-refresh", "--key-file"])
        .arg(fixture("keys/ec256.pem"))
        .assert()
        .success();
    let signed = stdout(&assert).trim_end().to_owned();
    sandbox
        .cmd()
        .args(["verify", "--key-file", "chain.pem", &signed])
        .assert()
        .success();
}

/// Issue 12, re-audited: the JWE commands read keys through another loader, which took the
/// first block of a PEM file and went on (`encrypt --key-file two.pem` exit 0). Every command
/// that reads a key file refuses one that holds several keys, and names the blocks.
#[test]
fn every_command_refuses_a_pem_file_with_several_keys() {
    let sandbox = Sandbox::new();
    let read = |name: &str| fs::read_to_string(fixture(name)).expect("fixture");
    let private = read("keys/ec256.pem");
    let public = read("keys/ec256.pub.pem");
    for (name, contents) in [
        (
            "two-private.pem",
            format!("{private}{}", read("keys/ec256-other.pem")),
        ),
        (
            "two-public.pem",
            format!("{public}{}", read("keys/ec256-other.pub.pem")),
        ),
        (
            "key-and-cert.pem",
            format!("{private}{}", read("keys/ec256.crt")),
        ),
        ("twice.pem", format!("{public}{public}")),
    ] {
        sandbox.write(name, contents);
        for args in [
            vec!["verify", "--key-file", name, "a.b.c"],
            vec!["issue", "--no-refresh", "--key-file", name],
            vec!["convert", name, "--to", "jwk"],
            vec!["jwks", name],
            vec!["encrypt", "--key-file", name, "hello"],
            vec!["decrypt", "--key-file", name, "a.b.c.d.e"],
            vec!["decode", "--decrypt-key", name, "a.b.c.d.e"],
            vec!["verify", "--decrypt-key", name, "a.b.c.d.e"],
            vec!["issue", "--no-refresh", "--encrypt-to", name],
        ] {
            fails(
                sandbox.cmd().args(&args).assert(),
                2,
                "holds 2 PEM blocks (",
            );
        }
    }
}

#[test]
fn a_kid_given_twice_in_a_jwks_names_no_key() {
    let sandbox = Sandbox::new();
    let jwks = |paths: &[&str]| {
        let mut cmd = sandbox.cmd();
        cmd.arg("jwks");
        for path in paths {
            cmd.arg(fixture(path));
        }
        cmd.assert()
    };
    let document: Value = serde_json::from_str(&stdout(
        &jwks(&["keys/ec256.pub.pem", "keys/ec256-other.pub.pem"]).success(),
    ))
    .expect("a JWKS");
    let mut keys = document["keys"].as_array().expect("keys").clone();
    let kid = keys[0]["kid"].clone();
    keys[1]["kid"] = kid.clone();
    sandbox.write("jwks.json", json!({ "keys": keys }).to_string());
    let assert = sandbox
        .cmd()
        .arg("issue")
        .args(["--no-refresh", "--key-file"])
        .arg(fixture("keys/ec256.pem"))
        .args(["--kid", kid.as_str().expect("a kid")])
        .assert()
        .success();
    let token = stdout(&assert).trim_end().to_owned();
    let assert = fails(
        sandbox
            .cmd()
            .args(["verify", "--jwks", "jwks.json", &token])
            .assert(),
        2,
        "",
    );
    assert!(
        stderr(&assert).contains("more than one key with kid"),
        "{}",
        stderr(&assert)
    );
    // jwtctl never writes such a document.
    fails(
        jwks(&["keys/ec256.pub.pem", "keys/ec256.pem"]),
        2,
        "are the same key",
    );
}

/// The same with a third key beside the pair: only the duplicated kid is refused (the token that
/// names it is rejected, the warning says why), and the other key still verifies; as a
/// `--key-file` JWKS, `--kid` cannot pick the duplicated one.
#[test]
fn a_kid_given_twice_is_refused_for_that_kid_only() {
    let sandbox = Sandbox::new();
    let document: Value = serde_json::from_str(&stdout(
        &sandbox
            .cmd()
            .arg("jwks")
            .arg(fixture("keys/ec256.pub.pem"))
            .arg(fixture("keys/ec256-other.pub.pem"))
            .arg(fixture("keys/rsa.pub.pem"))
            .assert()
            .success(),
    ))
    .expect("a JWKS");
    let mut keys = document["keys"].as_array().expect("keys").clone();
    let twice = keys[0]["kid"].as_str().expect("a kid").to_owned();
    let rsa_kid = keys[2]["kid"].as_str().expect("a kid").to_owned();
    keys[1]["kid"] = json!(twice);
    sandbox.write("jwks.json", json!({ "keys": keys }).to_string());
    let sign = |key: &str, kid: &str| {
        let assert = sandbox
            .cmd()
            .args(["issue", "--no-refresh", "--kid", kid, "--key-file"])
            .arg(fixture(key))
            .assert()
            .success();
        stdout(&assert).trim_end().to_owned()
    };
    for key in ["keys/ec256.pem", "keys/ec256-other.pem"] {
        let token = sign(key, &twice);
        let assert = fails(
            sandbox
                .cmd()
                .args(["verify", "--jwks", "jwks.json", &token])
                .assert(),
            1,
            "token rejected",
        );
        assert!(
            stderr(&assert).contains("has more than one key with kid"),
            "{}",
            stderr(&assert)
        );
    }
    let token = sign("keys/rsa.pem", &rsa_kid);
    sandbox
        .cmd()
        .args(["verify", "--jwks", "jwks.json", &token])
        .assert()
        .success();
    fails(
        sandbox
            .cmd()
            .args(["verify", "--key-file", "jwks.json", "--kid", &twice, &token])
            .assert(),
        2,
        "more than one key with kid",
    );
}

// --- Values that begin with a dash -------------------------------------------------------------

#[test]
fn values_may_begin_with_a_dash() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--sub", "-x", "--iss", "-i", "--aud", "-a"]);
    assert_eq!(parts(&token).1["sub"], "-x");
    sandbox
        .cmd()
        .args([
            "verify", "--sub", "-x", "--iss", "-i", "--aud", "-a", &token,
        ])
        .assert()
        .success();
    // revoke first: it records the cut-off in a new store, which sessions needs to exist.
    sandbox
        .cmd()
        .args(["revoke", "--user", "-x"])
        .assert()
        .success();
    sandbox
        .cmd()
        .args(["sessions", "--user", "-x"])
        .assert()
        .success();
    // An instant before 1970 is an instant: the token is then not yet issued.
    fails(
        sandbox
            .cmd()
            .args(["verify", "--any-aud", "--now", "-5", &token])
            .assert(),
        1,
        "token claims to be issued",
    );
}

/// Found by this audit: a key id, a jti or a family id is random base64url and begins with `-`
/// one time in 64 (RFC 7638 thumbprints, which jwtctl uses as kids, included), and a claim name
/// may too; options that take one refused it as an unknown option.
#[test]
fn ids_and_claim_names_may_begin_with_a_dash() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--jti", "-j"]);
    assert_eq!(parts(&token).1["jti"], "-j");
    fails(
        sandbox
            .cmd()
            .args(["verify", "--require", "-r", &token])
            .assert(),
        1,
        "required claim \"-r\" is missing",
    );
    let jwks = stdout(
        &sandbox
            .cmd()
            .arg("jwks")
            .arg(fixture("keys/ec256.pub.pem"))
            .assert()
            .success(),
    );
    sandbox.write("jwks.json", jwks);
    for args in [
        vec!["verify", "--key-file", "jwks.json", "--kid", "-k", &token],
        vec!["convert", "jwks.json", "--kid", "-k", "--to", "pem"],
    ] {
        fails(
            sandbox.cmd().args(&args).assert(),
            2,
            "no key with kid \"-k\"",
        );
    }
    let jwe = stdout(
        &sandbox
            .cmd()
            .arg("encrypt")
            .arg("--key-file")
            .arg(fixture("keys/ec256.pub.pem"))
            .args(["--kid", "-k", "--cty", "-c", "hello"])
            .assert()
            .success(),
    );
    let header = parts(&format!(
        "{}.e30.",
        jwe.split('.').next().unwrap_or_default()
    ))
    .0;
    assert_eq!(
        (&header["kid"], &header["cty"]),
        (&json!("-k"), &json!("-c"))
    );
    let (_, refresh) = issue_pair(&sandbox, "alice", &[]);
    let assert = sandbox
        .cmd()
        .args(["refresh", "--claim", "-x=1", &refresh])
        .assert()
        .success();
    let access = stdout(&assert)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(parts(&access).1["-x"], "1");
    sandbox
        .cmd()
        .args(["revoke", "--family", "-f"])
        .assert()
        .success();
}

// --- Size caps -----------------------------------------------------------------------------------

#[test]
fn inputs_read_whole_have_a_limit() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    sandbox.write("big", "a".repeat(2 * 1024 * 1024));
    // Sparse: a gigabyte that takes no disk space.
    let sparse = fs::File::create(sandbox.path("sparse")).expect("create");
    sparse.set_len(1 << 30).expect("set_len");
    for input in ["big", "sparse", "/dev/zero"] {
        let at = format!("@{input}");
        for args in [
            vec!["issue", "--no-refresh", "--payload", &at],
            vec!["verify", "--secret-file", input, &token],
            vec!["verify", "--key-file", input, &token],
            vec!["verify", "--jwks", input, &token],
            vec!["issue", "--no-refresh", "--secret-file", input],
            vec!["issue", "--no-refresh", "--key-file", input],
        ] {
            fails(
                sandbox
                    .cmd()
                    .args(&args)
                    .timeout(Duration::from_secs(60))
                    .assert(),
                2,
                "limit of 1048576 bytes",
            );
        }
        // The store's limit is larger (a store holds every session), and a device is not one.
        let why = if input == "/dev/zero" {
            "it is a device, not a store file"
        } else if input == "sparse" {
            "over the limit of 268435456 bytes (256 MiB)"
        } else {
            "is corrupt"
        };
        for args in [vec!["sessions"], vec!["issue", "--sub", "alice"]] {
            fails(
                sandbox
                    .cmd()
                    .args(&args)
                    .args(["--store", input])
                    .timeout(Duration::from_secs(60))
                    .assert(),
                4,
                why,
            );
        }
    }
    for args in [
        vec!["issue", "--no-refresh", "--payload", "-"],
        vec!["verify", "--secret-file", "-", &token],
    ] {
        // Not assert_cmd's pipe_stdin, which reads the whole file first; timeout(1) kills a
        // jwtctl that would read forever, and the status then fails the test.
        let mut command = Command::new("timeout");
        command
            .arg("120")
            .arg(env!("CARGO_BIN_EXE_jwtctl"))
            .args(&args)
            .env("JWTCTL_SECRET", SECRET)
            .env_remove("JWTCTL_STORE")
            .current_dir(sandbox.dir.path())
            .stdin(fs::File::open("/dev/zero").expect("/dev/zero"));
        let output = command.output().expect("jwtctl runs");
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(output.stdout.is_empty());
        assert!(err.contains("limit of 1048576 bytes"), "{args:?}: {err}");
    }
}

// --- man --dir and completions --dir never write through a link --------------------------------

#[cfg(unix)]
#[test]
fn generated_files_replace_a_planted_link_instead_of_following_it() {
    let sandbox = Sandbox::new();
    let victim = sandbox.write("victim.txt", "keep me");
    let dir = sandbox.path("out");
    fs::create_dir(&dir).expect("mkdir");
    std::os::unix::fs::symlink(&victim, dir.join("jwtctl.1")).expect("symlink");
    std::os::unix::fs::symlink(&victim, dir.join("jwtctl.bash")).expect("symlink");
    sandbox
        .cmd()
        .args(["man", "--dir", "out"])
        .assert()
        .success();
    sandbox
        .cmd()
        .args(["completions", "--dir", "out"])
        .assert()
        .success();
    assert_eq!(fs::read_to_string(&victim).expect("read"), "keep me");
    for name in ["jwtctl.1", "jwtctl.bash"] {
        let metadata = fs::symlink_metadata(dir.join(name)).expect("written");
        assert!(metadata.file_type().is_file(), "{name} is still a link");
    }
}
