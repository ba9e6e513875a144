//! The Redis backend against private `redis-server`s: the shared conformance suite, then
//! connection failures, the key layout, and atomicity under concurrency.

#[path = "support/conformance.rs"]
#[macro_use]
mod conformance;
mod support;

use std::net::{Ipv4Addr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, Weak};
use std::thread;
use std::time::{Duration, Instant};

use jwtctl::store::{
    AccessOutcome, LookupOutcome, MIN_CUTOFF_RETENTION, NewToken, OpenOptions, RedisStore,
    RevokeSelector, RotateOutcome, Store, StoreError, Timestamp,
};
use support::redis_server::RedisServer;

/// The server the conformance tests share, each under its own prefix. It is stopped when the
/// last store using it is dropped (a static would never be dropped, leaving the process behind).
static SHARED: Mutex<Weak<RedisServer>> = Mutex::new(Weak::new());
static PREFIXES: AtomicUsize = AtomicUsize::new(0);

/// The server the conformance tests share, started by the first; it stops when the last store
/// using it is dropped. `None` (the test is skipped) without `redis-server`.
fn shared_server() -> Option<Arc<RedisServer>> {
    let mut shared = SHARED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(server) = shared.upgrade() {
        return Some(server);
    }
    let server = Arc::new(RedisServer::start()?);
    *shared = Arc::downgrade(&server);
    Some(server)
}

/// A fresh, empty store under its own prefix, keeping the shared server alive.
fn fresh_store() -> Option<Box<dyn Store>> {
    let server = shared_server()?;
    let prefix = format!("conformance{}:", PREFIXES.fetch_add(1, Ordering::Relaxed));
    let inner = RedisStore::connect(&server.url, &options(&prefix))
        .unwrap_or_else(|err| panic!("connect: {err}"));
    // The server stops when the last store using it is dropped.
    Some(Box::new(conformance::Guarded {
        inner,
        guard: server,
    }))
}

store_conformance_suite!(match fresh_store() {
    Some(store) => store,
    None => return,
});

/// The same suite over RESP3 (`?protocol=resp3`): its handshake (`HELLO 3`) and its replies
/// (maps, sets, doubles) go through the same bounded connection.
mod resp3 {
    use super::*;

    fn fresh_store() -> Option<Box<dyn Store>> {
        let server = shared_server()?;
        let prefix = format!("resp3-{}:", PREFIXES.fetch_add(1, Ordering::Relaxed));
        let url = format!("{}/0?protocol=resp3", server.url);
        let inner = RedisStore::connect(&url, &options(&prefix))
            .unwrap_or_else(|err| panic!("connect: {err}"));
        Some(Box::new(conformance::Guarded {
            inner,
            guard: server,
        }))
    }

    store_conformance_suite!(match fresh_store() {
        Some(store) => store,
        None => return,
    });
}

const NOW: Timestamp = 1_700_000_000;
const HOUR: i64 = 3600;

fn token(jti: &str, sub: &str, family: &str, issued_at: Timestamp) -> NewToken {
    NewToken {
        jti: jti.to_owned(),
        sub: sub.to_owned(),
        family: family.to_owned(),
        issued_at,
        expires_at: issued_at + 24 * HOUR,
        access_expires_at: issued_at + 900,
        label: None,
    }
}

/// The hash tag of a subject's keys.
fn tag(sub: &str) -> String {
    format!("{{s{}}}", hex::encode(sub))
}

fn family_key(prefix: &str, sub: &str, family: &str) -> String {
    format!("{prefix}{}:f:{}", tag(sub), hex::encode(family))
}

fn options(prefix: &str) -> OpenOptions {
    OpenOptions {
        prefix: prefix.to_owned(),
        ..OpenOptions::default()
    }
}

fn store(server: &RedisServer, prefix: &str) -> RedisStore {
    RedisStore::connect(&server.url, &options(prefix))
        .unwrap_or_else(|err| panic!("connect: {err}"))
}

fn server_error(result: Result<impl std::fmt::Debug, StoreError>) -> (String, String) {
    match result {
        Err(StoreError::Server { url, message }) => (url, message),
        other => panic!("expected a server error, got {other:?}"),
    }
}

fn closed_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    listener.local_addr().expect("addr").port()
}

