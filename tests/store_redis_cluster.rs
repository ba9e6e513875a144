//! The Redis backend on a private three-node Redis Cluster: the shared conformance suite, then
//! what only a cluster can do (spread subjects over nodes, lose a node).

#[path = "cli/support.rs"]
mod cli;
#[path = "support/conformance.rs"]
#[macro_use]
mod conformance;
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use jwtctl::store::{
    LookupOutcome, NewToken, OpenOptions, RedisStore, RevokeSelector, RotateOutcome, Store,
    StoreError, Timestamp,
};
use support::redis_server::RedisCluster;

/// The cluster the conformance tests share, each under its own prefix; stopped when the last
/// store using it is dropped.
static SHARED: Mutex<Weak<RedisCluster>> = Mutex::new(Weak::new());
static PREFIXES: AtomicUsize = AtomicUsize::new(0);

fn fresh_store() -> Option<Box<dyn Store>> {
    let cluster = {
        let mut shared = SHARED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match shared.upgrade() {
            Some(cluster) => cluster,
            None => {
                let cluster = Arc::new(RedisCluster::start()?);
                *shared = Arc::downgrade(&cluster);
                cluster
            }
        }
    };
    let prefix = format!("conformance{}:", PREFIXES.fetch_add(1, Ordering::Relaxed));
    let inner = RedisStore::connect(&cluster.url, &options(&prefix))
        .unwrap_or_else(|err| panic!("connect: {err}"));
    Some(Box::new(conformance::Guarded {
        inner,
        guard: cluster,
    }))
}

store_conformance_suite!(match fresh_store() {
    Some(store) => store,
    None => return,
});

const NOW: Timestamp = 1_700_000_000;

fn options(prefix: &str) -> OpenOptions {
    OpenOptions {
        prefix: prefix.to_owned(),
        timeout: Duration::from_secs(2),
        ..OpenOptions::default()
    }
}

fn token(jti: &str, sub: &str, family: &str) -> NewToken {
    NewToken {
        jti: jti.to_owned(),
        sub: sub.to_owned(),
        family: family.to_owned(),
        issued_at: NOW,
        expires_at: NOW + 86_400,
        access_expires_at: NOW + 900,
        label: None,
    }
}

/// Subjects spread over every node: the operations over every session see them all.
#[test]
fn operations_over_every_session_reach_every_node() {
    let Some(cluster) = RedisCluster::start() else {
        return;
    };
    let mut store = RedisStore::connect(&cluster.url, &options("spread:")).expect("connect");
    let tokens: Vec<NewToken> = (0..60)
        .map(|n| token(&format!("j{n}"), &format!("user{n}"), &format!("F{n}")))
        .collect();
    store.insert(&tokens, NOW).expect("insert");
    // The subjects' keys landed on every primary.
    for node in &cluster.nodes {
        let mut raw = node.raw();
        let keys: i64 = redis::cmd("DBSIZE").query(&mut raw).expect("dbsize");
        assert!(keys > 1, "a node holds {keys} keys");
    }
    assert_eq!(store.sessions(None, NOW).expect("sessions").len(), 60);
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F7".into()), NOW)
            .expect("revoke"),
        1
    );
    assert_eq!(
        store.lookup("j7", "user7", "F7", NOW).expect("lookup"),
        LookupOutcome::Revoked
    );
    assert_eq!(
        store.revoke(&RevokeSelector::All, NOW + 1).expect("revoke"),
        59
    );
    assert!(store.sessions(None, NOW + 1).expect("sessions").is_empty());
    assert_eq!(store.prune(NOW + 86_400).expect("prune"), 60);
}

/// A cluster over RESP3 (`?protocol=resp3`): every node's handshake is `HELLO 3`, and the
/// operations over every session read RESP3 replies from each primary.
#[test]
fn a_cluster_speaks_resp3() {
    let Some(cluster) = RedisCluster::start() else {
        return;
    };
    let url = format!("{}/?protocol=resp3", cluster.url);
    let mut store = RedisStore::connect(&url, &options("resp3:")).expect("connect");
    let tokens: Vec<NewToken> = (0..30)
        .map(|n| token(&format!("j{n}"), &format!("user{n}"), &format!("F{n}")))
        .collect();
    store.insert(&tokens, NOW).expect("insert");
    assert_eq!(store.sessions(None, NOW).expect("sessions").len(), 30);
    assert_eq!(
        store.revoke(&RevokeSelector::All, NOW + 1).expect("revoke"),
        30
    );
    for node in &cluster.nodes {
        let mut raw = node.raw();
        let clients: String = redis::cmd("CLIENT")
            .arg("LIST")
            .query(&mut raw)
            .expect("client list");
        assert!(
            clients.lines().any(|line| line.contains(" resp=3")),
            "{clients}"
        );
    }
}

