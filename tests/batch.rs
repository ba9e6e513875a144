//! `verify --batch`, `decode --batch` and `issue --batch`: one output line per input line, in input
//! order across chunk and thread boundaries, the exit statuses, and the store.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;

use assert_cmd::Command;
use serde_json::{Value, json};

use jwtctl::jwt::claims::Claims as Object;
use jwtctl::jwt::keys::Secret;
use jwtctl::jwt::{Alg, Signer};

/// 64 hex characters, used as-is (64 bytes of key).
const SECRET: &str = "4f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c";
const NOW: i64 = 1_800_000_000;

/// `jwtctl` with the variables that change behaviour removed, the secret set, and the store in
/// `dir`.
fn jwtctl(dir: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("jwtctl").expect("the jwtctl binary is built");
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("JWTCTL_") || name.starts_with("CLICOLOR") || name == "NO_COLOR" {
            cmd.env_remove(&name);
        }
    }
    cmd.env("TERM", "dumb")
        .env("JWTCTL_SECRET", SECRET)
        .env("JWTCTL_STORE", dir.path().join("sessions.json"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .current_dir(dir.path());
    cmd
}

fn object(value: Value) -> Object {
    match value {
        Value::Object(object) => object,
        _ => panic!("an object"),
    }
}

fn sign(claims: Value) -> String {
    Signer::from_secret(Alg::HS256, &Secret::new(SECRET.as_bytes().to_vec()), None)
        .sign("at+jwt", &object(claims))
        .expect("sign")
}

fn lines(output: &[u8]) -> Vec<Value> {
    String::from_utf8(output.to_vec())
        .expect("UTF-8 output")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

/// What a line of the mixed input is, and what verifying it must say.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Valid,
    Expired,
    Forged,
    Blank,
    Garbage,
}

/// 5000 lines, more than one chunk, mixing every kind; the line number is in each token.
fn mixed_input() -> (String, Vec<Kind>) {
    let kinds = [
        Kind::Valid,
        Kind::Expired,
        Kind::Valid,
        Kind::Forged,
        Kind::Blank,
        Kind::Garbage,
        Kind::Valid,
    ];
    let mut input = String::new();
    let mut expected = Vec::new();
    for index in 0..5000 {
        let kind = kinds[(index * 7 + index / 13) % kinds.len()];
        let exp = if kind == Kind::Expired {
            NOW - 10
        } else {
            NOW + 300
        };
        let token = sign(json!({"sub": format!("user{index}"), "n": index, "exp": exp}));
        let line = match kind {
            Kind::Valid | Kind::Expired => token,
            Kind::Forged => {
                // The same signature over a payload that says something else.
                let (_, signature) = token.rsplit_once('.').unwrap();
                let other = sign(json!({"sub": "admin", "n": index, "exp": NOW + 300}));
                let (input, _) = other.rsplit_once('.').unwrap();
                format!("{input}.{signature}")
            }
            Kind::Blank => String::new(),
            Kind::Garbage => format!("not a token {index}"),
        };
        input.push_str(&line);
        input.push('\n');
        expected.push(kind);
    }
    (input, expected)
}

#[test]
fn verify_batch_keeps_order_across_chunks_and_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (input, expected) = mixed_input();
    for threads in ["1", "2", "3"] {
        let output = jwtctl(&dir)
            .args(["verify", "--batch", "--now", &NOW.to_string()])
            .env("JWTCTL_THREADS", threads)
            .write_stdin(input.clone())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "some tokens are invalid");
        let results = lines(&output.stdout);
        assert_eq!(results.len(), expected.len(), "one line per input line");
        for (index, (result, kind)) in results.iter().zip(&expected).enumerate() {
            let error = result["error"]["kind"].as_str();
            match kind {
                Kind::Valid => {
                    assert_eq!(result["valid"], true, "line {index}: {result}");
                    assert_eq!(result["claims"]["n"], index, "line {index} in order");
                }
                Kind::Expired => assert_eq!(error, Some("expired"), "line {index}"),
                Kind::Forged => assert_eq!(error, Some("signature"), "line {index}"),
                Kind::Blank | Kind::Garbage => {
                    assert_eq!(error, Some("malformed"), "line {index}")
                }
            }
            if *kind == Kind::Valid {
                assert!(result.get("error").is_none(), "line {index}: {result}");
            } else {
                assert_eq!(result["valid"], false, "line {index}");
                assert_eq!(result["error"]["line"], index + 1, "{result}");
            }
        }
    }
}