#[test]
fn unreachable_server_is_a_server_error_without_the_password() {
    let port = closed_port();
    let url = format!("redis://admin:hunter2secret@127.0.0.1:{port}/0");
    let started = Instant::now();
    let (shown, message) = server_error(RedisStore::connect(&url, &OpenOptions::default()));
    assert_eq!(shown, format!("redis://admin:***@127.0.0.1:{port}/0"));
    assert!(!message.contains("hunter2secret"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(3));
    let text = server_error(RedisStore::connect(&url, &OpenOptions::default())).1;
    assert!(text.starts_with("cannot connect"), "{text}");
}

#[test]
fn silent_server_times_out_within_the_bound() {
    // Listening but never answering: the kernel accepts the connection, nobody speaks.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let options = OpenOptions {
        timeout: Duration::from_millis(300),
        ..OpenOptions::default()
    };
    let started = Instant::now();
    // A password and a database: the handshake has AUTH to wait for, and SELECT after it.
    let url = format!("redis://:pw-not-shown@127.0.0.1:{port}/5");
    let (shown, message) = server_error(RedisStore::connect(&url, &options));
    // The whole timeout once, not once per reply (AUTH, SELECT and two CLIENT SETINFO took 4).
    assert!(
        started.elapsed() < Duration::from_millis(700),
        "{:?}",
        started.elapsed()
    );
    assert!(!shown.contains("pw-not-shown") && !message.contains("pw-not-shown"));
    assert!(message.contains("timed out"), "{message}");
    drop(listener);
}

#[test]
fn malformed_urls_are_server_errors() {
    for url in [
        "redis://127.0.0.1:6379/notadb",
        "redis://",
        "redis+unix://",
        "redis://u:p@0.0.0.0:1",
    ] {
        let (shown, message) = server_error(RedisStore::connect(url, &OpenOptions::default()));
        assert!(!shown.contains(":p@"), "{shown}");
        assert!(!message.is_empty());
    }
}

#[test]
fn rediss_to_a_plain_server_is_a_clean_error() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let port = server.port.expect("tcp server");
    let options = OpenOptions {
        timeout: Duration::from_secs(2),
        ..OpenOptions::default()
    };
    let url = format!("rediss://u:tls-secret@127.0.0.1:{port}");
    let (shown, message) = server_error(RedisStore::connect(&url, &options));
    assert_eq!(shown, format!("rediss://u:***@127.0.0.1:{port}"));
    assert!(!message.contains("tls-secret"), "{message}");
}

#[test]
fn refused_credentials_are_a_server_error() {
    let Some(server) = RedisServer::start_with(&["--requirepass", "right-password"]) else {
        return;
    };
    let wrong = server.url_with_password("default", "wrong-password");
    let (shown, message) = server_error(RedisStore::connect(&wrong, &OpenOptions::default()));
    assert!(!shown.contains("wrong-password"), "{shown}");
    assert!(!message.contains("wrong-password"), "{message}");

    // No password at all: refused at connect time, not at the first command.
    let (_, message) = server_error(RedisStore::connect(&server.url, &OpenOptions::default()));
    assert!(message.contains("NOAUTH"), "{message}");

    let right = server.url_with_password("", "right-password");
    let mut store = RedisStore::connect(&right, &OpenOptions::default()).expect("connect");
    store
        .insert(&[token("j1", "alice", "f1", NOW)], NOW)
        .expect("insert");
    assert_eq!(
        store.lookup("j1", "alice", "f1", NOW).expect("lookup"),
        LookupOutcome::Active
    );
}

/// `?protocol=resp3` is RESP3 on the wire (the server sees `resp=3`), with the password and the
/// database of the URL.
#[test]
fn resp3_authenticates_and_selects_the_database() {
    let Some(server) = RedisServer::start_with(&["--requirepass", "right-password"]) else {
        return;
    };
    let base = server.url_with_password("default", "right-password");
    let mut store =
        RedisStore::connect(&format!("{base}/2?protocol=resp3"), &options("r3:")).expect("connect");
    store
        .insert(&[token("j1", "alice", "f1", NOW)], NOW)
        .expect("insert");
    assert_eq!(
        store.lookup("j1", "alice", "f1", NOW).expect("lookup"),
        LookupOutcome::Active
    );
    assert_eq!(store.sessions(None, NOW).expect("sessions").len(), 1);
    let client = redis::Client::open(format!("{base}/2")).expect("url");
    let mut raw = client.get_connection().expect("raw connection");
    let clients: String = redis::cmd("CLIENT")
        .arg("LIST")
        .query(&mut raw)
        .expect("list");
    assert!(
        clients
            .lines()
            .any(|line| line.contains(" resp=3") && line.contains(" db=2 ")),
        "{clients}"
    );
    let keys: i64 = redis::cmd("DBSIZE").query(&mut raw).expect("dbsize");
    assert!(keys > 0);

    let wrong = format!(
        "{}/2?protocol=resp3",
        server.url_with_password("default", "wrong-password")
    );
    let (_, message) = server_error(RedisStore::connect(&wrong, &options("r3:")));
    assert!(message.contains("WRONGPASS"), "{message}");
}

