//! The remote-document layer (`jwtctl::remote`) against a local server that records every
//! request: the cache, revalidation, stale-if-error, the refetch rule, discovery, redirects,
//! limits and failures, and TLS with a CA made for the test.

#[path = "support/http_server.rs"]
mod http_server;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http_server::{Reply, Request, TestCa, TestServer};
use jwtctl::remote::{
    CacheMode, Failure, Kind, Origin, Problem, Remote, RemoteError, Settings, UrlError,
};
use url::Url;

const JWKS: &str = r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;
const NOW: i64 = 1_800_000_000;

struct Setup {
    cache: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        Setup {
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn settings(&self, mode: CacheMode) -> Settings {
        Settings {
            mode,
            timeout: Duration::from_secs(5),
            ca_file: None,
            cache_dir: Some(self.cache.path().join("remote")),
        }
    }

    fn remote(&self) -> Remote {
        Remote::new(self.settings(CacheMode::Normal))
    }

    fn cached_files(&self) -> usize {
        std::fs::read_dir(self.cache.path().join("remote")).map_or(0, |dir| dir.count())
    }
}

fn url(text: &str) -> Url {
    Url::parse(text).unwrap()
}

/// Fetches `url` as a JWKS, collecting warnings.
fn get(
    remote: &Remote,
    url: &Url,
    force: bool,
    now: i64,
) -> (Result<Origin, RemoteError>, Vec<String>) {
    let mut warnings = Vec::new();
    let result = remote
        .get(url, Kind::Jwks, force, now, &mut |warning| {
            warnings.push(warning)
        })
        .map(|document| {
            assert_eq!(document.body, JWKS);
            document.origin
        });
    (result, warnings)
}

fn failure(result: Result<Origin, RemoteError>) -> Failure {
    match result {
        Err(RemoteError::Fetch { failure, .. }) => failure,
        other => panic!("expected a fetch failure, got {other:?}"),
    }
}

#[test]
fn a_fresh_copy_is_used_without_asking_and_a_stale_one_is_revalidated() {
    let setup = Setup::new();
    let server = TestServer::start(|request: &Request| {
        if request.header("if-none-match") == Some("\"v1\"") {
            Reply::status(304, "").header("cache-control", "max-age=120")
        } else {
            Reply::json(JWKS)
                .header("etag", "\"v1\"")
                .header("cache-control", "public, max-age=120")
        }
    });
    let jwks = url(&server.url("/jwks"));
    assert_eq!(
        get(&setup.remote(), &jwks, false, NOW).0.unwrap(),
        Origin::Network
    );
    assert_eq!(server.requests().len(), 1);
    // Another process, within max-age: the cache answers, the server hears nothing.
    assert_eq!(
        get(&setup.remote(), &jwks, false, NOW + 119).0.unwrap(),
        Origin::Cache
    );
    assert_eq!(server.requests().len(), 1);
    // Past max-age: a conditional request, answered 304.
    assert_eq!(
        get(&setup.remote(), &jwks, false, NOW + 120).0.unwrap(),
        Origin::Revalidated
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(requests[0].header("if-none-match"), None);
    // The 304 renewed the copy.
    assert_eq!(
        get(&setup.remote(), &jwks, false, NOW + 200).0.unwrap(),
        Origin::Cache
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn max_age_is_clamped_and_ten_minutes_is_the_default() {
    let setup = Setup::new();
    let server = TestServer::start(|request: &Request| match request.path.as_str() {
        "/short" => Reply::json(JWKS).header("cache-control", "max-age=1"),
        "/long" => Reply::json(JWKS).header("cache-control", "max-age=999999999"),
        _ => Reply::json(JWKS),
    });
    for (path, lifetime) in [("/short", 60), ("/long", 86_400), ("/none", 600)] {
        let target = url(&server.url(path));
        assert_eq!(
            get(&setup.remote(), &target, false, NOW).0.unwrap(),
            Origin::Network
        );
        assert_eq!(
            get(&setup.remote(), &target, false, NOW + lifetime - 1)
                .0
                .unwrap(),
            Origin::Cache,
            "{path}"
        );
        assert_eq!(
            get(&setup.remote(), &target, false, NOW + lifetime)
                .0
                .unwrap(),
            Origin::Network,
            "{path}"
        );
    }
    assert_eq!(server.requests().len(), 6);
}

#[test]
fn a_failing_server_is_covered_by_a_copy_under_a_day_old_with_a_warning() {
    let setup = Setup::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let server = {
        let calls = calls.clone();
        TestServer::start(move |_: &Request| {
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                Reply::json(JWKS)
            } else {
                Reply::status(500, "oops")
            }
        })
    };
    let jwks = url(&server.url("/jwks"));
    assert_eq!(
        get(&setup.remote(), &jwks, false, NOW).0.unwrap(),
        Origin::Network
    );
    let (result, warnings) = get(&setup.remote(), &jwks, false, NOW + 3_600);
    assert_eq!(result.unwrap(), Origin::Stale);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("HTTP 500"), "{warnings:?}");
    assert!(warnings[0].contains(jwks.as_str()), "{warnings:?}");
    assert!(warnings[0].contains("1h ago"), "{warnings:?}");
    // A day later the copy is too old to stand in.
    let (result, _) = get(&setup.remote(), &jwks, false, NOW + 86_400);
    assert_eq!(failure(result), Failure::Status(500));
}

#[test]
fn an_unknown_kid_refetches_at_most_once_per_url_every_30_seconds_and_once_per_process() {
    let setup = Setup::new();
    let server =
        TestServer::start(|_: &Request| Reply::json(JWKS).header("cache-control", "max-age=3600"));
    let jwks = url(&server.url("/jwks"));
    assert_eq!(
        get(&setup.remote(), &jwks, false, NOW).0.unwrap(),
        Origin::Network
    );
    // Fresh, but forced: asked again.
    let remote = setup.remote();
    assert_eq!(
        get(&remote, &jwks, false, NOW + 1).0.unwrap(),
        Origin::Cache
    );
    assert_eq!(
        get(&remote, &jwks, true, NOW + 1).0.unwrap(),
        Origin::Network
    );
    assert_eq!(server.requests().len(), 2);
    // The same process never asks twice.
    assert_eq!(
        get(&remote, &jwks, true, NOW + 2).0.unwrap(),
        Origin::Network
    );
    assert_eq!(server.requests().len(), 2);
    // Another process within 30 s of the forced fetch: the cache answers.
    assert_eq!(
        get(&setup.remote(), &jwks, true, NOW + 30).0.unwrap(),
        Origin::Cache
    );
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        get(&setup.remote(), &jwks, true, NOW + 31).0.unwrap(),
        Origin::Network
    );
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn no_cache_always_fetches_and_offline_never_does() {
    let setup = Setup::new();
    let server = TestServer::start(|_: &Request| Reply::json(JWKS));
    let jwks = url(&server.url("/jwks"));
    let offline = Remote::new(setup.settings(CacheMode::Offline));
    let mut warnings = Vec::new();
    let error = offline
        .get(&jwks, Kind::Jwks, false, NOW, &mut |w| warnings.push(w))
        .unwrap_err();
    assert!(matches!(error, RemoteError::Offline { .. }), "{error:?}");
    assert!(error.to_string().contains("--offline"), "{error}");
    assert!(server.requests().is_empty());

    let no_cache = || Remote::new(setup.settings(CacheMode::NoCache));
    assert_eq!(
        get(&no_cache(), &jwks, false, NOW).0.unwrap(),
        Origin::Network
    );
    assert_eq!(
        get(&no_cache(), &jwks, false, NOW).0.unwrap(),
        Origin::Network
    );
    assert_eq!(server.requests().len(), 2);
    assert_eq!(setup.cached_files(), 0);

    assert_eq!(
        get(&setup.remote(), &jwks, false, NOW).0.unwrap(),
        Origin::Network
    );
    let offline = Remote::new(setup.settings(CacheMode::Offline));
    assert_eq!(
        get(&offline, &jwks, false, NOW + 10).0.unwrap(),
        Origin::Cache
    );
    // Stale but under a day: used, with a warning.
    let offline = Remote::new(setup.settings(CacheMode::Offline));
    let (result, warnings) = get(&offline, &jwks, false, NOW + 7_200);
    assert_eq!(result.unwrap(), Origin::Cache);
    assert!(warnings[0].contains("--offline"), "{warnings:?}");
    let offline = Remote::new(setup.settings(CacheMode::Offline));
    assert!(matches!(
        get(&offline, &jwks, false, NOW + 86_400).0,
        Err(RemoteError::Offline { .. })
    ));
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn failures_are_typed_and_bounded() {
    let setup = Setup::new();
    let big = vec![b' '; 20 * 1024 * 1024];
    let server = TestServer::start(move |request: &Request| match request.path.as_str() {
        "/500" => Reply::status(500, "internal"),
        "/404" => Reply::status(404, "missing"),
        "/silent" => Reply::Silence,
        "/close" => Reply::Close,
        "/big" => Reply::json(big.clone()),
        "/big-unsized" => Reply::json(big.clone()).without_length(),
        "/html" => Reply::status(200, "<html><body>login</body></html>"),
        "/not-jwks" => Reply::json(r#"{"issuer":"x"}"#),
        "/array" => Reply::json("[1,2]"),
        _ => Reply::status(418, ""),
    });
    let fetch = |path: &str, timeout: u64| {
        let mut settings = setup.settings(CacheMode::Normal);
        settings.timeout = Duration::from_secs(timeout);
        let remote = Remote::new(settings);
        remote
            .get(&url(&server.url(path)), Kind::Jwks, false, NOW, &mut |_| {})
            .unwrap_err()
    };
    let fetch_failure = |path: &str, timeout: u64| match fetch(path, timeout) {
        RemoteError::Fetch { failure, url } => {
            assert!(url.ends_with(path), "{url}");
            failure
        }
        other => panic!("{path}: {other:?}"),
    };
    assert_eq!(fetch_failure("/500", 5), Failure::Status(500));
    assert_eq!(fetch_failure("/404", 5), Failure::Status(404));
    assert_eq!(
        fetch_failure("/silent", 1),
        Failure::Timeout(Duration::from_secs(1))
    );
    assert!(matches!(
        fetch_failure("/close", 5),
        Failure::Unreachable(_) | Failure::Protocol(_)
    ));
    assert_eq!(fetch_failure("/big", 5), Failure::TooLarge);
    assert_eq!(fetch_failure("/big-unsized", 5), Failure::TooLarge);
    let document = |path: &str| match fetch(path, 5) {
        RemoteError::Document { problem, .. } => problem,
        other => panic!("{path}: {other:?}"),
    };
    assert_eq!(document("/html"), Problem::NotJson);
    assert_eq!(document("/not-jwks"), Problem::NotJwks);
    assert_eq!(document("/array"), Problem::NotAnObject);
    // Nothing unusable was cached.
    assert_eq!(setup.cached_files(), 0);

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let remote = setup.remote();
    let error = remote
        .get(
            &url(&format!("http://127.0.0.1:{closed}/jwks")),
            Kind::Jwks,
            false,
            NOW,
            &mut |_| {},
        )
        .unwrap_err();
    assert!(
        matches!(
            &error,
            RemoteError::Fetch {
                failure: Failure::Unreachable(_),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_usage());
}

#[test]
fn plain_http_elsewhere_is_refused_before_any_request() {
    let remote = Setup::new().remote();
    for target in [
        "http://example.com/jwks",
        "http://10.1.2.3/jwks",
        "ftp://127.0.0.1/x",
    ] {
        let error = remote
            .get(&url(target), Kind::Jwks, false, NOW, &mut |_| {})
            .unwrap_err();
        assert!(error.is_usage(), "{target}: {error:?}");
        assert!(matches!(error, RemoteError::Url(_)), "{target}: {error:?}");
    }
}

#[test]
fn redirects_are_followed_three_times_and_never_to_plain_http_elsewhere() {
    let setup = Setup::new();
    let server = TestServer::start(|request: &Request| match request.path.as_str() {
        "/r1" => Reply::redirect(302, "/r2"),
        "/r2" => Reply::redirect(301, "/r3"),
        "/r3" => Reply::redirect(307, "/jwks"),
        "/r0" => Reply::redirect(308, "/r1"),
        "/away" => Reply::redirect(302, "http://example.com/jwks"),
        "/file" => Reply::redirect(302, "file:///etc/passwd"),
        "/jwks" => Reply::json(JWKS),
        _ => Reply::status(404, ""),
    });
    assert_eq!(
        get(&setup.remote(), &url(&server.url("/r1")), false, NOW)
            .0
            .unwrap(),
        Origin::Network
    );
    assert_eq!(server.paths(), ["/r1", "/r2", "/r3", "/jwks"]);
    assert_eq!(
        failure(get(&setup.remote(), &url(&server.url("/r0")), false, NOW).0),
        Failure::TooManyRedirects
    );
    let before = server.requests().len();
    assert_eq!(
        failure(get(&setup.remote(), &url(&server.url("/away")), false, NOW).0),
        Failure::Redirect("http://example.com/jwks".to_owned())
    );
    assert!(matches!(
        failure(get(&setup.remote(), &url(&server.url("/file")), false, NOW).0),
        Failure::Redirect(_)
    ));
    assert_eq!(server.requests().len(), before + 2);
}

fn discovery(issuer: &str, jwks_uri: &str) -> String {
    serde_json::json!({ "issuer": issuer, "jwks_uri": jwks_uri }).to_string()
}

#[test]
fn discovery_checks_the_issuer_and_falls_back_to_rfc_8414_on_404() {
    let setup = Setup::new();
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let server = {
        let base = base.clone();
        TestServer::start(move |request: &Request| {
            let base = base.get().unwrap();
            match request.path.as_str() {
                "/tenant/.well-known/openid-configuration" => Reply::json(discovery(
                    &format!("{base}/tenant"),
                    &format!("{base}/tenant/jwks"),
                )),
                "/.well-known/oauth-authorization-server/as" => {
                    Reply::json(discovery(&format!("{base}/as"), &format!("{base}/as/keys")))
                }
                "/liar/.well-known/openid-configuration" => Reply::json(discovery(
                    "https://evil.example.com",
                    &format!("{base}/jwks"),
                )),
                "/html/.well-known/openid-configuration" => Reply::status(200, "<html>"),
                "/plain/.well-known/openid-configuration" => Reply::json(discovery(
                    &format!("{base}/plain"),
                    "http://example.com/jwks",
                )),
                _ => Reply::status(404, ""),
            }
        })
    };
    base.set(server.url("")).unwrap();
    let base = server.url("");
    let remote = setup.remote();
    let jwks_uri = |issuer: &str| remote.jwks_uri_of(issuer, NOW, &mut |w| panic!("{w}"));
    assert_eq!(
        jwks_uri(&format!("{base}/tenant")).unwrap().as_str(),
        format!("{base}/tenant/jwks")
    );
    assert_eq!(
        jwks_uri(&format!("{base}/as")).unwrap().as_str(),
        format!("{base}/as/keys")
    );
    assert_eq!(
        server.paths(),
        [
            "/tenant/.well-known/openid-configuration",
            "/as/.well-known/openid-configuration",
            "/.well-known/oauth-authorization-server/as",
        ]
    );
    // The exact string: a trailing slash is another issuer.
    let error = jwks_uri(&format!("{base}/tenant/")).unwrap_err();
    assert!(
        matches!(
            &error,
            RemoteError::Document {
                problem: Problem::OtherIssuer { .. },
                ..
            }
        ),
        "{error:?}"
    );
    let error = jwks_uri(&format!("{base}/liar")).unwrap_err();
    assert!(error.to_string().contains("evil.example.com"), "{error}");
    assert!(!error.is_usage());
    assert!(matches!(
        jwks_uri(&format!("{base}/html")).unwrap_err(),
        RemoteError::Document {
            problem: Problem::NotJson,
            ..
        }
    ));
    assert!(matches!(
        jwks_uri(&format!("{base}/plain")).unwrap_err(),
        RemoteError::Document {
            problem: Problem::BadJwksUri(UrlError::PlainHttp { .. }),
            ..
        }
    ));
    assert!(matches!(
        jwks_uri(&format!("{base}/nothing")).unwrap_err(),
        RemoteError::Fetch {
            failure: Failure::Status(404),
            ..
        }
    ));
    // The discovery document is cached like any other.
    let requests = server.requests().len();
    let again = setup.remote();
    let mut warnings = Vec::new();
    assert!(
        again
            .jwks_uri_of(&format!("{base}/tenant"), NOW + 5, &mut |w| warnings
                .push(w))
            .is_ok()
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(server.requests().len(), requests, "{:?}", server.paths());
}

#[test]
fn https_needs_a_trusted_ca() {
    let setup = Setup::new();
    let ca = TestCa::new();
    let server = TestServer::start_tls(&ca, |_: &Request| Reply::json(JWKS));
    let jwks = url(&server.url("/jwks"));
    assert!(jwks.as_str().starts_with("https://localhost:"));
    let error = failure(
        get(
            &Remote::new(setup.settings(CacheMode::NoCache)),
            &jwks,
            false,
            NOW,
        )
        .0,
    );
    assert!(
        matches!(&error, Failure::Tls(reason) if reason.contains("UnknownIssuer") || reason.contains("issuer")),
        "{error:?}"
    );
    let mut settings = setup.settings(CacheMode::Normal);
    settings.ca_file = Some(ca.ca_file());
    assert_eq!(
        get(&Remote::new(settings), &jwks, false, NOW).0.unwrap(),
        Origin::Network
    );
    // The handshake that failed never got as far as a request.
    assert_eq!(server.requests().len(), 1);

    let mut settings = setup.settings(CacheMode::Normal);
    settings.ca_file = Some(ca.dir().join("missing.pem"));
    let error = Remote::new(settings)
        .get(
            &url(&server.url("/other")),
            Kind::Jwks,
            false,
            NOW,
            &mut |_| {},
        )
        .unwrap_err();
    assert!(error.is_usage(), "{error:?}");
    assert!(error.to_string().contains("--ca-file"), "{error}");
}

#[test]
fn a_redirect_from_https_to_plain_http_is_refused() {
    let setup = Setup::new();
    let ca = TestCa::new();
    let plain = TestServer::start(|_: &Request| Reply::json(JWKS));
    let target = plain.url("/jwks");
    let server = TestServer::start_tls(&ca, move |_: &Request| Reply::redirect(302, &target));
    let mut settings = setup.settings(CacheMode::Normal);
    settings.ca_file = Some(ca.ca_file());
    let error = failure(
        get(
            &Remote::new(settings),
            &url(&server.url("/jwks")),
            false,
            NOW,
        )
        .0,
    );
    assert!(matches!(error, Failure::Redirect(_)), "{error:?}");
    assert!(plain.requests().is_empty());
}

#[test]
fn a_cache_that_cannot_be_written_costs_a_warning_not_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-directory");
    std::fs::write(&blocker, "").unwrap();
    let server = TestServer::start(|_: &Request| Reply::json(JWKS));
    let remote = Remote::new(Settings {
        mode: CacheMode::Normal,
        timeout: Duration::from_secs(5),
        ca_file: None,
        cache_dir: Some(blocker.join("remote")),
    });
    let (result, warnings) = get(&remote, &url(&server.url("/jwks")), false, NOW);
    assert_eq!(result.unwrap(), Origin::Network);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("cannot write the cache"),
        "{warnings:?}"
    );
}

#[test]
fn a_failed_forced_refetch_also_waits_30_seconds_before_the_next() {
    let setup = Setup::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let server = {
        let calls = calls.clone();
        TestServer::start(move |_: &Request| {
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                Reply::json(JWKS).header("cache-control", "max-age=3600")
            } else {
                Reply::status(503, "down")
            }
        })
    };
    let jwks = url(&server.url("/jwks"));
    assert_eq!(
        get(&setup.remote(), &jwks, false, NOW).0.unwrap(),
        Origin::Network
    );
    let (result, warnings) = get(&setup.remote(), &jwks, true, NOW + 5);
    assert_eq!(result.unwrap(), Origin::Stale);
    assert!(warnings[0].contains("HTTP 503"), "{warnings:?}");
    assert_eq!(server.requests().len(), 2);
    // Within 30 s of that failed attempt, another process does not ask again.
    assert_eq!(
        get(&setup.remote(), &jwks, true, NOW + 20).0.unwrap(),
        Origin::Cache
    );
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        get(&setup.remote(), &jwks, true, NOW + 40).0.unwrap(),
        Origin::Stale
    );
    assert_eq!(server.requests().len(), 3);
}