#[test]
fn verify_batch_exits_0_only_when_every_token_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let good: String = (0..300)
        .map(|n| sign(json!({"sub": "a", "n": n, "exp": NOW + 300})) + "\n")
        .collect();
    jwtctl(&dir)
        .args([
            "verify",
            "--batch",
            "--threads",
            "2",
            "--now",
            &NOW.to_string(),
        ])
        .write_stdin(good.clone())
        .assert()
        .code(0);
    // Surrounding whitespace and `Bearer ` are accepted as for one token.
    let padded = format!("  Bearer {}\r\n", good.lines().next().unwrap());
    jwtctl(&dir)
        .args(["verify", "--batch", "--now", &NOW.to_string()])
        .write_stdin(padded)
        .assert()
        .code(0);
    // An expired token makes it 1, not 3: the status is about the whole batch.
    let expired = sign(json!({"sub": "a", "exp": NOW}));
    jwtctl(&dir)
        .args(["verify", "--batch", "--now", &NOW.to_string()])
        .write_stdin(format!("{good}{expired}\n"))
        .assert()
        .code(1);
    // No input, no output, success.
    let output = jwtctl(&dir)
        .args(["verify", "--batch"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
}

#[test]
fn batch_lines_are_what_the_single_token_json_prints() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = [
        sign(json!({"sub": "alice", "exp": NOW + 300, "z": [1, 2.5, {"b": "é", "a": null}]})),
        sign(json!({"sub": "esc\"aped\u{1b}[2J\n", "exp": NOW + 300, "aud": ["x", "y"]})),
        sign(json!({"sub": "alice", "exp": NOW - 1})),
        "eyJhbGciOiJub25lIn0.eyJleHAiOjE5MDAwMDAwMDB9.".to_owned(),
        "a.b".to_owned(),
    ];
    let input: String = tokens.iter().map(|token| format!("{token}\n")).collect();
    for command in ["verify", "decode"] {
        let mut batch = jwtctl(&dir);
        batch.args([command, "--batch"]);
        if command == "verify" {
            batch.args(["--now", &NOW.to_string()]);
        }
        let output = batch.write_stdin(input.clone()).output().unwrap();
        let batch_lines: Vec<String> = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        assert_eq!(batch_lines.len(), tokens.len());
        for (index, (token, line)) in tokens.iter().zip(&batch_lines).enumerate() {
            // An error's input line is the one thing a batch adds; without it, the bytes are
            // those of one token's --json.
            let number = format!(",\"line\":{},", index + 1);
            let is_error = line.contains("\"error\":");
            assert_eq!(
                line.matches(&number).count(),
                usize::from(is_error),
                "{line}"
            );
            let line = &line.replacen(&number, ",", 1);
            let mut single = jwtctl(&dir);
            single.args([command, "--json", token]);
            if command == "verify" {
                single.args(["--now", &NOW.to_string()]);
            }
            let output = single.output().unwrap();
            if output.stdout.is_empty() {
                // decode prints nothing for a token it cannot read; its error is on stderr.
                let stderr = String::from_utf8_lossy(&output.stderr);
                let value: Value = serde_json::from_str(line).unwrap();
                let message = value["error"]["message"].as_str().unwrap();
                assert!(stderr.contains(message), "{stderr} / {line}");
                assert_eq!(value["error"]["kind"], "malformed");
            } else {
                assert_eq!(
                    String::from_utf8(output.stdout).unwrap().trim_end(),
                    line,
                    "{command} {token}"
                );
            }
        }
    }
}

/// An input of `count` lines, `bad` on the (1-based) `errors` lines and `good` on the others,
/// the last without a line break.
fn with_errors_on(count: usize, errors: &[usize], good: &str, bad: &str) -> String {
    let mut input: String = (1..=count)
        .map(|number| match errors.contains(&number) {
            true => format!("{bad}\n"),
            false => format!("{good}\n"),
        })
        .collect();
    input.pop();
    input
}

