//! The real binary against a private Redis: the refresh lifecycle, racing processes, and
//! failures (SECURITY.md cases 29, 30, 33, 36, 37).

#[path = "cli/support.rs"]
mod cli;
mod support;

use std::net::{Ipv4Addr, TcpListener};
use std::process::{Command as StdCommand, Stdio};

use cli::{Sandbox, fails, stderr, stdout};
use serde_json::Value;
use support::redis_server::RedisServer;

/// `jwtctl` in the sandbox, with the store at `url`.
fn cmd(sandbox: &Sandbox, url: &str) -> assert_cmd::Command {
    let mut cmd = sandbox.cmd();
    cmd.env("JWTCTL_STORE", url);
    cmd
}

fn issue(sandbox: &Sandbox, url: &str, sub: &str) -> String {
    let out = stdout(
        &cmd(sandbox, url)
            .args(["issue", "--sub", sub])
            .assert()
            .success(),
    );
    out.lines().nth(1).expect("a refresh token line").to_owned()
}

fn refresh(sandbox: &Sandbox, url: &str, token: &str) -> assert_cmd::assert::Assert {
    cmd(sandbox, url).args(["refresh", token]).assert()
}

fn sessions(sandbox: &Sandbox, url: &str) -> Vec<Value> {
    let assert = cmd(sandbox, url)
        .args(["sessions", "--json"])
        .assert()
        .success();
    serde_json::from_str(&stdout(&assert)).expect("sessions --json prints a JSON array")
}

/// On Linux the binary is a static PIE (.cargo/config.toml): name lookup must still work without
/// the dynamic loader, through glibc's built-in `files` service.
#[test]
fn a_host_name_in_the_url_is_looked_up() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let port = server.port.expect("a TCP server");
    let sandbox = Sandbox::new();
    let url = format!("redis://localhost:{port}");
    let token = issue(&sandbox, &url, "alice");
    refresh(&sandbox, &url, &token).success();
    assert_eq!(sessions(&sandbox, &server.url).len(), 1);
}

#[test]
fn refresh_rotation_reuse_and_revocation_over_redis() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let sandbox = Sandbox::new();
    let url = &server.url;
    let first = issue(&sandbox, url, "alice");
    let out = stdout(&refresh(&sandbox, url, &first).success());
    let second = out.lines().nth(1).expect("a refresh token line").to_owned();
    assert_eq!(sessions(&sandbox, url).len(), 1);
    // Reuse kills the family, the newest token included.
    fails(refresh(&sandbox, url, &first), 1, "reuse");
    fails(refresh(&sandbox, url, &second), 1, "revoked");
    assert!(sessions(&sandbox, url).is_empty());

    let bob = issue(&sandbox, url, "bob");
    cmd(&sandbox, url)
        .args(["revoke", "--user", "bob"])
        .assert()
        .success();
    fails(refresh(&sandbox, url, &bob), 1, "revoked");

    // Nothing went to a file, and Redis holds no token, signature or secret.
    assert!(!sandbox.store().exists(), "fell back to the file store");
    let mut raw = server.raw();
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut raw).expect("keys");
    let signature = first.rsplit('.').next().unwrap_or_default();
    for key in keys {
        let dump: Vec<u8> = redis::cmd("DUMP").arg(&key).query(&mut raw).expect("dump");
        let dump = String::from_utf8_lossy(&dump);
        for needle in ["eyJ", signature, cli::SECRET] {
            assert!(
                !key.contains(needle) && !dump.contains(needle),
                "{key} holds {needle}"
            );
        }
    }
}

#[test]
fn racing_refresh_processes_over_redis_yield_exactly_one_pair() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let binary = assert_cmd::cargo::cargo_bin("jwtctl");
    let sandbox = Sandbox::new();
    for _ in 0..10 {
        let token = issue(&sandbox, &server.url, "alice");
        let children: Vec<_> = (0..2)
            .map(|_| {
                StdCommand::new(&binary)
                    .args(["refresh", &token])
                    .env("JWTCTL_SECRET", cli::SECRET)
                    .env("JWTCTL_STORE", &server.url)
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
        assert!(sessions(&sandbox, &server.url).is_empty());
    }
}

#[test]
fn unreachable_redis_exits_4_without_issuing_or_falling_back() {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let url = format!("redis://admin:hunter2-secret@127.0.0.1:{port}/0");
    let sandbox = Sandbox::new();
    let assert = fails(
        cmd(&sandbox, &url)
            .args(["issue", "--sub", "alice", "--store-timeout", "500ms"])
            .assert(),
        4,
        "127.0.0.1",
    );
    let err = stderr(&assert);
    assert!(!err.contains("hunter2-secret"), "{err}");
    assert!(!sandbox.store().exists(), "fell back to the file store");
    for args in [
        &["sessions"][..],
        &["revoke", "--all"],
        &["refresh", "not-even-a-token"],
    ] {
        let assert = cmd(&sandbox, &url).args(args).assert();
        let code = assert.get_output().status.code();
        assert_ne!(code, Some(101), "{args:?} panicked");
        assert_ne!(code, Some(0), "{args:?} succeeded");
        assert!(!stderr(&assert).contains("hunter2-secret"));
    }
}

/// The server goes away between two commands: the next ones fail cleanly with 4, print nothing
/// on stdout (no token that the store does not hold), and do not fall back to the file.
#[test]
fn a_server_stopped_mid_run_fails_with_4_and_prints_nothing() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let sandbox = Sandbox::new();
    let url = server.url.clone();
    let refresh_token = issue(&sandbox, &url, "alice");
    drop(server);
    for args in [
        vec!["issue", "--sub", "alice", "--store-timeout", "500ms"],
        vec![
            "refresh",
            "--store-timeout",
            "500ms",
            refresh_token.as_str(),
        ],
        vec!["revoke", "--user", "alice", "--store-timeout", "500ms"],
    ] {
        let assert = cmd(&sandbox, &url).args(&args).assert();
        fails(assert, 4, "127.0.0.1");
    }
    assert!(!sandbox.store().exists(), "fell back to the file store");
}
