//! SECURITY.md case 39 and issue 12 ("terminal safety"), against the binary: text that a token,
//! a store, a server or a command line brings is escaped wherever it reaches a terminal, and
//! JSON on a terminal stays JSON, with `\u` escapes.

use std::fs;
use std::io::{Read, Write};

use serde_json::{Value, json};

use crate::forge::{access_header, hs256, now};
use crate::support::{
    HOSTILE, Run, Sandbox, fails, fixture, issue_pair, nothing_raw, stderr, stdout,
};

/// The store after one `issue --session-label`, with `HOSTILE` planted in the subject and the
/// family of its one session, as a corrupted or forged store file would hold them.
fn hostile_store(sandbox: &Sandbox) {
    issue_pair(sandbox, "alice", &["--session-label", HOSTILE]);
    let mut store: Value =
        serde_json::from_str(&fs::read_to_string(sandbox.store()).expect("the store"))
            .expect("the store is JSON");
    let tokens = store["tokens"].as_object_mut().expect("tokens");
    assert_eq!(tokens.len(), 1);
    for record in tokens.values_mut() {
        assert_eq!(record["label"], HOSTILE, "the label is stored as given");
        record["sub"] = json!(format!("sub{HOSTILE}"));
        record["fam"] = json!(format!("fam{HOSTILE}"));
    }
    fs::write(sandbox.store(), store.to_string()).expect("write the store");
}

/// What `sanitize` makes of `HOSTILE` in text output.
const HOSTILE_SHOWN: &str = r"x\e[31m\u{009b}2J\u{202e}\u{e0041}\u{3164}\u{115f}y";

#[test]
fn sessions_escape_the_subject_family_and_label_in_a_pipe_and_on_a_terminal() {
    let sandbox = Sandbox::new();
    hostile_store(&sandbox);
    let piped = stdout(&sandbox.cmd().arg("sessions").assert().success());
    let shown = sandbox.on_terminal(&["sessions"], Run::default());
    assert_eq!(shown.status, Some(0), "{}", shown.stderr);
    for (what, text) in [
        ("piped", piped.as_str()),
        ("terminal", shown.shown.as_str()),
    ] {
        nothing_raw(what, text);
        let row = text.lines().nth(1).expect("a session row");
        for column in [
            format!("sub{HOSTILE_SHOWN}"),
            format!("fam{HOSTILE_SHOWN}"),
            HOSTILE_SHOWN.to_owned(),
        ] {
            assert!(row.contains(&column), "{what}: {column} not in {row}");
        }
    }
    // The FAMILY column is as wide as its escaped text, so the columns after it line up.
    let lines: Vec<&str> = piped.lines().collect();
    let label_at = lines[0].find("LABEL").expect("a LABEL heading");
    assert_eq!(
        &lines[1][label_at..label_at + HOSTILE_SHOWN.len()],
        HOSTILE_SHOWN
    );
}

#[test]
fn sessions_json_on_a_terminal_is_json_with_u_escapes() {
    let sandbox = Sandbox::new();
    hostile_store(&sandbox);
    let shown = sandbox.on_terminal(&["sessions", "--json"], Run::default());
    assert_eq!(shown.status, Some(0), "{}", shown.stderr);
    nothing_raw("sessions --json", &shown.shown);
    assert!(
        shown
            .shown
            .contains(r"\u009b2J\u202e\udb40\udc41\u3164\u115f")
    );
    let sessions: Value = serde_json::from_str(&shown.shown).expect("valid JSON");
    assert_eq!(sessions[0]["family"], format!("fam{HOSTILE}"));
    assert_eq!(sessions[0]["sub"], format!("sub{HOSTILE}"));
    assert_eq!(sessions[0]["label"], HOSTILE);
    // In a pipe it is the same JSON, the characters as they are.
    let piped: Value = serde_json::from_str(&stdout(
        &sandbox
            .cmd()
            .args(["sessions", "--json"])
            .assert()
            .success(),
    ))
    .expect("valid JSON");
    assert_eq!(piped, sessions);
}

/// Every line of `text` that is not empty is a JSON document.
fn json_lines(what: &str, text: &str) -> Vec<Value> {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|error| panic!("{what}: {error}: {line:?}"))
        })
        .collect()
}