#[test]
fn batch_errors_name_their_input_line() {
    let dir = tempfile::tempdir().unwrap();
    let token = sign(json!({"sub": "alice", "exp": NOW + 300}));
    // Lines 6000 and 9000 are in later chunks (a chunk is at most 4,096 lines); 9000 is the
    // last, with no line break.
    let errors = [1, 3, 4096, 4097, 6000, 9000];
    let cases = [
        (
            vec!["verify", "--batch", "--now", "1800000000"],
            token.as_str(),
            "a.b",
        ),
        (vec!["decode", "--batch"], token.as_str(), "nope"),
        (
            vec!["issue", "--batch", "--no-refresh"],
            "{\"sub\":\"a\"}",
            "[]",
        ),
    ];
    for (args, good, bad) in cases {
        let input = with_errors_on(9000, &errors, good, bad);
        for threads in ["1", "2"] {
            let output = jwtctl(&dir)
                .args(&args)
                .env("JWTCTL_THREADS", threads)
                .write_stdin(input.clone())
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(1), "{args:?}");
            let results = lines(&output.stdout);
            assert_eq!(results.len(), 9000, "{args:?}");
            let numbered: Vec<_> = results
                .iter()
                .filter_map(|result| result.get("error"))
                .map(|error| error["line"].as_u64().unwrap_or(0) as usize)
                .collect();
            assert_eq!(numbered, errors, "{args:?} with {threads} threads");
        }
    }
}