#[test]
fn unix_socket_urls_work() {
    let Some(server) = RedisServer::start_unix() else {
        return;
    };
    let socket = server.socket.clone().expect("unix server");
    for url in [
        format!("redis+unix://{}", socket.display()),
        format!("unix://{}", socket.display()),
        format!("redis+unix://{}?db=3", socket.display()),
    ] {
        let mut store = RedisStore::connect(&url, &options("u:")).expect("connect");
        let jti = format!("j-{}", url.len());
        store
            .insert(&[token(&jti, "alice", &jti, NOW)], NOW)
            .expect("insert");
        assert_eq!(
            store.lookup(&jti, "alice", &jti, NOW).expect("lookup"),
            LookupOutcome::Active
        );
    }
}

#[test]
fn a_key_of_the_wrong_type_is_a_server_error() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut raw = server.raw();
    let key = family_key("w:", "alice", "f1");
    redis::cmd("SET")
        .arg(&key)
        .arg("not a hash")
        .query::<()>(&mut raw)
        .expect("set");
    let mut store = store(&server, "w:");
    let (_, message) = server_error(store.lookup("j1", "alice", "f1", NOW));
    assert!(message.contains("WRONGTYPE"), "{message}");
    let successor = token("j2", "alice", "f1", NOW);
    let (_, message) = server_error(store.rotate("j1", "alice", "f1", &successor, NOW));
    assert!(message.contains("WRONGTYPE"), "{message}");
    // The connection is still usable after a command error.
    store
        .insert(&[token("j3", "bob", "f3", NOW)], NOW)
        .expect("insert");

    let families = format!("w:{}:u", tag("carol"));
    redis::cmd("SET")
        .arg(&families)
        .arg("x")
        .query::<()>(&mut raw)
        .expect("set");
    let (_, message) = server_error(store.revoke(&RevokeSelector::User("carol".into()), NOW));
    assert!(message.contains("WRONGTYPE"), "{message}");
}

#[test]
fn insert_is_all_or_nothing() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut store = store(&server, "a:");
    store
        .insert(&[token("j1", "alice", "f1", NOW)], NOW)
        .expect("insert");
    // Two subjects: every family is checked before either subject's step writes.
    let batch = [
        token("j2", "bob", "f2", NOW),
        token("j9", "alice", "f1", NOW),
    ];
    let (_, message) = server_error(store.insert(&batch, NOW));
    assert_eq!(
        message,
        "insert: a session family of this batch already exists; nothing was written"
    );
    assert_eq!(
        store.lookup("j2", "bob", "f2", NOW).expect("lookup"),
        LookupOutcome::Unknown
    );
    assert!(
        store
            .sessions(Some("bob"), NOW)
            .expect("sessions")
            .is_empty()
    );
    // One subject: the script refuses it whole.
    let batch = [
        token("j5", "alice", "f5", NOW),
        token("j6", "alice", "f1", NOW),
    ];
    let (_, message) = server_error(store.insert(&batch, NOW));
    assert_eq!(
        message,
        "insert: a session family of this batch already exists; nothing was written"
    );
    assert_eq!(
        store.lookup("j5", "alice", "f5", NOW).expect("lookup"),
        LookupOutcome::Unknown
    );
    let duplicate = [token("j4", "bob", "f4", NOW), token("j4", "bob", "f5", NOW)];
    let (_, message) = server_error(store.insert(&duplicate, NOW));
    assert_eq!(
        message,
        "insert: a token of this batch is already recorded; nothing was written"
    );
    assert_eq!(
        store.lookup("j4", "bob", "f4", NOW).expect("lookup"),
        LookupOutcome::Unknown
    );
    store.insert(&[], NOW).expect("empty insert");
}