/// A node that is down is a store failure (exit 4 for the commands), never an empty answer or a
/// silent success, and nothing is reported as stored that was not.
#[test]
fn a_node_down_is_a_store_error() {
    let Some(mut cluster) = RedisCluster::start() else {
        return;
    };
    let mut store = RedisStore::connect(&cluster.url, &options("down:")).expect("connect");
    let tokens: Vec<NewToken> = (0..30)
        .map(|n| token(&format!("j{n}"), &format!("user{n}"), &format!("F{n}")))
        .collect();
    store.insert(&tokens, NOW).expect("insert");
    cluster.kill(1);
    let mut failed = 0;
    for n in 0..30 {
        let successor = token(&format!("k{n}"), &format!("user{n}"), &format!("F{n}"));
        match store.rotate(
            &format!("j{n}"),
            &format!("user{n}"),
            &format!("F{n}"),
            &successor,
            NOW,
        ) {
            Ok(outcome) => assert_eq!(outcome, RotateOutcome::Rotated),
            Err(StoreError::Server { .. }) => failed += 1,
            Err(other) => panic!("expected a server error, got {other:?}"),
        }
    }
    assert!(failed > 0, "no rotation touched the stopped node");
    assert!(matches!(
        store.sessions(None, NOW),
        Err(StoreError::Server { .. })
    ));
    assert!(matches!(
        store.revoke(&RevokeSelector::All, NOW),
        Err(StoreError::Server { .. })
    ));
}

/// The binary on a cluster URL: the refresh lifecycle, then exit 4 with nothing on stdout for
/// every command whose subject lives on a stopped node.
#[test]
fn the_binary_uses_a_cluster_and_fails_cleanly_when_a_node_is_down() {
    let Some(mut cluster) = RedisCluster::start() else {
        return;
    };
    let sandbox = cli::Sandbox::new();
    let url = cluster.url.clone();
    let run = |args: &[&str]| {
        let mut command = sandbox.cmd();
        command.env("JWTCTL_STORE", &url).args(args);
        command.assert()
    };
    let issued = cli::stdout(&run(&["issue", "--sub", "alice"]).success());
    let refresh_token = issued
        .lines()
        .nth(1)
        .expect("a refresh token line")
        .to_owned();
    let refreshed = cli::stdout(&run(&["refresh", &refresh_token]).success());
    assert_eq!(refreshed.lines().count(), 2, "{refreshed}");
    cli::fails(run(&["refresh", &refresh_token]), 1, "reuse");
    let listed = cli::stdout(&run(&["sessions", "--json"]).success());
    assert_eq!(listed.trim(), "[]");

    cluster.kill(2);
    let mut failures = 0;
    for n in 0..12 {
        let sub = format!("user{n}");
        let assert = run(&["issue", "--sub", &sub, "--store-timeout", "1s"]);
        let output = assert.get_output();
        if output.status.code() == Some(0) {
            assert!(!output.stdout.is_empty());
        } else {
            cli::fails(assert, 4, "store");
            failures += 1;
        }
    }
    assert!(failures > 0, "no subject lived on the stopped node");
    cli::fails(run(&["sessions", "--store-timeout", "1s"]), 4, "store");
}