#[test]
fn decode_batch_answers_every_line() {
    let dir = tempfile::tempdir().unwrap();
    let token = sign(json!({"sub": "alice", "exp": NOW}));
    let mut input = Vec::new();
    for index in 0..5000 {
        match index % 5 {
            0 => input.extend_from_slice(b"\n"),
            1 => input.extend_from_slice(b"\xff\xfe not UTF-8\n"),
            2 => input.extend_from_slice(b"eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJ\n"),
            _ => input.extend_from_slice(format!("{token}\n").as_bytes()),
        }
    }
    // A line far over the limit is answered, not kept.
    input.extend(std::iter::repeat_n(b'a', 300_000));
    input.extend_from_slice(b"\n");
    // The last line needs no line break.
    input.extend_from_slice(token.as_bytes());
    let output = jwtctl(&dir)
        .args(["decode", "--batch", "--threads", "2"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let results = lines(&output.stdout);
    assert_eq!(results.len(), 5002);
    for (index, result) in results.iter().take(5000).enumerate() {
        match index % 5 {
            0 => assert_eq!(result["error"]["message"], "token is empty"),
            1 => assert_eq!(result["error"]["message"], "line is not UTF-8 text"),
            2 => {
                let message = result["error"]["message"].as_str().unwrap();
                assert!(message.contains("segment 3 (signature)"), "{message}");
            }
            _ => assert_eq!(result["payload"]["sub"], "alice"),
        }
    }
    let message = results[5000]["error"]["message"].as_str().unwrap();
    assert!(message.contains("300000 bytes"), "{message}");
    assert_eq!(
        results[5001]["signature"],
        token.rsplit('.').next().unwrap()
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("NOT verified"));
    // Every line decodes: 0.
    jwtctl(&dir)
        .args(["decode", "--batch"])
        .write_stdin(format!("{token}\n{token}\n"))
        .assert()
        .code(0);
}

#[test]
fn issue_batch_tokens_verify_and_are_recorded_in_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = String::new();
    let mut good = 0;
    for index in 0..2500 {
        match index % 10 {
            3 => input.push_str("not json\n"),
            6 => input.push_str("{\"role\":\"no sub\"}\n"),
            8 => input.push('\n'),
            _ => {
                good += 1;
                input.push_str(&format!(
                    "{{\"sub\":\"user{}\",\"n\":{index},\"exp\":1}}\n",
                    index % 7
                ));
            }
        }
    }
    let output = jwtctl(&dir)
        .args([
            "issue",
            "--batch",
            "--iss",
            "https://auth.example.com",
            "--session-label",
            "batch",
            "--threads",
            "2",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "bad lines make it 1");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("replaced"), "{stderr}");
    let results = lines(&output.stdout);
    assert_eq!(results.len(), 2500);
    let mut access = String::new();
    let mut refresh = String::new();
    for (index, result) in results.iter().enumerate() {
        match index % 10 {
            3 => assert_eq!(result["error"]["kind"], "malformed"),
            6 => assert_eq!(result["error"]["kind"], "claim"),
            8 => assert_eq!(result["error"]["kind"], "malformed"),
            _ => {
                assert_eq!(result["token_type"], "Bearer");
                assert_eq!(result["expires_in"], 300);
                access.push_str(result["access_token"].as_str().unwrap());
                access.push('\n');
                refresh.push_str(result["refresh_token"].as_str().unwrap());
                refresh.push('\n');
            }
        }
    }
    let verified = jwtctl(&dir)
        .args(["verify", "--batch", "--iss", "https://auth.example.com"])
        .write_stdin(access.clone())
        .output()
        .unwrap();
    assert_eq!(verified.status.code(), Some(0));
    let claims = lines(&verified.stdout);
    assert_eq!(claims.len(), good);
    assert!(
        claims.iter().all(|line| line["claims"]["exp"] != 1),
        "exp is jwtctl's"
    );
    jwtctl(&dir)
        .args(["verify", "--batch", "--type", "refresh"])
        .write_stdin(refresh)
        .assert()
        .code(0);

    let sessions = jwtctl(&dir).args(["sessions", "--json"]).output().unwrap();
    assert_eq!(sessions.status.code(), Some(0));
    let sessions: Vec<Value> = serde_json::from_slice(&sessions.stdout).unwrap();
    assert_eq!(sessions.len(), good, "every refresh token is recorded");
    assert!(sessions.iter().all(|session| session["label"] == "batch"));

    // verify --batch --store: the store is opened once and asked about every valid token.
    jwtctl(&dir)
        .args(["revoke", "--user", "user3"])
        .assert()
        .code(0);
    let output = jwtctl(&dir)
        .args(["verify", "--batch", "--check-revocation", "--threads", "2"])
        .write_stdin(format!("{access}garbage\n"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let results = lines(&output.stdout);
    assert_eq!(results.len(), good + 1);
    let revoked = results
        .iter()
        .filter(|line| line["error"]["kind"] == "revoked")
        .count();
    let expected = claims
        .iter()
        .filter(|line| line["claims"]["sub"] == "user3")
        .count();
    assert!(expected > 0);
    assert_eq!(revoked, expected);
    for (index, (result, claims)) in results.iter().zip(&claims).enumerate() {
        let is_user3 = claims["claims"]["sub"] == "user3";
        assert_eq!(result["valid"] == true, !is_user3, "{result}");
        if is_user3 {
            assert_eq!(result["error"]["line"], index + 1, "{result}");
        }
    }
    assert_eq!(results[good]["error"]["line"], good + 1);
}

#[test]
fn issue_batch_without_refresh_needs_no_sub_and_no_store() {
    let dir = tempfile::tempdir().unwrap();
    let output = jwtctl(&dir)
        .args(["issue", "--batch", "--no-refresh", "--claim", "role=admin"])
        .env("JWTCTL_STORE", dir.path().join("no/such/dir/sessions.json"))
        .write_stdin("{}\n{\"sub\":\"b\"}\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let results = lines(&output.stdout);
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .all(|line| line.get("refresh_token").is_none())
    );
}

#[test]
fn verify_batch_with_a_store_after_a_chunk_with_no_valid_token() {
    // The store is opened for the first chunk with a valid token; a thread whose earlier chunk
    // had none must not carry that chunk's lines into this one (it panicked on their offsets).
    let dir = tempfile::tempdir().unwrap();
    let issued = jwtctl(&dir)
        .args(["issue", "--sub", "alice"])
        .output()
        .unwrap();
    assert_eq!(issued.status.code(), Some(0));
    let access = String::from_utf8(issued.stdout).unwrap();
    let access = access.lines().next().unwrap().to_owned();
    let mut input = "x\n".repeat(4096);
    input.push_str(&format!("{access}\ny\n"));
    for threads in ["1", "2"] {
        let output = jwtctl(&dir)
            .args(["verify", "--batch", "--check-revocation"])
            .env("JWTCTL_THREADS", threads)
            .write_stdin(input.clone())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{threads} threads: {stderr}");
        let results = lines(&output.stdout);
        assert_eq!(results.len(), 4098);
        assert_eq!(results[4096]["valid"], true, "{}", results[4096]);
        assert_eq!(results[4096]["claims"]["sub"], "alice");
        assert_eq!(results[4097]["error"]["line"], 4098);
        assert!(results[..4096].iter().all(|r| r["valid"] == false));
    }
}

#[test]
fn issue_batch_prints_nothing_of_a_chunk_the_store_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("store")).unwrap();
    // The store cannot be written: a directory where its file should be.
    std::fs::create_dir(dir.path().join("store/sessions.json")).unwrap();
    let output = jwtctl(&dir)
        .args(["issue", "--batch"])
        .env("JWTCTL_STORE", dir.path().join("store/sessions.json"))
        .write_stdin("{\"sub\":\"a\"}\n{\"sub\":\"b\"}\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    assert!(
        output.stdout.is_empty(),
        "no token that is not in the store"
    );
}

#[test]
fn the_key_cannot_come_from_standard_input_too() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        ["verify", "--batch", "--secret-file", "-"],
        ["issue", "--batch", "--secret-file", "-"],
    ] {
        let output = jwtctl(&dir).args(args).write_stdin("").output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty());
    }
    jwtctl(&dir)
        .args(["verify", "--batch", "a.b.c"])
        .assert()
        .code(2);
}