#[test]
fn rotation_reuse_and_revocation() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut store = store(&server, "r:");
    store
        .insert(&[token("t1", "alice", "fa", NOW)], NOW)
        .expect("insert");
    let t2 = token("t2", "alice", "fa", NOW + 10);
    assert_eq!(
        store
            .rotate("t1", "bob", "fa", &t2, NOW + 10)
            .expect("rotate"),
        RotateOutcome::Unknown
    );
    assert_eq!(
        store
            .rotate("t1", "alice", "fb", &t2, NOW + 10)
            .expect("rotate"),
        RotateOutcome::Unknown
    );
    assert_eq!(
        store
            .rotate("nope", "alice", "fa", &t2, NOW + 10)
            .expect("rotate"),
        RotateOutcome::Unknown
    );
    assert_eq!(
        store
            .rotate("t1", "alice", "fa", &t2, NOW + 10)
            .expect("rotate"),
        RotateOutcome::Rotated
    );
    assert_eq!(
        store.lookup("t1", "alice", "fa", NOW + 11).expect("lookup"),
        LookupOutcome::Rotated
    );
    assert_eq!(
        store.lookup("t2", "alice", "fa", NOW + 11).expect("lookup"),
        LookupOutcome::Active
    );
    let sessions = store.sessions(None, NOW + 11).expect("sessions");
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].started_at, NOW);
    assert_eq!(sessions[0].expires_at, NOW + 10 + 24 * HOUR);
    assert_eq!(sessions[0].last_rotated_at, Some(NOW + 10));

    // Replaying t1 revokes the family, t2 included.
    let t3 = token("t3", "alice", "fa", NOW + 20);
    assert_eq!(
        store
            .rotate("t1", "alice", "fa", &t3, NOW + 20)
            .expect("rotate"),
        RotateOutcome::ReuseDetected {
            family: "fa".into()
        }
    );
    assert_eq!(
        store
            .rotate("t2", "alice", "fa", &t3, NOW + 21)
            .expect("rotate"),
        RotateOutcome::Revoked
    );
    assert_eq!(
        store.lookup("t3", "alice", "fa", NOW + 21).expect("lookup"),
        LookupOutcome::Unknown
    );
    assert_eq!(
        store
            .check_access(Some("alice"), Some("fa"), NOW + 5, NOW + 21)
            .expect("check"),
        AccessOutcome::FamilyRevoked {
            family: "fa".into()
        }
    );
    assert!(store.sessions(None, NOW + 21).expect("sessions").is_empty());
}

#[test]
fn expired_records_behave_as_absent() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut store = store(&server, "e:");
    let first = token("x1", "alice", "fx", NOW);
    store
        .insert(std::slice::from_ref(&first), NOW)
        .expect("insert");
    let later = first.expires_at;
    assert_eq!(
        store.lookup("x1", "alice", "fx", later).expect("lookup"),
        LookupOutcome::Unknown
    );
    let successor = token("x2", "alice", "fx", later);
    assert_eq!(
        store
            .rotate("x1", "alice", "fx", &successor, later)
            .expect("rotate"),
        RotateOutcome::Unknown
    );
    assert!(store.sessions(None, later).expect("sessions").is_empty());
    // Rotated records still report reuse until their own expiry.
    let successor = token("x2", "alice", "fx", NOW + 1);
    assert_eq!(
        store
            .rotate("x1", "alice", "fx", &successor, NOW + 1)
            .expect("rotate"),
        RotateOutcome::Rotated
    );
    assert_eq!(
        store
            .lookup("x1", "alice", "fx", later - 1)
            .expect("lookup"),
        LookupOutcome::Rotated
    );
    assert_eq!(store.prune(later - 1).expect("prune"), 0);
    assert_eq!(store.prune(later).expect("prune"), 1);
    assert_eq!(
        store.lookup("x1", "alice", "fx", NOW + 2).expect("lookup"),
        LookupOutcome::Unknown
    );
    let sessions = store.sessions(None, NOW + 2).expect("sessions");
    assert_eq!(sessions.len(), 1);
    // The session's start and last rotation outlive the pruned first token.
    assert_eq!(sessions[0].started_at, NOW);
    assert_eq!(sessions[0].last_rotated_at, Some(NOW + 1));
}

#[test]
fn revoke_user_family_and_all() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut store = store(&server, "v:");
    let tokens = [
        token("a1", "alice", "fa1", NOW),
        token("a2", "alice", "fa2", NOW + 1),
        token("b1", "bob", "fb1", NOW + 2),
        token("c1", "carol", "fc1", NOW + 3),
    ];
    store.insert(&tokens, NOW).expect("insert");
    let cut = NOW + 100;
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("alice".into()), cut)
            .expect("revoke"),
        2
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("alice".into()), cut)
            .expect("revoke"),
        0
    );
    assert_eq!(
        store
            .check_access(Some("alice"), None, cut, cut + 1)
            .expect("check"),
        AccessOutcome::UserCutOff {
            sub: "alice".into(),
            at: cut
        }
    );
    assert_eq!(
        store
            .check_access(Some("alice"), None, cut + 1, cut + 1)
            .expect("check"),
        AccessOutcome::Allowed
    );
    // The cut-off outlives the subject's tokens by at least MIN_CUTOFF_RETENTION.
    let late = cut + MIN_CUTOFF_RETENTION;
    assert_eq!(
        store
            .check_access(Some("alice"), None, NOW, late - 1)
            .expect("check"),
        AccessOutcome::UserCutOff {
            sub: "alice".into(),
            at: cut
        }
    );
    assert_eq!(
        store
            .check_access(Some("alice"), None, NOW, late)
            .expect("check"),
        AccessOutcome::Allowed
    );
    assert_eq!(
        store
            .check_access(Some("bob"), Some("fb1"), NOW, cut)
            .expect("check"),
        AccessOutcome::Allowed
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("fb1".into()), cut)
            .expect("revoke"),
        1
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("unknown".into()), cut)
            .expect("revoke"),
        0
    );
    assert_eq!(store.revoke(&RevokeSelector::All, cut).expect("revoke"), 1);
    assert!(store.sessions(None, cut).expect("sessions").is_empty());
    assert_eq!(store.revoke(&RevokeSelector::All, cut).expect("revoke"), 0);
}

