//! HS256 / ES256 / RS256 sign+verify through `jsonwebtoken::crypto::{sign, verify}`,
//! built once per crypto backend (cargo feature `aws_lc_rs` or `rust_crypto`).
//!
//! Note: `crypto::sign`/`crypto::verify` build a fresh signer/verifier from the
//! EncodingKey/DecodingKey on every call, so the times include per-call key
//! parsing (DER -> key object), exactly like `jsonwebtoken::encode/decode` do.
//!
//! Clock: wall time by default. `BENCH_CLOCK=cpu` measures this thread's CPU time
//! (CLOCK_THREAD_CPUTIME_ID) instead, which is far less sensitive to other
//! processes competing for the (2-core, shared) machine. Groups are then named
//! `<backend>-cpu/<ALG>` so the two clocks keep separate criterion histories.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::Criterion;
use jsonwebtoken::crypto::{sign, verify};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use std::hint::black_box;

#[cfg(all(feature = "aws_lc_rs", not(feature = "rust_crypto")))]
const BACKEND: &str = "aws_lc_rs";
#[cfg(all(feature = "rust_crypto", not(feature = "aws_lc_rs")))]
const BACKEND: &str = "rust_crypto";

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/keys");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{KEYS}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A typical JWS signing input: b64url(header) "." b64url(claims), ~200 bytes.
fn signing_input(alg: &str) -> Vec<u8> {
    let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
    let claims = r#"{"sub":"user-1234567890","iss":"https://auth.example.com","aud":"jwtctl","iat":1700000000,"exp":1700003600,"jti":"c0ffee00-1234-4abc-8def-0123456789ab"}"#;
    format!("{}.{}", B64.encode(header), B64.encode(claims)).into_bytes()
}

/// Per-thread CPU time in nanoseconds.
struct ThreadCpuTime;

fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: valid pointer to a timespec; the clock id is supported on Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 { thread_cpu_ns() }
    fn end(&self, start: u64) -> u64 { thread_cpu_ns() - start }
    fn add(&self, a: &u64, b: &u64) -> u64 { a + b }
    fn zero(&self) -> u64 { 0 }
    fn to_f64(&self, v: &u64) -> f64 { *v as f64 }
    fn formatter(&self) -> &dyn ValueFormatter {
        static WALL: WallTime = WallTime; // values are nanoseconds, so reuse its formatter
        WALL.formatter()
    }
}

fn bench_alg<M: Measurement>(
    c: &mut Criterion<M>,
    group: &str,
    name: &str,
    alg: Algorithm,
    enc: EncodingKey,
    dec: DecodingKey,
) {
    let msg = signing_input(name);
    let sig = sign(&msg, &enc, alg).expect("sign");
    assert!(verify(&sig, &msg, &dec, alg).expect("verify"), "{name}: signature did not verify");

    let mut g = c.benchmark_group(format!("{group}/{name}"));
    g.bench_function("sign", |b| b.iter(|| sign(black_box(&msg), &enc, alg).unwrap()));
    g.bench_function("verify", |b| {
        b.iter(|| assert!(verify(black_box(&sig), black_box(&msg), &dec, alg).unwrap()))
    });
    g.finish();
}

fn benches<M: Measurement>(c: &mut Criterion<M>, group: &str) {
    eprintln!("group = {group}, signing input = {} bytes", signing_input("HS256").len());

    let secret = read("hs256.key");
    assert_eq!(secret.len(), 32);
    bench_alg(c, group, "HS256", Algorithm::HS256,
        EncodingKey::from_secret(&secret), DecodingKey::from_secret(&secret));

    bench_alg(c, group, "ES256", Algorithm::ES256,
        EncodingKey::from_ec_pem(&read("ec256.key.pem")).unwrap(),
        DecodingKey::from_ec_pem(&read("ec256.pub.pem")).unwrap());

    bench_alg(c, group, "RS256", Algorithm::RS256,
        EncodingKey::from_rsa_pem(&read("rsa2048.key.pem")).unwrap(),
        DecodingKey::from_rsa_pem(&read("rsa2048.pub.pem")).unwrap());
}

fn main() {
    if std::env::var("BENCH_CLOCK").as_deref() == Ok("cpu") {
        let mut c = Criterion::default().with_measurement(ThreadCpuTime).configure_from_args();
        benches(&mut c, &format!("{BACKEND}-cpu"));
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        benches(&mut c, BACKEND);
        c.final_summary();
    }
}
