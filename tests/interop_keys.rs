//! Key interop with Node's `jose` (ES512) and Python's PyJWT (ES512, ES256K): runs
//! `tests/interop/keys.sh` against the binary under test.
//!
//! The script skips, loudly, when `node` or `npm` is missing, and fails instead when `CI` is set.
//! Its verdict (the summary line, or the skip banner) is written straight to stderr so that
//! `cargo test` and `make test` show it even when the test passes; the full output is printed
//! through the test harness (shown on failure, or with `--nocapture`).

use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn jwtctl_jose_and_pyjwt_accept_each_others_es512_and_es256k_tokens() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/keys.sh");
    let output = Command::new("bash")
        .arg(script)
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
        "tests/interop/keys.sh failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    let skipped = stderr.contains("interop: SKIPPED");
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        skipped || (summary.starts_with("interop: ") && summary.ends_with(" passed, 0 failed")),
        "tests/interop/keys.sh succeeded without a clean summary line:\n{stdout}\n{stderr}"
    );
}