#[test]
fn sessions_are_sorted_and_filtered() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut store = store(&server, "s:");
    let mut labelled = token("l1", "alice", "f-b", NOW);
    labelled.label = Some("laptop".into());
    let tokens = [
        token("l2", "alice", "f-a", NOW),
        labelled,
        token("l3", "bob", "f-c", NOW - 5),
    ];
    store.insert(&tokens, NOW).expect("insert");
    let all = store.sessions(None, NOW).expect("sessions");
    let order: Vec<_> = all.iter().map(|s| s.family.as_str()).collect();
    assert_eq!(order, ["f-c", "f-a", "f-b"]);
    assert_eq!(all[2].label.as_deref(), Some("laptop"));
    assert_eq!(all[1].label, None);
    let alice = store.sessions(Some("alice"), NOW).expect("sessions");
    assert_eq!(alice.len(), 2);
    assert!(alice.iter().all(|s| s.sub == "alice"));
    assert!(
        store
            .sessions(Some("nobody"), NOW)
            .expect("sessions")
            .is_empty()
    );
}

#[test]
fn hostile_values_stay_inside_the_prefix_and_their_own_keys() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut store = store(&server, "h:");
    let nasty = ["a:b", "{x}", "*", "user:alice", "", "\u{202e}\n\0"];
    let mut tokens = Vec::new();
    for (i, value) in nasty.iter().enumerate() {
        tokens.push(token(&format!("{value}#{i}"), value, value, NOW));
    }
    store.insert(&tokens, NOW).expect("insert");
    assert_eq!(
        store
            .revoke(&RevokeSelector::User("a:b".into()), NOW)
            .expect("revoke"),
        1
    );
    for (i, value) in nasty.iter().enumerate().skip(1) {
        assert_eq!(
            store
                .lookup(&format!("{value}#{i}"), value, value, NOW)
                .expect("lookup"),
            LookupOutcome::Active,
            "{value:?}"
        );
    }
    let mut raw = server.raw();
    let keys: Vec<Vec<u8>> = redis::cmd("KEYS").arg("*").query(&mut raw).expect("keys");
    let hex = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit());
    for key in keys {
        let key = String::from_utf8(key).expect("keys are text");
        let rest = key.strip_prefix("h:").unwrap_or_else(|| panic!("{key}"));
        if rest == "layout" {
            continue;
        }
        // `{s<hex sub>}:f:<hex family>`, `{s<hex sub>}:u` or `{s<hex sub>}:c`.
        let (tag, kind) = rest.split_once("}:").unwrap_or_else(|| panic!("{key}"));
        let sub = tag.strip_prefix("{s").unwrap_or_else(|| panic!("{key}"));
        assert!(sub.is_empty() || hex(sub), "{key}");
        match kind.split_once(':') {
            Some(("f", family)) => assert!(family.is_empty() || hex(family), "{key}"),
            None => assert!(["u", "c"].contains(&kind), "{key}"),
            _ => panic!("{key}"),
        }
    }
}

#[test]
fn keys_expire_with_the_tokens() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut store = store(&server, "ttl:");
    let mut t = token("k1", "alice", "fk", NOW);
    t.expires_at = NOW + HOUR;
    t.access_expires_at = NOW + 2 * HOUR;
    store.insert(&[t], NOW).expect("insert");
    let mut raw = server.raw();
    let ttl = |raw: &mut redis::Connection, key: String| -> i64 {
        redis::cmd("TTL").arg(key).query(raw).expect("ttl")
    };
    for key in [
        family_key("ttl:", "alice", "fk"),
        format!("ttl:{}:u", tag("alice")),
    ] {
        let left = ttl(&mut raw, key.clone());
        assert!((2 * HOUR - 5..=2 * HOUR).contains(&left), "{key}: {left}");
    }
    assert_eq!(
        ttl(&mut raw, "ttl:layout".to_owned()),
        -1,
        "the layout stays"
    );
    store
        .revoke(&RevokeSelector::User("alice".into()), NOW)
        .expect("revoke");
    let marker = ttl(&mut raw, family_key("ttl:", "alice", "fk"));
    assert!((2 * HOUR - 5..=2 * HOUR).contains(&marker), "{marker}");
    let cutoff = ttl(&mut raw, format!("ttl:{}:c", tag("alice")));
    let least = MIN_CUTOFF_RETENTION;
    assert!((least - 5..=least).contains(&cutoff), "{cutoff}");
    // A family with nothing left to remember leaves no key behind.
    store
        .revoke(&RevokeSelector::Family("gone".into()), NOW)
        .expect("revoke");
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("ttl:*{}", hex::encode("gone")))
        .query(&mut raw)
        .expect("keys");
    assert!(keys.is_empty(), "{keys:?}");
}

