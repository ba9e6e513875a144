//! The README's shell recipes, run as CI runs them (`bash -e`), so that the documentation cannot
//! drift from the tool.

use std::path::Path;
use std::process::Command as StdCommand;

use serde_json::json;

use crate::forge::{self, hs256};
use crate::support::{SECRET, Sandbox};

/// The first ```sh block after `marker` in README.md.
fn readme_block(marker: &str) -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("read README.md");
    let after = &readme[readme.find(marker).expect("the marker is in README.md")..];
    let start = after.find("```sh\n").expect("a sh block after the marker") + "```sh\n".len();
    let end = start + after[start..].find("```").expect("the block ends");
    after[start..end].to_owned()
}

/// Runs `script` with `bash -e` in the sandbox, `jwtctl` on PATH, then prints `$ACCESS`.
fn run_step(sandbox: &Sandbox, script: &str, access: &str, refresh: &str) -> std::process::Output {
    let binary = Path::new(env!("CARGO_BIN_EXE_jwtctl"));
    let path = format!(
        "{}:{}",
        binary.parent().expect("a directory").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    StdCommand::new("bash")
        .args(["-e", "-c", &format!("{script}\nprintf '%s' \"$ACCESS\"")])
        .env("PATH", path)
        .env("JWTCTL_SECRET", SECRET)
        .env("JWTCTL_STORE", sandbox.store())
        .env("ACCESS", access)
        .env("REFRESH", refresh)
        .current_dir(sandbox.dir.path())
        .output()
        .expect("run bash")
}

#[test]
fn the_refresh_on_expiry_step_survives_bash_e() {
    let step = readme_block("A shell step that refreshes only when the access token has expired");
    let sandbox = Sandbox::new();
    let issued = sandbox
        .cmd()
        .args(["issue", "--sub", "alice"])
        .assert()
        .success();
    let issued = crate::support::stdout(&issued);
    let mut lines = issued.lines();
    let (fresh, refresh) = (
        lines.next().expect("access"),
        lines.next().expect("refresh"),
    );

    // A valid access token is kept.
    let out = run_step(&sandbox, &step, fresh, refresh);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), fresh);

    // An expired one is traded for a new pair, which verifies.
    let expired = hs256(
        &forge::access_header(),
        &json!({ "sub": "alice", "exp": forge::now() - 60 }),
    );
    let out = run_step(&sandbox, &step, &expired, refresh);
    assert!(out.status.success(), "{out:?}");
    let renewed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(renewed != expired && renewed.starts_with("eyJ"), "{out:?}");
    sandbox.cmd().args(["verify", &renewed]).assert().success();

    // A rejected one ends the step with 1 and a message.
    let out = run_step(&sandbox, &step, "not-a-token", refresh);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("log in again"));
}

/// Runs `script` with `sh -e` (dash on Debian: POSIX, no bash extensions), `jwtctl` on PATH and
/// the store at `store`, then prints `$ACCESS`, `$REFRESH` and `$JWTCTL_SECRET` on the last three
/// lines.
fn run_posix(sandbox: &Sandbox, script: &str, store: &Path) -> std::process::Output {
    let binary = Path::new(env!("CARGO_BIN_EXE_jwtctl"));
    let path = format!(
        "{}:{}",
        binary.parent().expect("a directory").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    StdCommand::new("sh")
        .args([
            "-e",
            "-c",
            &format!(
                "{script}\nprintf '%s\\n%s\\n%s\\n' \"$ACCESS\" \"$REFRESH\" \"$JWTCTL_SECRET\""
            ),
        ])
        .env("PATH", path)
        .env_remove("JWTCTL_SECRET")
        .env_remove("JWTCTL_REFRESH_SECRET")
        .env("JWTCTL_STORE", store)
        .env("TERM", "dumb")
        .current_dir(sandbox.dir.path())
        .output()
        .expect("run sh")
}

#[test]
fn the_first_session_runs_in_posix_sh() {
    let session = readme_block("## First session");
    assert!(
        !session.contains("<(") && !session.contains("[["),
        "bash-only syntax in the first session:\n{session}"
    );
    let sandbox = Sandbox::new();
    let out = run_posix(&sandbox, &session, &sandbox.store());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    // verify printed the claims, decode the header; the rotation left a new pair behind.
    assert!(stdout.contains("\"sub\": \"alice\""), "{stdout}");
    assert!(stdout.contains("\"role\": \"admin\""), "{stdout}");
    assert!(stdout.contains("Header"), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let [.., access, refresh, secret] = lines[..] else {
        panic!("three lines at the end: {stdout}");
    };
    assert!(
        access.starts_with("eyJ") && refresh.starts_with("eyJ") && secret.len() == 64,
        "{stdout}"
    );
    // The rotated access token is good; the logout at the end revoked its session.
    let with_its_secret = || {
        let mut cmd = sandbox.cmd();
        cmd.env("JWTCTL_SECRET", secret);
        cmd
    };
    with_its_secret()
        .args(["verify", access])
        .assert()
        .success();
    with_its_secret()
        .args(["verify", "--check-revocation", access])
        .assert()
        .code(1);
    with_its_secret()
        .args(["refresh", refresh])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("revoked"));
}

#[test]
fn the_first_session_stops_visibly_when_issue_fails() {
    let session = readme_block("## First session");
    let sandbox = Sandbox::new();
    // A store inside a regular file cannot be created: issue fails with 4.
    let blocker = sandbox.write("not-a-directory", "");
    let out = run_posix(&sandbox, &session, &blocker.join("sessions.json"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(out.stdout.is_empty(), "{out:?}");
}

#[test]
fn the_encrypted_tokens_block_runs_from_an_empty_directory() {
    // A reader has only jwtctl: the block must make its own keys, and ones encrypt accepts.
    let block = readme_block("## Encrypted tokens (JWE)");
    let sandbox = Sandbox::new();
    sandbox.write("plain.txt", "card 4111\n");
    let out = run_step(&sandbox, &block, "", "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout.starts_with("card 4111\n"), "{stdout}");
    assert!(stdout.contains("\"sub\": \"alice\""), "{stdout}");
}

#[test]
fn the_readme_stays_short() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("read README.md");
    let lines = readme.lines().count();
    assert!(
        lines < 260,
        "README.md has {lines} lines; detail belongs in docs/"
    );
}
