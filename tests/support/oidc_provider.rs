//! A real OpenID Provider for one test: node-oidc-provider from the npm registry, installed once
//! into Cargo's per-target scratch directory and started by `tests/oidc/provider.mjs` on a free
//! port of 127.0.0.1. It issues JWT access tokens (client-credentials grant) signed RS256,
//! ES256 or EdDSA and rotates its keys on request. Stopped on drop.
//!
//! Without `node` or `npm`, [`OidcProvider::start`] prints "skipped: ..." and returns `None`;
//! when `CI` is set it panics instead, so CI cannot pass without running these tests.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;

/// The version the tests were written against; a major release may change the configuration.
const PACKAGE: &str = "oidc-provider@9.13.3";

pub struct OidcProvider {
    child: Child,
    // Held open: the script exits when its standard input closes.
    _stdin: ChildStdin,
    pub issuer: String,
    client_id: String,
    client_secret: String,
    /// Key ids by algorithm ("RS256", "ES256", "EdDSA").
    pub kids: BTreeMap<String, String>,
}

fn tool_available(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The directory holding `node_modules/oidc-provider`, installed on first use.
fn installed() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        if !tool_available("node") || !tool_available("npm") {
            if std::env::var_os("CI").is_some() {
                panic!("node and npm are needed for the OpenID Provider tests, and CI is set");
            }
            eprintln!("skipped: node/npm not installed, the OpenID Provider tests did not run");
            return None;
        }
        // oidc-provider 9 runs on Node 20 and later (Debian 12's own nodejs is 18).
        let version = Command::new("node")
            .arg("--version")
            .output()
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
            .unwrap_or_default();
        let major: u32 = version
            .trim_start_matches('v')
            .split('.')
            .next()
            .and_then(|major| major.parse().ok())
            .unwrap_or(0);
        if major < 20 {
            if std::env::var_os("CI").is_some() {
                panic!("{PACKAGE} needs Node.js 20 or later, and node is {version:?}; CI is set");
            }
            eprintln!("skipped: {PACKAGE} needs Node.js 20 or later, node is {version:?}");
            return None;
        }
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("oidc-provider");
        let version = PACKAGE.rsplit('@').next().unwrap_or_default();
        let marker = dir.join("node_modules/oidc-provider/package.json");
        let current = std::fs::read_to_string(&marker)
            .is_ok_and(|text| text.contains(&format!("\"version\": \"{version}\"")));
        if !current {
            // Installed beside the final place, then renamed, so a half-done install is never used.
            let scratch = dir.with_extension(format!("tmp{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&scratch);
            std::fs::create_dir_all(&scratch).expect("create the npm scratch directory");
            std::fs::write(
                scratch.join("package.json"),
                "{\"name\": \"jwtctl-oidc-scratch\", \"private\": true}\n",
            )
            .expect("write package.json");
            let output = Command::new("npm")
                .args([
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    PACKAGE,
                ])
                .current_dir(&scratch)
                .env("npm_config_cache", scratch.join("npm-cache"))
                .env("npm_config_update_notifier", "false")
                .stdin(Stdio::null())
                .output()
                .expect("run npm");
            assert!(
                output.status.success(),
                "npm could not install {PACKAGE}:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let _ = std::fs::remove_dir_all(scratch.join("npm-cache"));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::rename(&scratch, &dir).expect("move the npm install into place");
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc/provider.mjs");
        // ESM resolves packages from the script's own directory.
        std::fs::copy(&script, dir.join("provider.mjs")).expect("copy provider.mjs");
        Some(dir)
    })
    .as_deref()
}

impl OidcProvider {
    /// A provider on a free port, or `None` (outside CI) without node and npm.
    pub fn start() -> Option<OidcProvider> {
        let dir = installed()?;
        let mut child = Command::new("node")
            .arg(dir.join("provider.mjs"))
            .arg("0")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the provider's first line");
        let started: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|error| panic!("the provider did not start ({error}): {line:?}"));
        let text = |name: &str| started[name].as_str().expect(name).to_owned();
        Some(OidcProvider {
            issuer: text("issuer"),
            client_id: text("client_id"),
            client_secret: text("client_secret"),
            kids: kids(&started["kids"]),
            child,
            _stdin: stdin,
        })
    }

    /// The audience of the tokens signed with `alg`.
    pub fn audience(alg: &str) -> String {
        format!("https://api.example.test/{}", alg.to_ascii_lowercase())
    }

    /// A JWT access token from the token endpoint, client-credentials grant, signed with `alg`.
    pub fn token(&self, alg: &str) -> String {
        let audience = Self::audience(alg);
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.as_str()),
            ("scope", "read"),
            ("resource", audience.as_str()),
        ];
        let mut response = ureq::post(format!("{}/token", self.issuer))
            .send_form(form)
            .expect("the token endpoint answers");
        let body: serde_json::Value = serde_json::from_str(
            &response
                .body_mut()
                .read_to_string()
                .expect("a token response"),
        )
        .expect("a JSON token response");
        body["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no access_token in {body}"))
            .to_owned()
    }

    /// New keys for every algorithm (new kids); the old ones are gone from the JWKS.
    pub fn rotate(&mut self) {
        let mut response = ureq::post(format!("{}/__test/rotate", self.issuer))
            .send_empty()
            .expect("rotate");
        let body: serde_json::Value =
            serde_json::from_str(&response.body_mut().read_to_string().expect("rotate body"))
                .expect("rotate JSON");
        self.kids = kids(&body["kids"]);
    }

    /// Stops the provider now (a test of what happens when it is gone).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn kids(value: &serde_json::Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .expect("kids object")
        .iter()
        .map(|(alg, kid)| (alg.clone(), kid.as_str().expect("kid").to_owned()))
        .collect()
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        self.stop();
    }
}
