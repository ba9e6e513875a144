//! `verify --jwks URL` and `verify --oidc ISSUER` as a user runs them, against a local server
//! that records every request: exit statuses, messages, the cache between processes, TLS, the
//! proxy, and the rule that nothing in a token's header ever causes a request.

#[path = "support/http_server.rs"]
mod http_server;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use assert_cmd::Command;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_server::{Reply, Request, TestCa, TestServer};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(name)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The JWKS `jwtctl jwks` prints for a public key fixture, and its kid.
fn jwks_of(public: &str) -> (String, String) {
    let output = Command::cargo_bin("jwtctl")
        .unwrap()
        .arg("jwks")
        .arg(fixture(public))
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let document: Value = serde_json::from_str(&text).unwrap();
    let kid = document["keys"][0]["kid"].as_str().unwrap().to_owned();
    (text, kid)
}

fn ec_jwks() -> &'static (String, String) {
    static JWKS: OnceLock<(String, String)> = OnceLock::new();
    JWKS.get_or_init(|| jwks_of("ec256.pub.pem"))
}

fn b64u(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A token with exactly this header and these claims, signed ES256 with the ec256 fixture.
fn es256_token(header: &Value, claims: &Value) -> String {
    let pem = std::fs::read(fixture("ec256.pem")).unwrap();
    let key = EncodingKey::from_ec_pem(&pem).unwrap();
    let input = format!("{}.{}", b64u(header.to_string()), b64u(claims.to_string()));
    let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &key, Algorithm::ES256).unwrap();
    format!("{input}.{signature}")
}

fn claims(issuer: &str) -> Value {
    json!({ "iss": issuer, "sub": "svc", "aud": "api", "iat": now(), "exp": now() + 600 })
}

fn token(issuer: &str) -> String {
    let kid = &ec_jwks().1;
    es256_token(
        &json!({ "alg": "ES256", "typ": "at+jwt", "kid": kid }),
        &claims(issuer),
    )
}

/// A provider stand-in for failure tests: discovery at `/`, the JWKS at `/jwks`.
fn provider(extra: impl Fn(&Request) -> Option<Reply> + Send + Sync + 'static) -> TestServer {
    let base = Arc::new(OnceLock::<String>::new());
    let server = {
        let base = base.clone();
        TestServer::start(move |request: &Request| {
            if let Some(reply) = extra(request) {
                return reply;
            }
            let base = base.get().unwrap();
            match request.path.as_str() {
                "/.well-known/openid-configuration" => Reply::json(
                    json!({ "issuer": base, "jwks_uri": format!("{base}/jwks") }).to_string(),
                ),
                "/jwks" => Reply::json(ec_jwks().0.clone()),
                _ => Reply::status(404, ""),
            }
        })
    };
    base.set(server.url("")).unwrap();
    server
}

struct Cache(tempfile::TempDir);

impl Cache {
    fn new() -> Cache {
        Cache(tempfile::tempdir().unwrap())
    }

    /// `jwtctl` with a clean environment and this cache.
    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("jwtctl").unwrap();
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy().into_owned();
            let proxy = name.to_ascii_lowercase().ends_with("_proxy");
            if name.starts_with("JWTCTL_") || name.starts_with("SSL_CERT") || proxy {
                cmd.env_remove(&name);
            }
        }
        cmd.env("XDG_CACHE_HOME", self.0.path())
            .env("XDG_DATA_HOME", self.0.path().join("data"))
            .env("NO_COLOR", "1")
            .write_stdin("");
        cmd
    }

    fn files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.0.path().join("jwtctl/remote"))
            .map(|dir| dir.map(|entry| entry.unwrap().path()).collect())
            .unwrap_or_default()
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let output = cmd.output().unwrap();
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_ne!(run.code, Some(101), "panicked: {}", run.stderr);
    run
}

/// The documented failure shape: this status, nothing on stdout, one line on stderr with all
/// of `needles`.
fn fails(run: &Run, status: i32, needles: &[&str]) {
    assert_eq!(run.code, Some(status), "stderr: {}", run.stderr);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "stderr: {}", run.stderr);
    for needle in needles {
        assert!(
            errors[0].contains(needle),
            "{needle:?} not in {:?}",
            errors[0]
        );
    }
}

