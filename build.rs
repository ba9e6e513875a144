//! Build facts for `jwtctl --version`: the target, the crypto backend's version and, when built
//! from a git checkout of jwtctl, the commit. Nothing here can fail the build: a fact that cannot
//! be found is left out.

use std::path::Path;
use std::process::Command;

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown target".to_owned());
    let backend = match backend_version(Path::new(&manifest_dir).join("Cargo.lock").as_path()) {
        Some(version) => format!("aws-lc-rs {version}"),
        None => "aws-lc-rs".to_owned(),
    };
    let mut facts = vec![target, backend];
    if let Some(commit) = git_commit(&manifest_dir) {
        facts.push(format!("commit {commit}"));
    }
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!(
        "cargo:rustc-env=JWTCTL_VERSION_LINE={version} ({})",
        facts.join(", ")
    );
    println!("cargo:rerun-if-changed=Cargo.lock");
}

/// The locked aws-lc-rs version: Cargo.lock is what was built, Cargo.toml only a range.
fn backend_version(lock: &Path) -> Option<String> {
    let text = std::fs::read_to_string(lock).ok()?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"aws-lc-rs\"" {
            let version = lines.next()?.trim().strip_prefix("version = \"")?;
            return version.strip_suffix('"').map(str::to_owned);
        }
    }
    None
}

/// The short commit, only when the manifest directory is the top of a git work tree (not a
/// crates.io package unpacked inside some other repository).
fn git_commit(manifest_dir: &str) -> Option<String> {
    let git = |args: &[&str]| -> Option<String> {
        let output = Command::new("git")
            .args(args)
            .current_dir(manifest_dir)
            .output()
            .ok()?;
        let text = String::from_utf8(output.stdout).ok()?;
        (output.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(&top).ok()? != std::fs::canonicalize(manifest_dir).ok()? {
        return None;
    }
    // Rebuild when HEAD moves: HEAD itself (a checkout) and the branch it names (a commit).
    // (A path that does not exist would rerun this script on every build.)
    let branch = git(&["symbolic-ref", "-q", "HEAD"]);
    for name in ["HEAD", "packed-refs"].into_iter().chain(branch.as_deref()) {
        if let Some(path) = git(&["rev-parse", "--git-path", name]) {
            let path = Path::new(&manifest_dir).join(path);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    git(&["rev-parse", "--short=12", "HEAD"])
}
