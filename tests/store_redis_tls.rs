//! `rediss://` against a private TLS-only `redis-server`. Its own test binary, because it points
//! `SSL_CERT_FILE` (read by rustls-native-certs) at a throwaway CA for the whole process.

mod support;

use jwtctl::store::{LookupOutcome, NewToken, OpenOptions, RedisStore, Store, StoreError};
use support::redis_server::RedisServer;

#[test]
fn rediss_connects_and_verifies_the_server_certificate() {
    let Some((server, ca)) = RedisServer::start_tls() else {
        return;
    };
    let port = server.port.expect("tls port");

    // Before the CA is trusted, the handshake must fail cleanly.
    let untrusted = RedisStore::connect(&server.url, &OpenOptions::default());
    assert!(
        matches!(&untrusted, Err(StoreError::Server { message, .. }) if message.contains("certificate")),
        "{untrusted:?}"
    );

    // SAFETY: this binary holds this one test, and nothing else reads the environment meanwhile.
    unsafe { std::env::set_var("SSL_CERT_FILE", &ca) };
    let mut store = RedisStore::connect(&server.url, &OpenOptions::default()).expect("connect");
    let token = NewToken {
        jti: "tls-1".into(),
        sub: "alice".into(),
        family: "f".into(),
        issued_at: 1_700_000_000,
        expires_at: 1_700_003_600,
        access_expires_at: 1_700_000_900,
        label: None,
    };
    store.insert(&[token], 1_700_000_000).expect("insert");
    assert_eq!(
        store
            .lookup("tls-1", "alice", "f", 1_700_000_000)
            .expect("lookup"),
        LookupOutcome::Active
    );

    // The certificate names 127.0.0.1 and localhost, nothing else.
    let other_name = format!("rediss://127.0.0.2:{port}");
    let mismatch = RedisStore::connect(&other_name, &OpenOptions::default());
    assert!(
        matches!(&mismatch, Err(StoreError::Server { message, .. }) if message.contains("not valid for name")),
        "{mismatch:?}"
    );
}