#[test]
fn a_dropped_connection_is_reopened() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut store = store(&server, "c:");
    store
        .insert(&[token("d1", "alice", "fd", NOW)], NOW)
        .expect("insert");
    let mut raw = server.raw();
    redis::cmd("CLIENT")
        .arg(&["KILL", "TYPE", "normal", "SKIPME", "yes"])
        .query::<i64>(&mut raw)
        .expect("client kill");
    // The first call may notice the dead connection; the next one reconnects.
    let _ = store.lookup("d1", "alice", "fd", NOW);
    assert_eq!(
        store.lookup("d1", "alice", "fd", NOW).expect("lookup"),
        LookupOutcome::Active
    );
}

#[test]
fn two_connections_rotating_one_token_get_one_rotation_and_one_reuse() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let rounds = 50;
    let mut setup = store(&server, "race:");
    for round in 0..rounds {
        let family = format!("f{round}");
        setup
            .insert(&[token(&format!("t{round}"), "alice", &family, NOW)], NOW)
            .expect("insert");
    }
    let barrier = Arc::new(Barrier::new(2));
    let workers: Vec<_> = (0..2)
        .map(|worker| {
            let barrier = Arc::clone(&barrier);
            let mut store = store(&server, "race:");
            thread::spawn(move || {
                let mut outcomes = Vec::new();
                for round in 0..rounds {
                    let family = format!("f{round}");
                    let successor = token(&format!("t{round}-w{worker}"), "alice", &family, NOW);
                    barrier.wait();
                    let outcome = store
                        .rotate(&format!("t{round}"), "alice", &family, &successor, NOW)
                        .expect("rotate");
                    outcomes.push(outcome);
                }
                outcomes
            })
        })
        .collect();
    let results: Vec<Vec<RotateOutcome>> = workers
        .into_iter()
        .map(|worker| worker.join().expect("worker"))
        .collect();
    for (round, (first, second)) in results[0].iter().zip(&results[1]).enumerate() {
        let family = format!("f{round}");
        let mut pair = [first.clone(), second.clone()];
        pair.sort_by_key(|outcome| matches!(outcome, RotateOutcome::Rotated));
        assert_eq!(
            pair,
            [
                RotateOutcome::ReuseDetected {
                    family: family.clone()
                },
                RotateOutcome::Rotated
            ],
            "round {round}"
        );
        // The winner's successor is dead too.
        for worker in 0..2 {
            let outcome = setup
                .lookup(&format!("t{round}-w{worker}"), "alice", &family, NOW)
                .expect("lookup");
            assert!(
                matches!(outcome, LookupOutcome::Revoked | LookupOutcome::Unknown),
                "{outcome:?}"
            );
        }
    }
    assert!(setup.sessions(None, NOW).expect("sessions").is_empty());
}