/// Found by this audit: the escaping of JSON for a terminal also turned its line breaks into
/// `\u000a`, so that `verify`'s claims, `--json` documents and the lines of a batch were one
/// line of invalid JSON on a terminal.
#[test]
fn json_on_a_terminal_keeps_its_lines_and_stays_json() {
    let sandbox = Sandbox::new();
    let token = hs256(
        &access_header(),
        &json!({ "sub": HOSTILE, HOSTILE: [HOSTILE], "exp": now() + 600 }),
    );
    let batch = format!("{token}\n{token}\n");
    sandbox.write("batch.txt", &batch);
    let check = |args: &[&str], documents: usize| -> Vec<Value> {
        let shown = sandbox.on_terminal(args, Run::default());
        assert_eq!(shown.status, Some(0), "{args:?}: {}", shown.stderr);
        nothing_raw(&format!("{args:?}"), &shown.shown);
        assert!(shown.shown.ends_with('\n'), "{args:?}: {:?}", shown.shown);
        let found = if documents == 0 {
            vec![serde_json::from_str(&shown.shown).expect("one pretty-printed document")]
        } else {
            json_lines(&format!("{args:?}"), &shown.shown)
        };
        assert_eq!(found.len(), documents.max(1), "{args:?}: {:?}", shown.shown);
        found
    };
    // verify prints the claims pretty-printed, over several lines.
    let claims = check(&["verify", &token], 0);
    assert_eq!(claims[0]["sub"], HOSTILE);
    assert_eq!(claims[0][HOSTILE][0], HOSTILE);
    let verified = check(&["verify", "--json", &token], 1);
    assert_eq!(verified[0]["claims"]["sub"], HOSTILE);
    let decoded = check(&["decode", "--json", &token], 1);
    assert_eq!(decoded[0]["payload"]["sub"], HOSTILE);
    for args in [["verify", "--batch"], ["decode", "--batch"]] {
        let run = Run {
            stdin: Some("batch.txt"),
            ..Run::default()
        };
        let shown = sandbox.on_terminal(&args, run);
        assert_eq!(shown.status, Some(0), "{args:?}: {}", shown.stderr);
        nothing_raw(&format!("{args:?}"), &shown.shown);
        let lines = json_lines(&format!("{args:?}"), &shown.shown);
        assert_eq!(lines.len(), 2, "{args:?}: {:?}", shown.shown);
        for document in lines {
            let claims = document.get("claims").or_else(|| document.get("payload"));
            assert_eq!(claims.expect("claims")["sub"], HOSTILE);
        }
    }
}

/// Found by this audit: `decrypt` printed the plaintext, and with `--json` the header, raw on a
/// terminal. Whoever encrypted chose them; a pipe still gets the exact bytes.
#[test]
fn decrypt_escapes_what_the_sender_chose_on_a_terminal_only() {
    let sandbox = Sandbox::new();
    let public = fixture("keys/ec256.pub.pem");
    let private = fixture("keys/ec256.pem");
    let plaintext = format!("line one{HOSTILE}\n\tline two\n");
    let jwe = stdout(
        &sandbox
            .cmd()
            .arg("encrypt")
            .arg("--key-file")
            .arg(&public)
            .args(["--kid", HOSTILE])
            .write_stdin(plaintext.clone())
            .assert()
            .success(),
    )
    .trim_end()
    .to_owned();
    let key = private.to_string_lossy().into_owned();
    let piped = sandbox
        .cmd()
        .args(["decrypt", "--key-file", &key, &jwe])
        .assert()
        .success();
    assert_eq!(piped.get_output().stdout, plaintext.as_bytes());

    let shown = sandbox.on_terminal(&["decrypt", "--key-file", &key, &jwe], Run::default());
    assert_eq!(shown.status, Some(0), "{}", shown.stderr);
    nothing_raw("decrypt", &shown.shown.replace('\t', " "));
    assert_eq!(
        shown.shown,
        format!("line one{HOSTILE_SHOWN}\n\tline two\n"),
        "lines and tabs are kept"
    );

    let shown = sandbox.on_terminal(
        &["decrypt", "--json", "--key-file", &key, &jwe],
        Run::default(),
    );
    assert_eq!(shown.status, Some(0), "{}", shown.stderr);
    nothing_raw("decrypt --json", &shown.shown);
    let document: Value = serde_json::from_str(&shown.shown).expect("valid JSON");
    assert_eq!(document["plaintext"], plaintext);
    assert_eq!(document["header"]["kid"], HOSTILE);
}

/// Found by this audit: clap quotes a rejected argument as typed, and on a terminal printed its
/// escape sequences raw (a token taken from a request and passed on by a script is typed
/// text too).
#[test]
fn a_rejected_argument_is_quoted_harmlessly() {
    let sandbox = Sandbox::new();
    let osc = "ver\u{1b}]0;pwned\u{7}\u{202e}\u{9b}";
    for args in [
        vec![osc],
        vec!["verify", "--alg", HOSTILE, "x"],
        vec!["verify", "--leeway", HOSTILE, "x"],
        vec!["decode", HOSTILE, HOSTILE],
        vec!["issue", "--access-ttl", HOSTILE],
    ] {
        // In a pipe...
        let assert = sandbox.cmd().args(&args).assert();
        let err = stderr(&assert);
        assert_eq!(
            assert.get_output().status.code(),
            Some(2),
            "{args:?}: {err}"
        );
        nothing_raw(&format!("{args:?} piped"), &err);
        // ...and on a terminal, where clap would print the escape sequence itself.
        // NO_COLOR: jwtctl's and clap's own colours are escape sequences too.
        let shown = sandbox.on_terminal(
            &args,
            Run {
                stderr_on_terminal: true,
                env: &[("NO_COLOR", "1")],
                ..Run::default()
            },
        );
        assert_eq!(shown.status, Some(2), "{args:?}: {}", shown.shown);
        nothing_raw(&format!("{args:?} on a terminal"), &shown.shown);
        assert!(shown.shown.contains("error"), "{args:?}: {}", shown.shown);
    }
}

