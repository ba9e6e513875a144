//! What a new user meets before any token: `--version`, `make demo`, and what `cargo package`
//! would ship.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command as StdCommand;

use crate::support::{self, Sandbox};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn version_names_target_backend_and_commit() {
    let assert = support::clean().arg("--version").assert().success();
    let line = support::stdout(&assert);
    let expected_start = format!("jwtctl {} (", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(&expected_start), "{line}");
    assert!(line.contains(std::env::consts::ARCH), "{line}");
    assert!(line.contains(std::env::consts::OS), "{line}");
    assert!(line.contains("aws-lc-rs 1."), "{line}");
    // Built from this checkout: a commit of this repository (the one built at; a commit made
    // since the build would be newer, so the test does not compare with HEAD).
    let in_checkout = StdCommand::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .current_dir(ROOT)
        .output()
        .is_ok_and(|out| out.status.success());
    if in_checkout {
        let commit = line
            .split("commit ")
            .nth(1)
            .and_then(|rest| rest.get(..12))
            .unwrap_or_else(|| panic!("no commit in {line}"));
        assert!(commit.chars().all(|c| c.is_ascii_hexdigit()), "{line}");
        let known = StdCommand::new("git")
            .args(["cat-file", "-e", &format!("{commit}^{{commit}}")])
            .current_dir(ROOT)
            .status()
            .expect("run git");
        assert!(known.success(), "{commit} is not a commit here");
    }
    assert!(line.ends_with(")\n") && line.lines().count() == 1, "{line}");
}

fn demo(binary: &Path) -> std::process::Output {
    StdCommand::new("sh")
        .arg(Path::new(ROOT).join("scripts/demo.sh"))
        .arg(binary)
        .env(
            "JWTCTL_SECRET",
            "the caller's secret, which the demo must not use",
        )
        .env("JWTCTL_STORE", "/nonexistent/the caller's store")
        .env("TERM", "dumb")
        .output()
        .expect("run sh")
}

#[test]
fn the_demo_walks_the_whole_lifecycle() {
    let out = demo(Path::new(env!("CARGO_BIN_EXE_jwtctl")));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    for step in [
        "$ jwtctl gen-secret",
        "$ jwtctl issue --sub alice --claim role=admin",
        "$ jwtctl verify \"$ACCESS\"",
        "$ jwtctl decode \"$ACCESS\"",
        "$ jwtctl refresh \"$OLD_REFRESH\"",
        "refresh token reuse detected",
        "$ jwtctl revoke --user alice",
        "$ jwtctl verify --check-revocation \"$ACCESS\"",
    ] {
        assert!(stdout.contains(step), "no {step:?} in:\n{stdout}");
    }
    assert!(stdout.ends_with("demo: passed (11 steps)\n"), "{stdout}");
    // Tokens are shortened on screen.
    assert!(
        !stdout.lines().any(|line| line.trim().len() > 200),
        "{stdout}"
    );
}

#[test]
fn the_demo_fails_visibly_when_a_step_does() {
    let sandbox = Sandbox::new();
    // A jwtctl whose `issue` fails as an unwritable store would, and which is fine otherwise.
    let fake = sandbox.write(
        "jwtctl",
        format!(
            "#!/bin/sh\nif [ \"$1\" = issue ]; then echo 'error: cannot write the store' >&2; exit 4; fi\nexec '{}' \"$@\"\n",
            env!("CARGO_BIN_EXE_jwtctl")
        ),
    );
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = demo(&fake);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        stderr.contains("demo: FAILED at step 2: jwtctl exited with 4, expected 0"),
        "{stderr}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("error: cannot write the store"),
        "the failing step's message is shown: {out:?}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("demo: passed"));
}

#[test]
fn the_crate_package_holds_sources_not_fuzz_corpora_or_build_output() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = StdCommand::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(ROOT)
        .output()
        .expect("run cargo package --list");
    assert!(out.status.success(), "{out:?}");
    let list = String::from_utf8_lossy(&out.stdout);
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src/main.rs",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "completions/jwtctl.bash",
    ] {
        assert!(
            list.lines().any(|line| line == needed),
            "no {needed}:\n{list}"
        );
    }
    for line in list.lines() {
        assert!(
            !line.starts_with("fuzz/") && !line.starts_with("target/") && !line.contains("seeds/"),
            "{line} should not be packaged"
        );
    }
}
