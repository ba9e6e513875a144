//! Tokens from a real OpenID Provider (node-oidc-provider, see tests/support/oidc_provider.rs):
//! discovery and key fetching by `jwtctl::remote`, and verification by the binary.

#[path = "support/oidc_provider.rs"]
mod oidc_provider;

use std::time::Duration;

use assert_cmd::Command;
use jwtctl::remote::{CacheMode, Kind, Origin, Remote, Settings};
use oidc_provider::OidcProvider;

fn now() -> i64 {
    jwtctl::jwt::time::now()
}

fn remote(cache: &tempfile::TempDir) -> Remote {
    Remote::new(Settings {
        mode: CacheMode::Normal,
        timeout: Duration::from_secs(5),
        ca_file: None,
        cache_dir: Some(cache.path().to_path_buf()),
    })
}

fn verify_with_file(jwks: &std::path::Path, provider: &OidcProvider, alg: &str, token: &str) {
    let output = Command::cargo_bin("jwtctl")
        .unwrap()
        .env_remove("JWTCTL_SECRET")
        .args(["verify", "--json", "--jwks"])
        .arg(jwks)
        .args([
            "--iss",
            &provider.issuer,
            "--aud",
            &OidcProvider::audience(alg),
        ])
        .arg(token)
        .write_stdin("")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{alg}: {stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(result["header"]["alg"], alg);
    assert_eq!(result["header"]["kid"], provider.kids[alg].as_str());
}

#[test]
fn keys_found_by_discovery_verify_the_providers_tokens_before_and_after_rotation() {
    let Some(mut provider) = OidcProvider::start() else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let jwks_file = scratch.path().join("jwks.json");
    let issuer = provider.issuer.clone();
    let fetch = |remote: &Remote, force: bool| {
        let jwks_uri = remote
            .jwks_uri_of(&issuer, now(), &mut |w| panic!("{w}"))
            .unwrap();
        let document = remote
            .get(&jwks_uri, Kind::Jwks, force, now(), &mut |w| panic!("{w}"))
            .unwrap();
        std::fs::write(&jwks_file, &document.body).unwrap();
        document.origin
    };
    assert_eq!(fetch(&remote(&cache), false), Origin::Network);
    for alg in ["RS256", "ES256", "EdDSA"] {
        verify_with_file(&jwks_file, &provider, alg, &provider.token(alg));
    }
    // The provider rotates; the cached copy is still fresh and lacks the new kids.
    provider.rotate();
    assert_eq!(fetch(&remote(&cache), false), Origin::Cache);
    let body = std::fs::read_to_string(&jwks_file).unwrap();
    assert!(!body.contains(&provider.kids["ES256"]), "{body}");
    // An unknown kid forces one refetch, which brings the new keys.
    assert_eq!(fetch(&remote(&cache), true), Origin::Network);
    for alg in ["RS256", "ES256", "EdDSA"] {
        verify_with_file(&jwks_file, &provider, alg, &provider.token(alg));
    }
    // With the provider gone, the fresh copy still answers.
    provider.stop();
    assert_eq!(fetch(&remote(&cache), false), Origin::Cache);
}

/// `jwtctl` with a clean environment and its cache in `cache`.
fn jwtctl(cache: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("jwtctl").unwrap();
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("JWTCTL_") || name.to_ascii_lowercase().ends_with("_proxy") {
            cmd.env_remove(&name);
        }
    }
    cmd.env("XDG_CACHE_HOME", cache.path())
        .env("XDG_DATA_HOME", cache.path().join("data"))
        .env("NO_COLOR", "1")
        .write_stdin("");
    cmd
}

fn status(cmd: &mut Command) -> (Option<i32>, String, String) {
    let output = cmd.output().unwrap();
    let code = output.status.code();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_ne!(code, Some(101), "panicked: {stderr}");
    (code, stdout, stderr)
}

#[test]
fn verify_oidc_accepts_the_providers_tokens_through_rotation_and_outage() {
    let Some(mut provider) = OidcProvider::start() else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let issuer = provider.issuer.clone();
    let verify = |token: &str, alg: &str, extra: &[&str]| {
        status(
            jwtctl(&cache)
                .args(["verify", "--json", "--oidc", &issuer])
                .args(["--aud", &OidcProvider::audience(alg)])
                .args(extra)
                .arg(token),
        )
    };
    let mut before = Vec::new();
    for alg in ["RS256", "ES256", "EdDSA"] {
        let token = provider.token(alg);
        let (code, stdout, stderr) = verify(&token, alg, &["--type", "access", "--require", "jti"]);
        assert_eq!(code, Some(0), "{alg}: {stderr}");
        let result: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(result["header"]["kid"], provider.kids[alg].as_str());
        assert_eq!(result["claims"]["iss"], issuer.as_str());
        // The audience of one resource server is not another's.
        let other = if alg == "RS256" { "ES256" } else { "RS256" };
        assert_eq!(verify(&token, other, &[]).0, Some(1), "{alg}");
        before.push(token);
    }
    // --check-revocation consults the store after the signature: nothing is revoked there.
    let store = cache.path().join("sessions.json");
    std::fs::write(
        &store,
        r#"{"version":1,"tokens":{},"revoked_families":{},"cutoffs":{}}"#,
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let store_arg = store.to_string_lossy().into_owned();
    let (code, _, stderr) = verify(&before[1], "ES256", &["--store", &store_arg]);
    assert_eq!(code, Some(0), "{stderr}");

    // The provider rotates while the cached keys are fresh: a token with a new kid forces one
    // refetch and verifies; one signed with a key that is gone is rejected naming its kid.
    provider.rotate();
    for alg in ["RS256", "ES256", "EdDSA"] {
        let (code, _, stderr) = verify(&provider.token(alg), alg, &[]);
        assert_eq!(code, Some(0), "{alg} after rotation: {stderr}");
    }
    let (code, stdout, stderr) = verify(&before[0], "RS256", &[]);
    assert_eq!(code, Some(1), "{stderr}");
    let rejected: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let message = rejected["error"]["message"].as_str().unwrap();
    assert!(message.contains("rsa-1"), "{message}");
    assert!(message.contains(&provider.kids["RS256"]), "{message}");

    // Many tokens in one process, with the keys already cached.
    let batch: String = ["RS256", "ES256", "EdDSA"]
        .iter()
        .map(|alg| format!("{}\n", provider.token(alg)))
        .collect();
    let (code, stdout, stderr) = status(
        jwtctl(&cache)
            .args(["verify", "--batch", "--oidc", &issuer])
            .args(["--aud", &OidcProvider::audience("RS256")])
            .args(["--aud", &OidcProvider::audience("ES256")])
            .args(["--aud", &OidcProvider::audience("EdDSA")])
            .write_stdin(batch.clone()),
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 3);

    // The provider is gone: the fresh cached copy still answers, and --offline too.
    provider.stop();
    let token = batch.lines().nth(1).unwrap();
    assert_eq!(verify(token, "ES256", &[]).0, Some(0));
    assert_eq!(verify(token, "ES256", &["--offline"]).0, Some(0));
    let (code, stdout, stderr) = verify(token, "ES256", &["--no-cache"]);
    assert_eq!(code, Some(4), "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains(&issuer), "{stderr}");
}
