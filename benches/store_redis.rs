//! Rotation cost against a private Redis holding 10,000 and 1,000,000 live sessions: a rotation
//! touches a fixed number of keys, so its cost must not grow with the number of sessions.
//!
//! Run with `cargo bench --bench store_redis`; needs `redis-server` on the PATH. Under
//! `cargo test --all-targets` (no `--bench` argument) it only checks itself on 1,000 sessions.

#[path = "../tests/support/redis_server.rs"]
mod redis_server;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jwtctl::store::{NewToken, OpenOptions, RedisStore, RotateOutcome, Store, Timestamp};
use redis_server::RedisServer;

const SIZES: [usize; 2] = [10_000, 1_000_000];
const SMOKE_SIZES: [usize; 1] = [1_000];
/// Sessions recorded per insert call: one script, one round trip.
const BATCH: usize = 10_000;

fn token(jti: String, session: usize, now: Timestamp) -> NewToken {
    NewToken {
        jti,
        sub: format!("user{}", session % 10_000),
        family: format!("family{session}"),
        issued_at: now,
        expires_at: now + 30 * 24 * 3600,
        access_expires_at: now + 900,
        label: None,
    }
}

fn rotate(c: &mut Criterion) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as Timestamp);
    let mut group = c.benchmark_group("redis_rotate");
    group.sample_size(50);
    group.measurement_time(Duration::from_secs(5));
    // Criterion passes `--bench` under `cargo bench`; `cargo test` runs each bench once.
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let sizes: &[usize] = if benchmarking { &SIZES } else { &SMOKE_SIZES };
    for &size in sizes {
        let Some(server) = RedisServer::start() else {
            return;
        };
        let options = OpenOptions {
            prefix: "bench:".to_owned(),
            timeout: Duration::from_secs(30),
            ..OpenOptions::default()
        };
        let mut store = RedisStore::connect(&server.url, &options).expect("connect");
        let started = Instant::now();
        for first in (0..size).step_by(BATCH) {
            let batch: Vec<NewToken> = (first..(first + BATCH).min(size))
                .map(|session| token(format!("s{session}-0"), session, now))
                .collect();
            store.insert(&batch, now).expect("insert");
        }
        let mut raw = server.raw();
        let keys: u64 = redis::cmd("DBSIZE").query(&mut raw).expect("dbsize");
        let memory: String = redis::cmd("INFO")
            .arg("memory")
            .query(&mut raw)
            .expect("info");
        let used = memory
            .lines()
            .find_map(|line| line.strip_prefix("used_memory_human:"))
            .unwrap_or("?")
            .trim()
            .to_owned();
        eprintln!(
            "loaded {size} sessions in {:.1?}: {keys} keys, {used} used",
            started.elapsed()
        );

        // Server-side figures, free of client scheduling noise: reset now, read after.
        redis::cmd("CONFIG")
            .arg("RESETSTAT")
            .query::<()>(&mut raw)
            .expect("config resetstat");

        // Iteration k rotates session k mod size, generation k / size.
        let mut k = 0usize;
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, &size| {
            b.iter(|| {
                let session = k % size;
                let generation = k / size;
                let successor = token(format!("s{session}-{}", generation + 1), session, now);
                let outcome = store
                    .rotate(
                        &format!("s{session}-{generation}"),
                        &successor.sub,
                        &successor.family,
                        &successor,
                        now,
                    )
                    .expect("rotate");
                assert_eq!(outcome, RotateOutcome::Rotated);
                k += 1;
            });
        });
        let stats: String = redis::cmd("INFO")
            .arg("commandstats")
            .query(&mut raw)
            .expect("info");
        report_server_side(size, &stats);
    }
    group.finish();
}

/// Prints the server's time per rotation script and how many commands each one ran, from
/// `INFO commandstats` lines such as `cmdstat_hset:calls=10,usec=20,usec_per_call=2.00,…`.
fn report_server_side(size: usize, stats: &str) {
    let field = |line: &str, name: &str| -> f64 {
        line.split([':', ','])
            .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
            .and_then(|value| value.parse().ok())
            .unwrap_or(0.0)
    };
    let (mut scripts, mut script_usec, mut inner) = (0.0, 0.0, 0.0);
    for line in stats.lines().filter(|line| line.starts_with("cmdstat_")) {
        let calls = field(line, "calls");
        if line.starts_with("cmdstat_evalsha:") {
            scripts += calls;
            script_usec += field(line, "usec");
        } else if !line.starts_with("cmdstat_config:") && !line.starts_with("cmdstat_info:") {
            inner += calls;
        }
    }
    if scripts > 0.0 {
        eprintln!(
            "{size} sessions: {scripts} rotations, {:.1} µs of server time and {:.1} commands each",
            script_usec / scripts,
            inner / scripts
        );
    }
}

criterion_group!(benches, rotate);
criterion_main!(benches);