#[test]
fn oidc_discovers_the_keys_and_the_cache_serves_the_next_process() {
    let server = provider(|_| None);
    let issuer = server.url("");
    let cache = Cache::new();
    let token = token(&issuer);
    let first = run(cache.cmd().args([
        "verify", "--json", "--aud", "api", "--oidc", &issuer, &token,
    ]));
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let result: Value = serde_json::from_str(&first.stdout).unwrap();
    assert_eq!(result["valid"], true);
    assert_eq!(result["claims"]["iss"], issuer.as_str());
    assert_eq!(
        server.paths(),
        ["/.well-known/openid-configuration", "/jwks"]
    );
    assert_eq!(cache.files().len(), 2);
    #[cfg(unix)]
    for file in cache.files() {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let second = run(cache.cmd().args([
        "verify", "--quiet", "--aud", "api", "--oidc", &issuer, &token,
    ]));
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    assert_eq!(server.requests().len(), 2);
    // The issuer is implied: a token from another issuer is rejected even with the right key.
    let other = run(cache.cmd().args([
        "verify",
        "--aud",
        "api",
        "--oidc",
        &issuer,
        &self::token("https://other.example.com"),
    ]));
    fails(&other, 1, &["iss"]);
}

#[test]
fn jwks_urls_work_like_files_and_files_still_work() {
    let server = provider(|_| None);
    let cache = Cache::new();
    let token = token("https://idp.example.com");
    let jwks_url = server.url("/jwks");
    let by_url = run(cache.cmd().args([
        "verify", "--quiet", "--aud", "api", "--jwks", &jwks_url, &token,
    ]));
    assert_eq!(by_url.code, Some(0), "{}", by_url.stderr);
    assert_eq!(server.paths(), ["/jwks"]);
    let file = cache.0.path().join("jwks.json");
    std::fs::write(&file, &ec_jwks().0).unwrap();
    let by_file = run(cache
        .cmd()
        .args(["verify", "--quiet", "--aud", "api", "--jwks"])
        .arg(&file)
        .arg(&token));
    assert_eq!(by_file.code, Some(0), "{}", by_file.stderr);
}

#[test]
fn a_conflicting_iss_is_a_usage_error_and_the_same_one_is_fine() {
    let server = provider(|_| None);
    let issuer = server.url("");
    let cache = Cache::new();
    let token = token(&issuer);
    let same = run(cache.cmd().args([
        "verify", "--quiet", "--aud", "api", "--iss", &issuer, "--oidc", &issuer, &token,
    ]));
    assert_eq!(same.code, Some(0), "{}", same.stderr);
    let before = server.requests().len();
    let other = run(cache.cmd().args([
        "verify",
        "--aud",
        "api",
        "--iss",
        "https://other.example.com",
        "--oidc",
        &issuer,
        &token,
    ]));
    fails(&other, 2, &["--iss", "--oidc"]);
    assert_eq!(server.requests().len(), before);
}

#[test]
fn failures_to_obtain_keys_exit_4_naming_the_url_and_the_reason() {
    let big = Arc::new(vec![b' '; 20 * 1024 * 1024]);
    let server = provider(move |request| {
        match request.path.as_str() {
        "/silent/.well-known/openid-configuration" => Some(Reply::Silence),
        "/500/.well-known/openid-configuration" => Some(Reply::status(500, "oops")),
        "/big/.well-known/openid-configuration" => Some(Reply::json(big.as_ref().clone())),
        "/html/.well-known/openid-configuration" => Some(Reply::status(200, "<html>sign in</html>")),
        "/liar/.well-known/openid-configuration" => Some(Reply::json(
            json!({ "issuer": "https://evil.example.com", "jwks_uri": "https://evil.example.com/jwks" })
                .to_string(),
        )),
        "/nokeys/jwks" => Some(Reply::json(r#"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#)),
        _ => None,
    }
    });
    let cache = Cache::new();
    let token = token("x");
    let oidc = |path: &str, extra: &[&str]| {
        run(cache
            .cmd()
            .args(["verify", "--aud", "api"])
            .args(extra)
            .args(["--oidc", &server.url(path), &token]))
    };
    let discovery = |path: &str| format!("{}/.well-known/openid-configuration", server.url(path));
    fails(
        &oidc("/silent", &["--fetch-timeout", "1s"]),
        4,
        &[&discovery("/silent"), "no answer within 1s"],
    );
    fails(&oidc("/500", &[]), 4, &[&discovery("/500"), "HTTP 500"]);
    fails(
        &oidc("/big", &[]),
        4,
        &[&discovery("/big"), "larger than 1048576 bytes"],
    );
    fails(&oidc("/html", &[]), 4, &[&discovery("/html"), "not JSON"]);
    fails(
        &oidc("/liar", &[]),
        4,
        &[&discovery("/liar"), "another issuer", "evil.example.com"],
    );
    fails(&oidc("/missing", &[]), 4, &["HTTP 404"]);
    // Nothing that failed was cached.
    assert!(cache.files().is_empty(), "{:?}", cache.files());
    let nokeys = run(cache.cmd().args([
        "verify",
        "--aud",
        "api",
        "--jwks",
        &server.url("/nokeys/jwks"),
        &token,
    ]));
    fails(&nokeys, 4, &["/nokeys/jwks", "no signing key"]);
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let unreachable = run(cache.cmd().args([
        "verify",
        "--jwks",
        &format!("http://127.0.0.1:{closed}/jwks"),
        &token,
    ]));
    fails(
        &unreachable,
        4,
        &[&format!("http://127.0.0.1:{closed}/jwks"), "cannot connect"],
    );
}

#[test]
fn plain_http_to_another_host_is_refused_before_any_request() {
    let cache = Cache::new();
    let token = token("x");
    for (option, url) in [
        ("--oidc", "http://idp.example.com"),
        ("--jwks", "http://10.9.8.7/jwks"),
        ("--oidc", "https://user:hunter2@idp.example.com"),
    ] {
        let refused = run(cache.cmd().args(["verify", option, url, &token]));
        fails(&refused, 2, &[option]);
        assert!(!refused.stderr.contains("hunter2"), "{}", refused.stderr);
    }
}

#[test]
fn https_trusts_ssl_cert_file_and_ca_file_and_nothing_else() {
    let ca = TestCa::new();
    let server = TestServer::start_tls(&ca, |_: &Request| Reply::json(ec_jwks().0.clone()));
    let cache = Cache::new();
    let token = token("x");
    let jwks = server.url("/jwks");
    let untrusted = run(cache.cmd().args([
        "verify",
        "--aud",
        "api",
        "--no-cache",
        "--jwks",
        &jwks,
        &token,
    ]));
    fails(&untrusted, 4, &[&jwks, "TLS"]);
    let with_env = run(cache.cmd().env("SSL_CERT_FILE", ca.ca_file()).args([
        "verify",
        "--quiet",
        "--aud",
        "api",
        "--no-cache",
        "--jwks",
        &jwks,
        &token,
    ]));
    assert_eq!(with_env.code, Some(0), "{}", with_env.stderr);
    let with_flag = run(cache
        .cmd()
        .args([
            "verify",
            "--quiet",
            "--aud",
            "api",
            "--no-cache",
            "--ca-file",
        ])
        .arg(ca.ca_file())
        .args(["--jwks", &jwks, &token]));
    assert_eq!(with_flag.code, Some(0), "{}", with_flag.stderr);
    // --no-cache neither read nor wrote the cache.
    assert!(cache.files().is_empty());
    // Also with a fresh cached copy, which needs no TLS at all.
    let plain = provider(|_| None);
    let cached = run(cache.cmd().args([
        "verify",
        "--quiet",
        "--aud",
        "api",
        "--jwks",
        &plain.url("/jwks"),
        &token,
    ]));
    assert_eq!(cached.code, Some(0), "{}", cached.stderr);
    let bad_ca_cached = run(cache.cmd().args([
        "verify",
        "--ca-file",
        "/nonexistent/ca.pem",
        "--jwks",
        &plain.url("/jwks"),
        &token,
    ]));
    fails(&bad_ca_cached, 2, &["--ca-file"]);
    let bad_ca = run(cache.cmd().args([
        "verify",
        "--ca-file",
        "/nonexistent/ca.pem",
        "--jwks",
        &jwks,
        &token,
    ]));
    fails(&bad_ca, 2, &["--ca-file", "/nonexistent/ca.pem"]);
}

#[test]
fn https_proxy_carries_the_request_unless_no_proxy_names_the_host() {
    let ca = TestCa::new();
    // The "proxy" answers CONNECT and then is the TLS server itself: it records what it was asked.
    let proxy =
        TestServer::start_tls_after_connect(&ca, |_: &Request| Reply::json(ec_jwks().0.clone()));
    let cache = Cache::new();
    let token = token("x");
    let url = "https://keys.example.test/jwks";
    let through = run(cache
        .cmd()
        .env("HTTPS_PROXY", proxy.url(""))
        .args([
            "verify",
            "--quiet",
            "--aud",
            "api",
            "--no-cache",
            "--ca-file",
        ])
        .arg(ca.ca_file())
        .args(["--jwks", url, &token]));
    assert_eq!(through.code, Some(0), "{}", through.stderr);
    let requests = proxy.requests();
    assert_eq!(requests[0].method, "CONNECT");
    assert_eq!(requests[0].path, "keys.example.test:443");
    assert_eq!(requests[1].path, "/jwks");
    let bypassed = run(cache
        .cmd()
        .env("HTTPS_PROXY", proxy.url(""))
        .env("NO_PROXY", ".example.test")
        .args([
            "verify",
            "--aud",
            "api",
            "--no-cache",
            "--fetch-timeout",
            "2s",
            "--jwks",
            url,
            &token,
        ]));
    fails(&bypassed, 4, &[url]);
    assert_eq!(proxy.requests().len(), 2);
}

#[test]
fn offline_uses_only_the_cache_and_a_failing_server_is_covered_by_a_copy_with_a_warning() {
    let failing = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let server = {
        let failing = failing.clone();
        provider(move |_| {
            failing
                .load(std::sync::atomic::Ordering::SeqCst)
                .then(|| Reply::status(503, "down"))
        })
    };
    let issuer = server.url("");
    let cache = Cache::new();
    let token = token(&issuer);
    let verify = |extra: &[&str]| {
        run(cache
            .cmd()
            .args(["verify", "--quiet", "--aud", "api"])
            .args(extra)
            .args(["--oidc", &issuer, &token]))
    };
    fails(
        &verify(&["--offline"]),
        4,
        &["--offline", "not in the cache"],
    );
    assert!(server.requests().is_empty());
    assert_eq!(verify(&[]).code, Some(0));
    assert_eq!(verify(&["--offline"]).code, Some(0));
    assert_eq!(server.requests().len(), 2);
    // Age the copies by an hour: stale, but under a day.
    for file in cache.files() {
        let mut entry: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        entry["fetched_at"] = json!(entry["fetched_at"].as_i64().unwrap() - 3600);
        std::fs::write(&file, entry.to_string()).unwrap();
    }
    failing.store(true, std::sync::atomic::Ordering::SeqCst);
    let stale = verify(&[]);
    assert_eq!(stale.code, Some(0), "{}", stale.stderr);
    assert!(stale.stderr.starts_with("warning: "), "{}", stale.stderr);
    assert!(
        stale.stderr.contains("HTTP 503") && stale.stderr.contains("1h ago"),
        "{}",
        stale.stderr
    );
    fails(&verify(&["--no-cache"]), 4, &["HTTP 503"]);
}

#[test]
fn an_unknown_kid_refetches_once_and_names_the_kids_known() {
    let server = provider(|_| None);
    let issuer = server.url("");
    let cache = Cache::new();
    let good = token(&issuer);
    let verify = |token: &str| {
        run(cache
            .cmd()
            .args(["verify", "--aud", "api", "--oidc", &issuer, token]))
    };
    assert_eq!(verify(&good).code, Some(0));
    let unknown = es256_token(
        &json!({ "alg": "ES256", "kid": "rotated-away" }),
        &claims(&issuer),
    );
    let rejected = verify(&unknown);
    fails(&rejected, 1, &["rotated-away", &ec_jwks().1]);
    assert_eq!(
        server.paths(),
        ["/.well-known/openid-configuration", "/jwks", "/jwks"]
    );
    // Within 30 s of that refetch, another unknown kid is answered from the cache.
    fails(&verify(&unknown), 1, &["rotated-away"]);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_batch_fetches_once_and_refetches_at_most_once() {
    let server = provider(|_| None);
    let issuer = server.url("");
    let cache = Cache::new();
    let good = token(&issuer);
    let unknown = es256_token(&json!({ "alg": "ES256", "kid": "gone" }), &claims(&issuer));
    // An earlier process filled the cache; this one reads it, and refetches once for "gone".
    let warm = run(cache.cmd().args([
        "verify", "--quiet", "--aud", "api", "--oidc", &issuer, &good,
    ]));
    assert_eq!(warm.code, Some(0), "{}", warm.stderr);
    let input = format!("{good}\n{unknown}\n{good}\n{unknown}\n{unknown}\n");
    let batch = run(cache
        .cmd()
        .args(["verify", "--batch", "--aud", "api", "--oidc", &issuer])
        .write_stdin(input));
    assert_eq!(batch.code, Some(1), "{}", batch.stderr);
    let valid: Vec<bool> = batch
        .stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["valid"] == true)
        .collect();
    assert_eq!(valid, [true, false, true, false, false]);
    assert_eq!(
        server.paths(),
        ["/.well-known/openid-configuration", "/jwks", "/jwks"]
    );
    // A process that fetched the keys itself never refetches them.
    let cold = Cache::new();
    let batch = run(cold
        .cmd()
        .args(["verify", "--batch", "--aud", "api", "--oidc", &issuer])
        .write_stdin(format!("{unknown}\n{good}\n{unknown}\n")));
    assert_eq!(batch.code, Some(1), "{}", batch.stderr);
    assert_eq!(server.requests().len(), 5);
}

#[test]
fn an_oct_key_from_a_url_is_never_used() {
    let secret = b"0123456789abcdef0123456789abcdef0123456789abcdef";
    let jwks = json!({ "keys": [
        serde_json::from_str::<Value>(&ec_jwks().0).unwrap()["keys"][0].clone(),
        { "kty": "oct", "kid": "shared", "k": b64u(secret), "alg": "HS256" },
    ]})
    .to_string();
    let server = TestServer::start(move |_: &Request| Reply::json(jwks.clone()));
    let cache = Cache::new();
    let input = format!(
        "{}.{}",
        b64u(json!({ "alg": "HS256", "kid": "shared" }).to_string()),
        b64u(claims("x").to_string())
    );
    let signature = jsonwebtoken::crypto::sign(
        input.as_bytes(),
        &EncodingKey::from_secret(secret),
        Algorithm::HS256,
    )
    .unwrap();
    let forged = format!("{input}.{signature}");
    for extra in [&[][..], &["--alg", "HS256"][..]] {
        let rejected = run(cache
            .cmd()
            .args(["verify", "--aud", "api"])
            .args(extra)
            .args(["--jwks", &server.url("/jwks"), &forged]));
        assert!(
            matches!(rejected.code, Some(1) | Some(2)),
            "{}",
            rejected.stderr
        );
        assert!(rejected.stdout.is_empty());
    }
}

#[test]
fn decode_names_the_issuer_and_kid_and_suggests_verify_oidc_without_fetching() {
    let server = provider(|_| None);
    let issuer = server.url("");
    let cache = Cache::new();
    let decoded = run(cache.cmd().args(["decode", &token(&issuer)]));
    assert_eq!(decoded.code, Some(0), "{}", decoded.stderr);
    assert!(
        decoded
            .stderr
            .contains(&format!("jwtctl verify --oidc {issuer}")),
        "{}",
        decoded.stderr
    );
    assert!(decoded.stderr.contains(&ec_jwks().1), "{}", decoded.stderr);
    assert!(server.requests().is_empty());
}

mod header_property {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// jku, x5u, jwk, x5c and any other header member: nothing in a header makes jwtctl ask
        /// anything of anyone. Only the configured JWKS URL is ever requested, and only once
        /// per refetch rule.
        #[test]
        fn nothing_in_a_header_causes_a_request(
            use_jku in any::<bool>(),
            use_x5u in any::<bool>(),
            use_jwk in any::<bool>(),
            use_x5c in any::<bool>(),
            kid_known in any::<bool>(),
            path in "/[a-z]{0,8}",
            alg in prop::sample::select(vec!["ES256", "RS256", "HS256", "none", "EdDSA"]),
        ) {
            let trap = TestServer::start(|_: &Request| Reply::json(ec_jwks().0.clone()));
            let server = TestServer::start(|_: &Request| Reply::json(ec_jwks().0.clone()));
            let cache = Cache::new();
            let trap_url = trap.url(&path);
            let mut header = json!({ "alg": alg });
            if kid_known { header["kid"] = json!(ec_jwks().1); }
            if use_jku { header["jku"] = json!(trap_url); }
            if use_x5u { header["x5u"] = json!(trap_url); }
            if use_jwk {
                header["jwk"] = serde_json::from_str::<Value>(&ec_jwks().0).unwrap()["keys"][0].clone();
                header["jwk"]["x5u"] = json!(trap_url);
            }
            if use_x5c { header["x5c"] = json!(["MIIB"]); header["x5t"] = json!(trap_url); }
            let token = es256_token(&header, &claims("x"));
            let result = run(cache.cmd().args(["verify", "--quiet", "--aud", "api", "--jwks", &server.url("/jwks"), &token]));
            prop_assert!(result.code != Some(101));
            prop_assert!(trap.requests().is_empty(), "{:?}", trap.requests());
            prop_assert_eq!(trap.connections(), 0);
            // The configured server was reached, so the counting works.
            prop_assert!(server.connections() >= 1);
            prop_assert!(server.paths().iter().all(|p| p == "/jwks"));
            prop_assert!(server.requests().len() <= 2);
        }
    }
}

#[test]
fn a_token_without_kid_is_tried_against_every_key_that_fits_its_algorithm() {
    let (other, _) = jwks_of("ec256-other.pub.pem");
    let mut keys: Vec<Value> = Vec::new();
    for text in [&other, &ec_jwks().0] {
        keys.extend(
            serde_json::from_str::<Value>(text).unwrap()["keys"]
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
    }
    let jwks = json!({ "keys": keys }).to_string();
    let server = TestServer::start(move |_: &Request| Reply::json(jwks.clone()));
    let cache = Cache::new();
    let no_kid = es256_token(&json!({ "alg": "ES256" }), &claims("x"));
    let verify = |token: &str| {
        run(cache.cmd().args([
            "verify",
            "--quiet",
            "--aud",
            "api",
            "--jwks",
            &server.url("/jwks"),
            token,
        ]))
    };
    let accepted = verify(&no_kid);
    assert_eq!(accepted.code, Some(0), "{}", accepted.stderr);
    // Tried against both, it matches neither when its signature is not theirs.
    let mut tampered = no_kid.clone();
    tampered.truncate(tampered.len() - 4);
    tampered.push_str("AAAA");
    fails(&verify(&tampered), 1, &["signature"]);
    // No key fits EdDSA at all.
    let wrong = {
        let pem = std::fs::read(fixture("ed25519.pem")).unwrap();
        let key = EncodingKey::from_ed_pem(&pem).unwrap();
        let input = format!(
            "{}.{}",
            b64u(json!({ "alg": "EdDSA" }).to_string()),
            b64u(claims("x").to_string())
        );
        let signature =
            jsonwebtoken::crypto::sign(input.as_bytes(), &key, Algorithm::EdDSA).unwrap();
        format!("{input}.{signature}")
    };
    let refused = run(cache.cmd().args([
        "verify",
        "--aud",
        "api",
        "--alg",
        "EdDSA",
        "--jwks",
        &server.url("/jwks"),
        &wrong,
    ]));
    fails(&refused, 1, &["EdDSA"]);
}

#[test]
fn a_broken_proxy_setting_is_a_usage_error_that_never_shows_its_password() {
    let cache = Cache::new();
    let refused = run(cache
        .cmd()
        .env("HTTPS_PROXY", "http://user:s3cret@[not-a-host")
        .args([
            "verify",
            "--jwks",
            "https://keys.example.test/jwks",
            &token("x"),
        ]));
    fails(&refused, 2, &["HTTPS_PROXY"]);
    assert!(!refused.stderr.contains("s3cret"), "{}", refused.stderr);
}
