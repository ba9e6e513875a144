//! The file store at 1,000 / 10,000 / 100,000 live sessions. Every call reads and parses the whole
//! file, and a change serializes it, writes it, fsyncs it and renames it into place: `rotate` is
//! the cost of a `refresh`, `lookup` the cost of a read-only call (`verify --store`, `sessions`).
//!
//! The store lives in a temporary directory under `$TMPDIR`; point that at the file system that
//! matters (fsync costs differ widely).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use jwtctl::store::{FileStore, NewToken, RotateOutcome, Store, Timestamp};

const T0: Timestamp = 4_102_444_800;

/// Identifiers as long as the real ones (22 characters of base64url for 128 random bits).
fn id(kind: char, n: u64) -> String {
    format!("{kind}{:021x}", n.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn token(jti: String, n: u64, family: String, iat: Timestamp) -> NewToken {
    NewToken {
        jti,
        sub: format!("user-{}@example.com", n % 5_000),
        family,
        issued_at: iat,
        expires_at: iat + 30 * 24 * 3600,
        access_expires_at: iat + 900,
        label: n.is_multiple_of(4).then(|| format!("laptop {n}")),
    }
}

fn bench_store(c: &mut Criterion) {
    let mut group = c.benchmark_group("file_store");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for sessions in [1_000u64, 10_000, 100_000] {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let path = dir.path().join("sessions.json");
        let mut store = FileStore::new(path.clone());
        let tokens: Vec<NewToken> = (0..sessions)
            .map(|n| token(id('j', n), n, id('s', n), T0))
            .collect();
        store.insert(&tokens, T0).expect("insert");
        let bytes = std::fs::metadata(&path).expect("metadata").len();
        eprintln!("{sessions} sessions: store file {} KiB", bytes / 1024);

        let probe = id('j', sessions / 2);
        let sub = token(String::new(), sessions / 2, String::new(), T0).sub;
        let probe_family = id('s', sessions / 2);
        group.bench_with_input(BenchmarkId::new("lookup", sessions), &sessions, |b, _| {
            b.iter(|| {
                black_box(
                    store
                        .lookup(&probe, &sub, &probe_family, T0 + 10)
                        .expect("lookup"),
                )
            })
        });

        // Each iteration starts from the same store of `sessions` live sessions (restored and
        // flushed outside the timing, so the copy's own writeback is not billed to the rotation).
        let pristine = dir.path().join("pristine.json");
        std::fs::copy(&path, &pristine).expect("copy");
        let family = id('s', 0);
        let successor = token(id('r', 1), 0, family.clone(), T0 + 1);
        group.bench_with_input(BenchmarkId::new("rotate", sessions), &sessions, |b, _| {
            b.iter_batched(
                || {
                    std::fs::copy(&pristine, &path).expect("restore");
                    std::fs::File::open(&path)
                        .and_then(|file| file.sync_all())
                        .expect("sync");
                },
                |()| {
                    let outcome = store
                        .rotate(&id('j', 0), &successor.sub, &family, &successor, T0 + 1)
                        .expect("rotate");
                    assert_eq!(outcome, RotateOutcome::Rotated);
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench_store);
criterion_main!(benches);
