//! The Redis store at scale, on one server and on a three-node cluster: every operation jwtctl
//! runs, against 1,000,000 live sessions, with the servers' slow log catching any command over
//! 1 ms. Prints, per backend and operation, the wall time and the longest command the servers
//! ran for it, then the ratio of a rotation on the cluster to one on a single server.
//!
//! A server command can take no less time than the machine lets the server run: before and after
//! the operations the bench measures the longest stall of a busy loop (what `redis-cli
//! --intrinsic-latency` measures), so that a slow command can be told from a stalled machine.
//!
//! Run with `cargo bench --bench store_scale` (needs `redis-server` and `redis-cli`); under
//! `cargo test --all-targets` (no `--bench` argument) it only checks itself on 1,000 sessions.
//! Set `JWTCTL_SCALE_SESSIONS` to change the size.

#[path = "../tests/support/redis_server.rs"]
mod redis_server;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jwtctl::store::{
    AccessQuery, NewToken, OpenOptions, RedisStore, RevokeSelector, RotateOutcome, Store, Timestamp,
};
use redis_server::{RedisCluster, RedisServer};

/// Families per subject: a subject's operations touch this many.
const FAMILIES_PER_SUBJECT: usize = 100;
/// Sessions per insert call (`issue --batch` sends its tokens in chunks too).
const BATCH: usize = 10_000;
const ROTATIONS: usize = 2_000;
/// What the slow log records: every command over this many microseconds.
const SLOW_MICROS: &str = "1000";

fn token(jti: String, session: usize, subjects: usize, now: Timestamp) -> NewToken {
    NewToken {
        jti,
        sub: format!("user{}", session % subjects),
        family: format!("family{session}"),
        issued_at: now,
        expires_at: now + 30 * 24 * 3600,
        access_expires_at: now + 900,
        label: Some("bench".to_owned()),
    }
}

/// Runs `op`, then prints its wall time and the longest command the servers ran meanwhile.
fn timed<T>(what: &str, nodes: &[&RedisServer], op: impl FnOnce() -> T) -> T {
    reset_slowlog(nodes);
    let started = Instant::now();
    let out = op();
    let elapsed = started.elapsed();
    let (micros, name, over) = slowest(nodes);
    eprintln!(
        "  {what}: {elapsed:.1?}; {}",
        server_summary(micros, &name, over)
    );
    out
}

fn server_summary(micros: i64, name: &str, over_10ms: usize) -> String {
    if micros == 0 {
        return "every server command under 1 ms".to_owned();
    }
    format!(
        "longest server command {:.1} ms ({name}), {over_10ms} over 10 ms",
        micros as f64 / 1000.0
    )
}

/// The longest time a busy loop went without running, over `span`: what the machine, not the
/// server, adds to any command's time.
fn machine_stall(span: Duration) -> Duration {
    let started = Instant::now();
    let mut last = started;
    let mut longest = Duration::ZERO;
    while last.duration_since(started) < span {
        let now = Instant::now();
        longest = longest.max(now.duration_since(last));
        last = now;
    }
    longest
}

fn reset_slowlog(nodes: &[&RedisServer]) {
    for node in nodes {
        redis::cmd("SLOWLOG")
            .arg("RESET")
            .query::<()>(&mut node.raw())
            .expect("slowlog reset");
    }
}

/// The longest command in the slow logs of `nodes`, in microseconds, and how many took over
/// 10 ms.
fn slowest(nodes: &[&RedisServer]) -> (i64, String, usize) {
    let mut longest = (0, String::new());
    let mut over_10ms = 0;
    for node in nodes {
        let mut raw = node.raw();
        let entries: Vec<redis::Value> = redis::cmd("SLOWLOG")
            .arg("GET")
            .arg(-1)
            .query(&mut raw)
            .expect("slowlog");
        for entry in entries {
            let redis::Value::Array(fields) = entry else {
                continue;
            };
            let micros = match fields.get(2) {
                Some(redis::Value::Int(micros)) => *micros,
                _ => continue,
            };
            if micros > 10_000 {
                over_10ms += 1;
            }
            if micros > longest.0 {
                let name = match fields.get(3) {
                    Some(redis::Value::Array(args)) => args
                        .iter()
                        .take(4)
                        .map(|arg| match arg {
                            redis::Value::BulkString(bytes) => {
                                String::from_utf8_lossy(bytes).into_owned()
                            }
                            other => format!("{other:?}"),
                        })
                        .collect::<Vec<_>>()
                        .join(" "),
                    _ => String::new(),
                };
                longest = (micros, name);
            }
        }
    }
    (longest.0, longest.1, over_10ms)
}