/// An unreachable cluster is a store error within the timeout, naming the URL without its
/// password; a cluster URL with a database other than 0 is refused.
#[test]
fn cluster_urls_fail_cleanly() {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let url = format!("redis+cluster://app:hunter2secret@127.0.0.1:{port}");
    match RedisStore::connect(&url, &options("x:")) {
        Err(StoreError::Server {
            url: shown,
            message,
        }) => {
            assert_eq!(shown, format!("redis+cluster://app:***@127.0.0.1:{port}"));
            assert!(!message.contains("hunter2secret"), "{message}");
        }
        other => panic!("expected a server error, got {other:?}"),
    }
    match RedisStore::connect("redis+cluster://127.0.0.1:7000/3", &options("x:")) {
        Err(StoreError::Server { message, .. }) => {
            assert!(message.contains("database 0"), "{message}");
        }
        other => panic!("expected a server error, got {other:?}"),
    }
}

/// A slot that moves while a store is open (resharding): a pipeline over several subjects, some
/// of whose keys moved, still gets every answer, from the node that now holds each key.
#[test]
fn a_pipeline_follows_a_slot_that_moved() {
    let Some(cluster) = RedisCluster::start() else {
        return;
    };
    let mut store = RedisStore::connect(&cluster.url, &options("moved:")).expect("connect");
    let subjects: Vec<String> = (0..30).map(|n| format!("user{n}")).collect();
    let families: Vec<String> = (0..30).map(|n| format!("F{n}")).collect();
    let tokens: Vec<NewToken> = subjects
        .iter()
        .zip(&families)
        .enumerate()
        .map(|(n, (sub, family))| token(&format!("j{n}"), sub, family))
        .collect();
    store.insert(&tokens, NOW).expect("insert");
    let queries: Vec<jwtctl::store::AccessQuery<'_>> = subjects
        .iter()
        .zip(&families)
        .map(|(sub, family)| jwtctl::store::AccessQuery {
            sub: Some(sub),
            family: Some(family),
            issued_at: NOW,
        })
        .collect();
    let before = store.check_access_many(&queries, NOW).expect("check");

    // Move the slot of the last subject's keys to another primary, as redis-cli --cluster
    // reshard does: mark it, move its keys, hand it over on every node.
    let key = format!("moved:{{s{}}}:f:{}", hex(&subjects[29]), hex(&families[29]));
    let mut nodes: Vec<(String, redis::Connection, u16)> = cluster
        .nodes
        .iter()
        .map(|node| {
            let mut raw = node.raw();
            let id: String = redis::cmd("CLUSTER")
                .arg("MYID")
                .query(&mut raw)
                .expect("id");
            (id, raw, node.port.expect("port"))
        })
        .collect();
    let slot: i64 = redis::cmd("CLUSTER")
        .arg("KEYSLOT")
        .arg(&key)
        .query(&mut nodes[0].1)
        .expect("keyslot");
    let source = nodes
        .iter_mut()
        .position(|(_, raw, _)| {
            redis::cmd("CLUSTER")
                .arg("COUNTKEYSINSLOT")
                .arg(slot)
                .query::<i64>(raw)
                .expect("count")
                > 0
        })
        .expect("a node holds the slot");
    let target = (source + 1) % nodes.len();
    let (source_id, target_id, target_port) = (
        nodes[source].0.clone(),
        nodes[target].0.clone(),
        nodes[target].2,
    );
    let setslot = |raw: &mut redis::Connection, state: &str, id: &str| {
        redis::cmd("CLUSTER")
            .arg("SETSLOT")
            .arg(slot)
            .arg(state)
            .arg(id)
            .query::<()>(raw)
            .expect("setslot");
    };
    setslot(&mut nodes[target].1, "IMPORTING", &source_id);
    setslot(&mut nodes[source].1, "MIGRATING", &target_id);
    let keys: Vec<String> = redis::cmd("CLUSTER")
        .arg("GETKEYSINSLOT")
        .arg(slot)
        .arg(100)
        .query(&mut nodes[source].1)
        .expect("keys");
    redis::cmd("MIGRATE")
        .arg("127.0.0.1")
        .arg(target_port)
        .arg("")
        .arg(0)
        .arg(5000)
        .arg("KEYS")
        .arg(&keys)
        .query::<()>(&mut nodes[source].1)
        .expect("migrate");
    for (_, raw, _) in &mut nodes {
        setslot(raw, "NODE", &target_id);
    }

    assert_eq!(
        store
            .check_access_many(&queries, NOW)
            .expect("check after the move"),
        before
    );
    assert_eq!(store.sessions(None, NOW).expect("sessions").len(), 30);
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}