#[test]
fn eight_threads_rotating_their_own_sessions_stay_consistent() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let threads = 8;
    let rotations = 100;
    let workers: Vec<_> = (0..threads)
        .map(|worker| {
            let mut store = store(&server, "many:");
            thread::spawn(move || {
                let sub = format!("user{worker}");
                let family = format!("fam{worker}");
                store
                    .insert(&[token(&format!("{family}-0"), &sub, &family, NOW)], NOW)
                    .expect("insert");
                for step in 1..=rotations {
                    let now = NOW + step;
                    let successor = token(&format!("{family}-{step}"), &sub, &family, now);
                    let outcome = store
                        .rotate(
                            &format!("{family}-{}", step - 1),
                            &sub,
                            &family,
                            &successor,
                            now,
                        )
                        .expect("rotate");
                    assert_eq!(outcome, RotateOutcome::Rotated, "{family} step {step}");
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("worker");
    }
    let mut store = store(&server, "many:");
    let now = NOW + rotations + 1;
    let sessions = store.sessions(None, now).expect("sessions");
    assert_eq!(sessions.len(), threads as usize);
    for (worker, session) in sessions.iter().enumerate() {
        let family = format!("fam{worker}");
        assert_eq!(session.family, family);
        assert_eq!(session.sub, format!("user{worker}"));
        assert_eq!(session.started_at, NOW);
        assert_eq!(session.last_rotated_at, Some(NOW + rotations));
        assert_eq!(session.expires_at, NOW + rotations + 24 * HOUR);
        for step in 0..rotations {
            assert_eq!(
                store
                    .lookup(&format!("{family}-{step}"), &session.sub, &family, now)
                    .expect("lookup"),
                LookupOutcome::Rotated
            );
        }
        assert_eq!(
            store
                .lookup(&format!("{family}-{rotations}"), &session.sub, &family, now)
                .expect("lookup"),
            LookupOutcome::Active
        );
    }
}

#[test]
fn families_redis_expired_leave_the_subjects_set_at_prune() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut store = store(&server, "x:");
    store
        .insert(&[token("old", "alice", "f-old", NOW)], NOW)
        .expect("insert");
    // What Redis does once the family's TTL runs out.
    let mut raw = server.raw();
    redis::cmd("DEL")
        .arg(family_key("x:", "alice", "f-old"))
        .query::<i64>(&mut raw)
        .expect("del");
    store
        .insert(&[token("new", "alice", "f-new", NOW)], NOW)
        .expect("insert");
    assert_eq!(store.prune(NOW).expect("prune"), 0);
    let families: Vec<String> = redis::cmd("SMEMBERS")
        .arg(format!("x:{}:u", tag("alice")))
        .query(&mut raw)
        .expect("smembers");
    assert_eq!(families, [hex::encode("f-new")]);
    assert_eq!(
        store.sessions(Some("alice"), NOW).expect("sessions").len(),
        1
    );
}

/// The database in the URL is used, by every store opened on that URL.
#[test]
fn the_database_in_the_url_is_the_one_written() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let url = format!("{}/3", server.url.trim_end_matches('/'));
    let mut store = RedisStore::connect(&url, &options("db")).expect("connect");
    let now = NOW;
    store
        .insert(&[token("j1", "alice", "F1", now)], now)
        .expect("insert");
    let mut raw = server.raw();
    let size = |raw: &mut redis::Connection, db: i64| -> i64 {
        redis::cmd("SELECT")
            .arg(db)
            .query::<()>(raw)
            .expect("select");
        redis::cmd("DBSIZE").query(raw).expect("dbsize")
    };
    assert!(size(&mut raw, 3) > 0);
    assert_eq!(size(&mut raw, 0), 0);
    // A new store on the same URL finds the session there.
    let mut again = RedisStore::connect(&url, &options("db")).expect("connect");
    assert_eq!(again.sessions(None, now).expect("sessions").len(), 1);
}

/// Keys of the first layout (its global `families` index) are refused, never misread, and left
/// as they are; so is a layout this build does not know.
#[test]
fn another_key_layout_is_refused_and_left_unchanged() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut raw = server.raw();
    redis::cmd("HSET")
        .arg("v1:families")
        .arg(hex::encode("F1"))
        .arg(hex::encode("alice"))
        .query::<()>(&mut raw)
        .expect("hset");
    let (_, message) = server_error(RedisStore::connect(&server.url, &options("v1:")));
    assert!(message.contains("older jwtctl"), "{message}");
    assert!(message.contains("--store-prefix"), "{message}");
    let exists: bool = redis::cmd("EXISTS")
        .arg("v1:layout")
        .query(&mut raw)
        .expect("exists");
    assert!(!exists, "the old prefix was marked as layout 2");
    redis::cmd("SET")
        .arg("v9:layout")
        .arg("9")
        .query::<()>(&mut raw)
        .expect("set");
    let (_, message) = server_error(RedisStore::connect(&server.url, &options("v9:")));
    assert!(message.contains("key layout \"9\""), "{message}");
    // An empty prefix is marked, and a second process reads the mark.
    store(&server, "v2:");
    let layout: String = redis::cmd("GET")
        .arg("v2:layout")
        .query(&mut raw)
        .expect("get");
    assert_eq!(layout, "2");
    store(&server, "v2:");
}

/// A server that may evict keys can drop a revocation: writing is refused, naming the policy
/// and the way out, unless the user accepted the risk. Reading still works.
#[test]
fn an_evicting_server_is_refused_before_any_write() {
    for policy in ["allkeys-lru", "volatile-ttl"] {
        let Some(server) = RedisServer::start_with(&["--maxmemory-policy", policy]) else {
            return;
        };
        let mut store = store(&server, "e:");
        let (_, message) = server_error(store.insert(&[token("j1", "alice", "f1", NOW)], NOW));
        assert!(message.contains(policy), "{message}");
        assert!(message.contains("noeviction"), "{message}");
        assert!(message.contains("--store-allow-eviction"), "{message}");
        server_error(store.revoke(&RevokeSelector::All, NOW));
        assert!(store.sessions(None, NOW).expect("sessions").is_empty());
        let mut raw = server.raw();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg("e:{*")
            .query(&mut raw)
            .expect("keys");
        assert!(keys.is_empty(), "{keys:?}");

        let allowed = OpenOptions {
            allow_eviction: true,
            ..options("e:")
        };
        let mut store = RedisStore::connect(&server.url, &allowed).expect("connect");
        store
            .insert(&[token("j1", "alice", "f1", NOW)], NOW)
            .expect("insert");
    }
}

