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
