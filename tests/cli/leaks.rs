//! Secrets and tokens never leak into output, whatever fails; a killed writer never tears the
//! store; the RFC 7515 vectors verify against their JWKS documents.

use std::process::{Command as StdCommand, Stdio};
use std::time::Duration;

use crate::support::{Sandbox, fixture, stderr, stdout};

/// A secret that carries a marker, long enough for every HMAC algorithm.
const MARKED_SECRET: &str = "SECRETMARKER-0123456789abcdefghijklmnopqrstuvwxyz-0123456789abcdef";

#[test]
fn no_command_ever_prints_the_secret_or_echoes_a_whole_token_on_stderr() {
    let sandbox = Sandbox::new();
    let secret_file = sandbox.write("secret.txt", format!("{MARKED_SECRET}\n"));
    let secret_file = secret_file.to_str().expect("utf-8").to_owned();
    let run = |args: &[&str], stdin: &str| {
        sandbox
            .cmd()
            .env("JWTCTL_SECRET", MARKED_SECRET)
            .env("JWTCTL_REFRESH_SECRET", MARKED_SECRET)
            .args(args)
            .write_stdin(stdin.to_owned())
            .assert()
    };
    let pair = stdout(
        &run(
            &["issue", "--sub", "alice", "--claim", "tag=CLAIMMARKER"],
            "",
        )
        .success(),
    );
    let mut lines = pair.lines();
    let access = lines.next().expect("access").to_owned();
    let refresh = lines.next().expect("refresh").to_owned();
    let tampered = format!("{}x", &access[..access.len() - 1]);
    let expired_check = ["verify", "--now", "4102444800", access.as_str()];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["verify", &tampered], ""),
        (vec!["verify", "--json", &tampered], ""),
        (expired_check.to_vec(), ""),
        (vec!["verify", "--alg", "HS512", &access], ""),
        (vec!["verify", "--aud", "nobody", &access], ""),
        (
            vec![
                "verify",
                "--secret-file",
                &secret_file,
                "--secret-encoding",
                "hex",
                &access,
            ],
            "",
        ),
        (
            vec![
                "verify",
                "--secret-file",
                &secret_file,
                "--secret-encoding",
                "base64",
                &access,
            ],
            "",
        ),
        (vec!["verify", "--secret-file", "-", &access], "short\n"),
        (vec!["verify", &refresh], ""),
        (vec!["verify", "--batch"], "garbage\nnot.a.token\n"),
        (vec!["decode", &tampered], ""),
        (vec!["decode", "not-a-token"], ""),
        (vec!["issue", "--sub", "a", "--claim", "bad"], ""),
        (vec!["issue", "--sub", "a", "--payload", "{nope"], ""),
        (vec!["issue", "--sub", "a", "--alg", "RS256"], ""),
        (vec!["refresh", &access], ""),
        (vec!["refresh", &tampered], ""),
        (vec!["refresh", "--store", "http://nowhere", &refresh], ""),
        (vec!["revoke", "--token", &tampered], ""),
        (
            vec![
                "revoke",
                "--token",
                &access,
                "--store",
                "redis://127.0.0.1:1/0",
            ],
            "",
        ),
        (vec!["sessions", "--store", "/dev/null/x"], ""),
        (vec!["gen-secret", "--bytes", "8"], ""),
        (vec!["jwks", &secret_file], ""),
    ];
    for (args, stdin) in cases {
        let assert = run(&args, stdin);
        let out = stdout(&assert);
        let err = stderr(&assert);
        let code = assert.get_output().status.code();
        assert_ne!(code, Some(101), "{args:?} panicked: {err}");
        assert!(
            !out.contains("SECRETMARKER") && !err.contains("SECRETMARKER"),
            "{args:?} leaked the secret: {out}{err}"
        );
        for token in [&access, &refresh, &tampered] {
            assert!(
                !err.contains(token.as_str()),
                "{args:?} echoed a token on stderr: {err}"
            );
        }
        // A rejected token's claims never appear on stdout either.
        if code != Some(0) && args[0] != "decode" {
            assert!(
                !out.contains("CLAIMMARKER"),
                "{args:?} printed claims of a rejected token: {out}"
            );
        }
    }
    // The store holds no secret and no token.
    let store = std::fs::read_to_string(sandbox.store()).expect("the store exists");
    assert!(!store.contains("SECRETMARKER") && !store.contains("eyJ"));
}

/// SIGKILL writers at random moments: the store always loads afterwards, and holds every session
/// whose `issue` finished (the old state or the new, never a torn file).
#[test]
fn killing_writers_never_tears_the_store() {
    let sandbox = Sandbox::new();
    let binary = assert_cmd::cargo::cargo_bin("jwtctl");
    let spawn = |sub: &str| {
        StdCommand::new(&binary)
            .args(["issue", "--sub", sub])
            .env("JWTCTL_SECRET", crate::support::SECRET)
            .env("JWTCTL_STORE", sandbox.store())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn jwtctl")
    };
    let mut finished = 0;
    for round in 0..40u64 {
        let mut victim = spawn(&format!("victim{round}"));
        // Different delays land the kill before, during and after the write.
        std::thread::sleep(Duration::from_micros((round * 397) % 6000));
        let _ = victim.kill();
        let _ = victim.wait();
        let survivor = spawn(&format!("survivor{round}"))
            .wait_with_output()
            .expect("wait");
        assert!(
            survivor.status.success(),
            "a writer after a killed one failed"
        );
        finished += 1;
        let listed = sandbox
            .cmd()
            .args(["sessions", "--json"])
            .assert()
            .success();
        let sessions: serde_json::Value =
            serde_json::from_str(&stdout(&listed)).expect("the store loads");
        let survivors = sessions.as_array().map(|all| {
            all.iter()
                .filter(|s| {
                    s["sub"]
                        .as_str()
                        .is_some_and(|sub| sub.starts_with("survivor"))
                })
                .count()
        });
        assert_eq!(survivors, Some(finished));
    }
}

#[test]
fn rfc_7515_a2_and_a3_verify_with_their_jwks_documents() {
    let sandbox = Sandbox::new();
    for (vector, jwks) in [("a2.jwt", "a2.jwks.json"), ("a3.jwt", "a3.jwks.json")] {
        let token = std::fs::read_to_string(fixture(&format!("rfc7515/{vector}"))).expect("read");
        let jwks = fixture(&format!("rfc7515/{jwks}"));
        let assert = sandbox
            .cmd()
            .args(["verify", "--type", "any", "--now", "1300819000", "--jwks"])
            .arg(&jwks)
            .arg(token.trim())
            .assert()
            .success();
        assert!(stdout(&assert).contains("\"iss\": \"joe\""), "{vector}");
        // The same vector a second later than its exp is expired.
        sandbox
            .cmd()
            .args(["verify", "--type", "any", "--now", "1300819380", "--jwks"])
            .arg(&jwks)
            .arg(token.trim())
            .assert()
            .code(3);
    }
}
