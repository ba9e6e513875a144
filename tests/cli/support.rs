//! One way to build a clean `jwtctl` command for every test.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use assert_cmd::assert::Assert;

/// 64 hex characters, used as-is (64 bytes of key), as `gen-secret` prints them.
pub const SECRET: &str = "4f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c";

/// A scratch directory with the store inside it, removed when the test ends.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().expect("create a temporary directory"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn store(&self) -> PathBuf {
        self.path("sessions.json")
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).expect("write a fixture");
        path
    }

    /// `jwtctl` with a clean environment, `JWTCTL_SECRET` set and the store in this sandbox.
    pub fn cmd(&self) -> Command {
        let mut cmd = clean();
        cmd.env("JWTCTL_SECRET", SECRET)
            .env("JWTCTL_STORE", self.store())
            .current_dir(self.dir.path());
        cmd
    }
}

/// `jwtctl` with every environment variable that changes behaviour removed, and no stdin.
pub fn clean() -> Command {
    let mut cmd = Command::cargo_bin("jwtctl").expect("the jwtctl binary is built");
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("JWTCTL_") || name.starts_with("CLICOLOR") || name == "NO_COLOR" {
            cmd.env_remove(&name);
        }
    }
    cmd.env("TERM", "dumb")
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join("jwtctl-tests-no-default-store"),
        )
        .write_stdin("");
    cmd
}

pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

pub fn stdout(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

pub fn stderr(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// Asserts the documented failure shape: this status, nothing on stdout, one `error:` line
/// containing `needle`, and never a panic.
pub fn fails(assert: Assert, status: i32, needle: &str) -> Assert {
    let output = assert.get_output();
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_ne!(output.status.code(), Some(101), "panicked: {err}");
    assert_eq!(output.status.code(), Some(status), "stderr: {err}");
    assert!(
        output.stdout.is_empty(),
        "stdout not empty on failure: {:?}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        err.contains(needle),
        "stderr {err:?} does not contain {needle:?}"
    );
    assert
}

/// Issues a pair in the sandbox and returns (access, refresh).
pub fn issue_pair(sandbox: &Sandbox, sub: &str, extra: &[&str]) -> (String, String) {
    let assert = sandbox
        .cmd()
        .args(["issue", "--sub", sub])
        .args(extra)
        .assert()
        .success();
    let out = stdout(&assert);
    let mut lines = out.lines();
    let access = lines.next().expect("an access token line").to_owned();
    let refresh = lines.next().expect("a refresh token line").to_owned();
    (access, refresh)
}

/// Issues an access token only.
pub fn issue_access(sandbox: &Sandbox, extra: &[&str]) -> String {
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh"])
        .args(extra)
        .assert()
        .success();
    stdout(&assert).trim_end().to_owned()
}

/// What a command showed on a terminal.
pub struct OnTerminal {
    /// Standard output as the terminal got it (and standard error, with
    /// [`Run::stderr_on_terminal`]), its `\r\n` line ends made `\n` again.
    pub shown: String,
    /// Standard error, when it went to a file instead.
    pub stderr: String,
    pub status: Option<i32>,
}

/// How [`Sandbox::on_terminal`] runs a command.
#[derive(Default)]
pub struct Run<'a> {
    /// Set on top of [`Sandbox::cmd`]'s environment.
    pub env: &'a [(&'a str, &'a str)],
    /// Standard error on the terminal too, instead of a file.
    pub stderr_on_terminal: bool,
    /// A file of the sandbox for standard input, instead of nothing.
    pub stdin: Option<&'a str>,
}

impl Sandbox {
    /// Runs `jwtctl args` with standard output on a terminal: `script` (util-linux, in every
    /// Debian base system) gives it one. A command that hangs is killed and the test fails.
    pub fn on_terminal(&self, args: &[&str], run: Run<'_>) -> OnTerminal {
        let quote = |arg: &str| format!("'{}'", arg.replace('\'', r"'\''"));
        let bin = assert_cmd::cargo::cargo_bin("jwtctl");
        let err_file = self.path(".stderr-of-terminal-run");
        let mut line = format!("exec {}", quote(&bin.to_string_lossy()));
        for arg in args {
            line.push(' ');
            line.push_str(&quote(arg));
        }
        let stdin = run.stdin.map_or_else(
            || "/dev/null".to_owned(),
            |name| self.path(name).to_string_lossy().into_owned(),
        );
        line.push_str(&format!(" <{}", quote(&stdin)));
        if !run.stderr_on_terminal {
            line.push_str(&format!(" 2>{}", quote(&err_file.to_string_lossy())));
        }
        let mut cmd = Command::new("script");
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy().into_owned();
            if name.starts_with("JWTCTL_") || name.starts_with("CLICOLOR") || name == "NO_COLOR" {
                cmd.env_remove(&name);
            }
        }
        cmd.args(["-qec", &line, "/dev/null"])
            .current_dir(self.dir.path())
            .env("SHELL", "/bin/sh")
            .env("TERM", "dumb")
            .env("JWTCTL_SECRET", SECRET)
            .env("JWTCTL_STORE", self.store())
            .env(
                "XDG_DATA_HOME",
                std::env::temp_dir().join("jwtctl-tests-no-default-store"),
            )
            .envs(run.env.iter().copied())
            .timeout(std::time::Duration::from_secs(120))
            .write_stdin("");
        let output = cmd
            .output()
            .expect("script (util-linux) runs the command on a terminal");
        let stderr = std::fs::read_to_string(&err_file).unwrap_or_default();
        let _ = std::fs::remove_file(&err_file);
        OnTerminal {
            shown: String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n"),
            stderr,
            status: output.status.code(),
        }
    }
}

/// Text that fools a terminal: an escape sequence, a C1 CSI (U+009B), a bidi override, a tag
/// character and two Hangul fillers (the default-ignorable kinds the sanitiser once missed).
pub const HOSTILE: &str = "x\u{1b}[31m\u{9b}2J\u{202e}\u{e0041}\u{3164}\u{115f}y";

/// The characters of [`HOSTILE`] that must never reach a terminal raw.
pub const DANGEROUS: [char; 6] = [
    '\u{1b}',
    '\u{9b}',
    '\u{202e}',
    '\u{e0041}',
    '\u{3164}',
    '\u{115f}',
];

/// Asserts `text` holds none of [`DANGEROUS`], nor any other control character than a line
/// break, naming `what` it is.
pub fn nothing_raw(what: &str, text: &str) {
    for character in DANGEROUS {
        assert!(
            !text.contains(character),
            "{what}: raw {character:?} in {text:?}"
        );
    }
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{what}: a raw control character in {text:?}"
    );
}
