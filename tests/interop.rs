//! Interop with the libraries people use: `tests/interop/run.sh` against Node's `jsonwebtoken`,
//! and `tests/interop/keys.sh` against Node's `jose` (ES512) and Python's PyJWT (ES512,
//! ES256K), each run against the binary under test.
//!
//! The scripts skip, loudly, when `node` or `npm` is missing, and fail instead when `CI` is set.
//! Their verdict (the summary line, or the skip banner) is written straight to stderr so that
//! `cargo test` and `make test` show it even when the test passes; the full output is printed
//! through the test harness (shown on failure, or with `--nocapture`).

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// The scripts install packages and start processes of their own: one at a time, as when they
/// were separate test binaries.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

#[test]
fn jwtctl_and_node_jsonwebtoken_accept_each_others_tokens() {
    run_script("tests/interop/run.sh");
}

#[test]
fn jwtctl_jose_and_pyjwt_accept_each_others_es512_and_es256k_tokens() {
    run_script("tests/interop/keys.sh");
}

fn run_script(script: &str) {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let output = Command::new("bash")
        .arg(format!("{}/{script}", env!("CARGO_MANIFEST_DIR")))
        .arg(env!("CARGO_BIN_EXE_jwtctl"))
        .stdin(Stdio::null())
        .output()
        .expect("cannot run bash");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");

    let verdict: Vec<&str> = stdout
        .lines()
        .chain(stderr.lines())
        .filter(|line| line.starts_with("interop: ") || line.starts_with("*****"))
        .collect();
    // Not `eprintln!`: the harness would hide it when the test passes.
    let mut terminal = std::io::stderr().lock();
    for line in &verdict {
        let _ = writeln!(terminal, "{line}");
    }
    drop(terminal);

    assert!(
        output.status.success(),
        "{script} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    let skipped = stderr.contains("interop: SKIPPED");
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        skipped || (summary.starts_with("interop: ") && summary.ends_with(" passed, 0 failed")),
        "{script} succeeded without a clean summary line:\n{stdout}\n{stderr}"
    );
}