/// Issue 12: a field name in a corrupt store is quoted in the error, escaped.
#[test]
fn an_unknown_field_in_the_store_is_named_harmlessly() {
    let sandbox = Sandbox::new();
    issue_pair(&sandbox, "alice", &[]);
    let mut store: Value =
        serde_json::from_str(&fs::read_to_string(sandbox.store()).expect("the store"))
            .expect("JSON");
    store[format!("top{HOSTILE}")] = json!(1);
    for record in store["tokens"]
        .as_object_mut()
        .expect("tokens")
        .values_mut()
    {
        record[format!("field{HOSTILE}")] = json!(1);
    }
    let before = store.to_string();
    sandbox.write("sessions.json", &before);
    for args in [vec!["sessions"], vec!["revoke", "--all"]] {
        let assert = fails(sandbox.cmd().args(&args).assert(), 4, "is corrupt");
        let err = stderr(&assert);
        nothing_raw(&format!("{args:?}"), &err);
        assert!(err.contains(r"\e[31m\u{009b}2J\u{202e}"), "{err}");
    }
    assert_eq!(
        fs::read_to_string(sandbox.store()).expect("the store"),
        before
    );
}

/// A server on 127.0.0.1 that answers whatever it is sent with `reply`; returns its port.
fn fake_server(reply: Vec<u8>) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("address").port();
    let reply = std::sync::Arc::new(reply);
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { return };
            let reply = std::sync::Arc::clone(&reply);
            std::thread::spawn(move || {
                let mut request = [0u8; 4096];
                while matches!(socket.read(&mut request), Ok(n) if n > 0) {
                    if socket.write_all(&reply).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

/// Issue 12: a Redis server's error reply is the server's text: escaped in the message.
#[test]
fn a_redis_error_reply_is_quoted_harmlessly() {
    let sandbox = Sandbox::new();
    let port = fake_server(format!("-ERR {HOSTILE}\u{7}\r\n").into_bytes());
    let url = format!("redis://127.0.0.1:{port}/0");
    for args in [
        vec!["sessions"],
        vec!["revoke", "--user", "alice"],
        vec!["issue", "--sub", "alice"],
    ] {
        let assert = fails(
            sandbox
                .cmd()
                .args(&args)
                .args(["--store", &url, "--store-timeout", "5s"])
                .timeout(std::time::Duration::from_secs(60))
                .assert(),
            4,
            "ERR x",
        );
        let err = stderr(&assert);
        nothing_raw(&format!("{args:?}"), &err);
        assert!(err.contains(r"\e[31m\u{009b}2J\u{202e}"), "{err}");
    }
}

/// An HTTP server on 127.0.0.1 that answers every request with `body` as JSON.
fn json_server(body: String) -> u16 {
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    fake_server(response.into_bytes())
}

/// Issue 12: what a JWKS or a discovery document says (a kid, a kty, an issuer) is quoted
/// harmlessly, from a file and from a server.
#[test]
fn jwks_and_discovery_documents_are_quoted_harmlessly() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--key-file"])
        .arg(fixture("keys/ec256.pem"))
        .assert()
        .success();
    let token = stdout(&assert).trim_end().to_owned();
    let jwks = json!({ "keys": [{ "kty": HOSTILE, "kid": HOSTILE }] }).to_string();
    sandbox.write("jwks.json", &jwks);
    let port = json_server(jwks);
    for source in [
        "jwks.json".to_owned(),
        format!("http://127.0.0.1:{port}/jwks"),
    ] {
        let assert = sandbox
            .cmd()
            .args(["verify", "--jwks", &source, &token])
            .assert();
        let err = stderr(&assert);
        assert!(
            matches!(assert.get_output().status.code(), Some(2 | 4)),
            "{source}: {err}"
        );
        nothing_raw(&source, &err);
        assert!(err.contains("is skipped"), "{source}: {err}");
    }
    let discovery = json!({ "issuer": format!("https://issuer.example/{HOSTILE}") });
    let port = json_server(discovery.to_string());
    let assert = fails(
        sandbox
            .cmd()
            .args([
                "verify",
                "--oidc",
                &format!("http://127.0.0.1:{port}"),
                &token,
            ])
            .timeout(std::time::Duration::from_secs(60))
            .assert(),
        4,
        "another issuer",
    );
    let err = stderr(&assert);
    nothing_raw("--oidc", &err);
    // Escaped once, so it reads as what the document holds.
    assert!(err.contains(HOSTILE_SHOWN), "{err}");
}