fn configure(nodes: &[&RedisServer]) {
    for node in nodes {
        let mut raw = node.raw();
        for (name, value) in [
            ("slowlog-log-slower-than", SLOW_MICROS),
            ("slowlog-max-len", "100000"),
        ] {
            redis::cmd("CONFIG")
                .arg("SET")
                .arg(name)
                .arg(value)
                .query::<()>(&mut raw)
                .expect("config set");
        }
        redis::cmd("CONFIG")
            .arg("RESETSTAT")
            .query::<()>(&mut raw)
            .expect("config resetstat");
    }
}

/// Per command the servers ran, how many calls and their mean time (`INFO commandstats`): what
/// a command costs when the machine does not stall the server.
fn command_means(nodes: &[&RedisServer]) -> String {
    let mut totals: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
    for node in nodes {
        let info: String = redis::cmd("INFO")
            .arg("commandstats")
            .query(&mut node.raw())
            .expect("info");
        // cmdstat_evalsha:calls=2000,usec=123456,usec_per_call=61.73,...
        for line in info.lines() {
            let Some((name, fields)) = line
                .strip_prefix("cmdstat_")
                .and_then(|rest| rest.split_once(':'))
            else {
                continue;
            };
            let field = |key: &str| {
                fields
                    .split(',')
                    .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
                    .and_then(|value| value.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            let entry = totals.entry(name.to_uppercase()).or_default();
            entry.0 += field("calls");
            entry.1 += field("usec");
        }
    }
    totals
        .into_iter()
        .filter(|(_, (calls, _))| *calls >= 100)
        .map(|(name, (calls, usec))| format!("{name} {calls} x {} µs", usec / calls))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every operation once (rotation many times); returns the mean rotation time.
fn exercise(url: &str, nodes: &[&RedisServer], size: usize, now: Timestamp) -> Duration {
    configure(nodes);
    let subjects = (size / FAMILIES_PER_SUBJECT).max(1);
    let options = OpenOptions {
        prefix: "scale:".to_owned(),
        ..OpenOptions::default()
    };
    let mut store = RedisStore::connect(url, &options).expect("connect");
    timed(&format!("insert {size} sessions"), nodes, || {
        for first in (0..size).step_by(BATCH) {
            let batch: Vec<NewToken> = (first..(first + BATCH).min(size))
                .map(|session| token(format!("s{session}-0"), session, subjects, now))
                .collect();
            store.insert(&batch, now).expect("insert");
        }
    });
    let rotations = ROTATIONS.min(size);
    reset_slowlog(nodes);
    let started = Instant::now();
    for session in 0..rotations {
        let successor = token(format!("s{session}-1"), session, subjects, now);
        let outcome = store
            .rotate(
                &format!("s{session}-0"),
                &successor.sub,
                &successor.family,
                &successor,
                now,
            )
            .expect("rotate");
        assert_eq!(outcome, RotateOutcome::Rotated);
    }
    let rotation = started.elapsed() / rotations as u32;
    let (micros, name, over) = slowest(nodes);
    eprintln!(
        "  rotation: {rotation:.1?} each ({rotations}); {}",
        server_summary(micros, &name, over)
    );
    timed("lookup", nodes, || {
        store
            .lookup("s5-1", "user5", "family5", now)
            .expect("lookup")
    });
    let subs: Vec<String> = (0..256).map(|n| format!("user{}", n % subjects)).collect();
    let families: Vec<String> = (0..256).map(|n| format!("family{n}")).collect();
    let queries: Vec<AccessQuery<'_>> = subs
        .iter()
        .zip(&families)
        .map(|(sub, family)| AccessQuery {
            sub: Some(sub),
            family: Some(family),
            issued_at: now,
        })
        .collect();
    timed("check access, 256 tokens", nodes, || {
        store.check_access_many(&queries, now).expect("check")
    });
    let listed = timed("sessions --user", nodes, || {
        store.sessions(Some("user7"), now).expect("sessions")
    });
    assert_eq!(listed.len(), FAMILIES_PER_SUBJECT.min(size));
    let all = timed("sessions", nodes, || {
        store.sessions(None, now).expect("sessions")
    });
    assert_eq!(all.len(), size);
    timed("revoke --user", nodes, || {
        store
            .revoke(&RevokeSelector::User("user7".into()), now)
            .expect("revoke")
    });
    timed("revoke --family (no subject)", nodes, || {
        store
            .revoke(&RevokeSelector::Family("family8".into()), now)
            .expect("revoke")
    });
    timed("prune", nodes, || store.prune(now).expect("prune"));
    let revoked = timed("revoke --all", nodes, || {
        store.revoke(&RevokeSelector::All, now).expect("revoke")
    });
    assert!(revoked as usize + FAMILIES_PER_SUBJECT + 1 >= size);
    eprintln!("  mean server time: {}", command_means(nodes));
    rotation
}

/// Mean rotation time on each store, measured in alternating rounds so that the machine's load
/// weighs on both alike. Rotates sessions `first..first + rounds * per_round` of each.
fn interleaved_rotations(
    stores: &mut [&mut RedisStore; 2],
    size: usize,
    first: usize,
    now: Timestamp,
) -> [Duration; 2] {
    let subjects = (size / FAMILIES_PER_SUBJECT).max(1);
    let (rounds, per_round) = (10, (ROTATIONS / 10).min(size / 20).max(1));
    let mut spent = [Duration::ZERO; 2];
    for round in 0..rounds {
        for (store, spent) in stores.iter_mut().zip(&mut spent) {
            let started = Instant::now();
            for n in 0..per_round {
                let session = (first + round * per_round + n) % size;
                let mut successor = token(format!("s{session}-i"), session, subjects, now);
                successor.family = format!("again{session}");
                let outcome = store
                    .rotate(
                        &format!("s{session}-1"),
                        &successor.sub,
                        &successor.family,
                        &successor,
                        now,
                    )
                    .expect("rotate");
                assert_eq!(outcome, RotateOutcome::Rotated);
            }
            *spent += started.elapsed();
        }
    }
    spent.map(|total| total / (rounds * per_round) as u32)
}

fn main() {
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let size = std::env::var("JWTCTL_SCALE_SESSIONS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(if benchmarking { 1_000_000 } else { 1_000 });
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as Timestamp);
    let Some(server) = RedisServer::start() else {
        return;
    };
    let Some(cluster) = RedisCluster::start() else {
        return;
    };
    let stall_span = Duration::from_secs(if benchmarking { 5 } else { 1 });
    eprintln!(
        "machine: longest stall of a busy loop over {stall_span:?}: {:.1?}",
        machine_stall(stall_span)
    );
    // Every operation on each, then the rotation ratio from alternating rounds on fresh
    // sessions.
    let options = OpenOptions {
        prefix: "scale:".to_owned(),
        ..OpenOptions::default()
    };
    eprintln!("one server, {size} sessions:");
    exercise(&server.url, &[&server], size, now);
    eprintln!("three-node cluster, {size} sessions:");
    let nodes: Vec<&RedisServer> = cluster.nodes.iter().collect();
    exercise(&cluster.url, &nodes, size, now);
    let mut single = RedisStore::connect(&server.url, &options).expect("connect");
    let mut clustered = RedisStore::connect(&cluster.url, &options).expect("connect");
    // Fresh sessions for the alternating rounds (the first exercise revoked everything).
    for store in [&mut single, &mut clustered] {
        let subjects = (size / FAMILIES_PER_SUBJECT).max(1);
        let batch: Vec<NewToken> = (0..ROTATIONS.min(size))
            .map(|session| {
                let mut fresh = token(format!("s{session}-1"), session, subjects, now);
                fresh.family = format!("again{session}");
                fresh
            })
            .collect();
        store.insert(&batch, now).expect("insert");
    }
    let [one, many] = interleaved_rotations(&mut [&mut single, &mut clustered], size, 0, now);
    eprintln!(
        "rotation, alternating rounds: {one:.1?} on one server, {many:.1?} on the cluster: {:.2} times",
        many.as_secs_f64() / one.as_secs_f64()
    );
    eprintln!(
        "machine: longest stall of a busy loop over {stall_span:?}: {:.1?}",
        machine_stall(stall_span)
    );
}