/// A proxy that forwards everything, except that the reply to the first script call is read
/// from the server and thrown away, and the client's connection closed: a lost reply.
fn lossy_proxy(server_port: u16) -> u16 {
    use std::io::{Read, Write};
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let dropped = Arc::new(std::sync::atomic::AtomicBool::new(false));
    thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            let Ok(mut upstream) = std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, server_port))
            else {
                return;
            };
            let dropped = dropped.clone();
            thread::spawn(move || {
                let mut buffer = [0u8; 65536];
                loop {
                    let Ok(read) = client.read(&mut buffer) else {
                        return;
                    };
                    if read == 0 {
                        return;
                    }
                    let request = &buffer[..read];
                    if upstream.write_all(request).is_err() {
                        return;
                    }
                    let script = request.windows(7).any(|window| window == b"EVALSHA");
                    let mut reply = [0u8; 65536];
                    let Ok(got) = upstream.read(&mut reply) else {
                        return;
                    };
                    if script && !dropped.swap(true, Ordering::SeqCst) {
                        // The server rotated; the client never hears of it.
                        return;
                    }
                    if client.write_all(&reply[..got]).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

/// SECURITY.md case 42: the reply of a rotation is lost after the server applied it; the client
/// retries once with the same successor and gets `Rotated`, not a revoked family.
#[test]
fn a_lost_rotation_reply_is_retried_and_not_taken_for_reuse() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut direct = store(&server, "lost:");
    direct
        .insert(&[token("j1", "alice", "f1", NOW)], NOW)
        .expect("insert");
    // Through the proxy from here on; the script is already loaded by the insert.
    let port = lossy_proxy(server.port.expect("a TCP server"));
    let mut store = RedisStore::connect(&format!("redis://127.0.0.1:{port}"), &options("lost:"))
        .expect("connect");
    let successor = token("j2", "alice", "f1", NOW + 1);
    assert_eq!(
        store
            .rotate("j1", "alice", "f1", &successor, NOW + 1)
            .expect("rotate"),
        RotateOutcome::Rotated
    );
    assert_eq!(
        direct.lookup("j2", "alice", "f1", NOW + 2).expect("lookup"),
        LookupOutcome::Active
    );
    assert_eq!(
        direct.lookup("j1", "alice", "f1", NOW + 2).expect("lookup"),
        LookupOutcome::Rotated
    );
}

/// The scripts pipelines send by hash are loaded once per connection, not before every batch;
/// a server that lost them (`SCRIPT FLUSH`) gets them again.
#[test]
fn scripts_are_loaded_once_and_again_when_the_server_lost_them() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut raw = server.raw();
    let loads = |raw: &mut redis::Connection| -> u64 {
        let info: String = redis::cmd("INFO")
            .arg("commandstats")
            .query(raw)
            .expect("info");
        info.lines()
            .find_map(|line| line.strip_prefix("cmdstat_script|load:calls="))
            .and_then(|rest| rest.split(',').next())
            .and_then(|calls| calls.parse().ok())
            .unwrap_or(0)
    };
    let mut store = RedisStore::connect(&server.url, &options("loads:")).expect("connect");
    let tokens: Vec<NewToken> = (0..1200)
        .map(|n| token(&format!("j{n}"), &format!("user{n}"), &format!("F{n}"), NOW))
        .collect();
    store.insert(&tokens, NOW).expect("insert");
    let before = loads(&mut raw);
    // A walk of several SCAN batches, each a pipeline of revoke scripts.
    assert_eq!(
        store.revoke(&RevokeSelector::All, NOW).expect("revoke"),
        1200
    );
    assert!(
        loads(&mut raw) - before <= 4,
        "{} SCRIPT LOADs for one revoke --all",
        loads(&mut raw) - before
    );
    redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query::<()>(&mut raw)
        .expect("flush");
    // Idempotent scripts are sent again once they are loaded again.
    store.prune(NOW + 400_000).expect("prune after a flush");
    redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query::<()>(&mut raw)
        .expect("flush");
    // An insert is not sent twice: the first after a flush fails and writes nothing, the next
    // loads the scripts and succeeds.
    let more: Vec<NewToken> = (0..3)
        .map(|n| {
            token(
                &format!("k{n}"),
                &format!("other{n}"),
                &format!("G{n}"),
                NOW,
            )
        })
        .collect();
    assert!(store.insert(&more, NOW).is_err());
    assert!(store.sessions(None, NOW).expect("sessions").is_empty());
    store
        .insert(&more, NOW)
        .expect("insert after the scripts were loaded again");
    assert_eq!(store.sessions(None, NOW).expect("sessions").len(), 3);
}