/// `jwtctl ARGS` with stdin, stdout and stderr piped, for tests that talk to it while it runs;
/// `threads` sets JWTCTL_THREADS (else the default, one per core).
fn piped(dir: &tempfile::TempDir, args: &[String], threads: Option<&str>) -> std::process::Child {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("jwtctl"));
    command
        .args(args)
        .env("JWTCTL_SECRET", SECRET)
        .env_remove("JWTCTL_THREADS")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(threads) = threads {
        command.env("JWTCTL_THREADS", threads);
    }
    command.spawn().unwrap()
}

#[test]
fn a_closed_pipe_ends_a_batch_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let token = sign(json!({"sub": "alice", "exp": NOW + 300}));
    for command in ["decode", "verify"] {
        let mut args = vec![command.to_owned(), "--batch".to_owned()];
        if command == "verify" {
            args.extend(["--now".to_owned(), NOW.to_string()]);
        }
        let mut child = piped(&dir, &args, None);
        let mut stdin = child.stdin.take().unwrap();
        let line = format!("{token}\n");
        let writer = std::thread::spawn(move || {
            // Until jwtctl stops reading; the error that ends this loop is expected.
            for _ in 0..200_000 {
                if stdin.write_all(line.as_bytes()).is_err() {
                    break;
                }
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert!(first.starts_with('{'), "{first}");
        drop(stdout);
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        writer.join().unwrap();
        assert_eq!(status.code(), Some(0), "{command}: {stderr}");
        assert!(!stderr.contains("error"), "{command}: {stderr}");
    }
}

/// A stream (`tail -f`) gets each answer when its line arrives, not when a chunk fills or the
/// input ends: the first answer comes while stdin is still open.
#[test]
fn answers_stream_as_lines_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let token = sign(json!({"sub": "alice", "exp": NOW + 300}));
    for threads in ["1", "2"] {
        let args = ["verify", "--batch", "--now", &NOW.to_string()].map(String::from);
        let mut child = piped(&dir, &args, Some(threads));
        let mut stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (answers, answered) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in stdout.lines() {
                if answers.send(line.unwrap()).is_err() {
                    break;
                }
            }
        });
        for round in 0..3 {
            writeln!(stdin, "{token}").unwrap();
            stdin.flush().unwrap();
            // Not a speed check: without streaming, no answer comes until stdin closes.
            let answer = answered
                .recv_timeout(std::time::Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no answer while stdin is open ({threads} threads)"));
            let answer: Value = serde_json::from_str(&answer).unwrap();
            assert_eq!(answer["valid"], true, "round {round}, {threads} threads");
        }
        drop(stdin);
        assert!(child.wait().unwrap().success());
        reader.join().unwrap();
    }
}
