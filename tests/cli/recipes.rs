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
