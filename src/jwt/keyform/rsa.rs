//! RSA private keys by their numbers: reading them out of PKCS#1 for a JWK, and completing a
//! JWK that carries only `n`, `e` and `d` (RFC 7518 section 6.3.2 lets the CRT members be left
//! out) by recovering the primes.

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, Zero};
use zeroize::Zeroizing;

/// The numbers of a two-prime RSA private key, big-endian without leading zeros.
pub struct RsaPrivateNumbers {
    pub n: Vec<u8>,
    pub e: Vec<u8>,
    pub d: Zeroizing<Vec<u8>>,
    pub p: Zeroizing<Vec<u8>>,
    pub q: Zeroizing<Vec<u8>>,
    pub dp: Zeroizing<Vec<u8>>,
    pub dq: Zeroizing<Vec<u8>>,
    pub qi: Zeroizing<Vec<u8>>,
}

/// `RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv }` (RFC 8017 A.1.2),
/// two-prime only.
pub fn from_pkcs1(der: &[u8]) -> Option<RsaPrivateNumbers> {
    let blocks = simple_asn1::from_der(der).ok()?;
    let simple_asn1::ASN1Block::Sequence(_, items) = blocks.first()? else {
        return None;
    };
    let mut numbers = items.iter().map(|item| match item {
        simple_asn1::ASN1Block::Integer(_, value) => unsigned_bytes(value),
        _ => None,
    });
    let version = numbers.next()??;
    if !version.is_empty() {
        // Version 1 is multi-prime.
        return None;
    }
    let mut next = || numbers.next().flatten();
    Some(RsaPrivateNumbers {
        n: next()?,
        e: next()?,
        d: Zeroizing::new(next()?),
        p: Zeroizing::new(next()?),
        q: Zeroizing::new(next()?),
        dp: Zeroizing::new(next()?),
        dq: Zeroizing::new(next()?),
        qi: Zeroizing::new(next()?),
    })
}

/// The numbers of the PKCS#1 key inside PKCS#8:
/// `PrivateKeyInfo ::= SEQUENCE { version, algorithm, privateKey OCTET STRING }`.
pub fn from_pkcs8(pkcs8: &[u8]) -> Option<RsaPrivateNumbers> {
    let blocks = simple_asn1::from_der(pkcs8).ok()?;
    let simple_asn1::ASN1Block::Sequence(_, items) = blocks.first()? else {
        return None;
    };
    let pkcs1 = items.iter().find_map(|item| match item {
        simple_asn1::ASN1Block::OctetString(_, bytes) => Some(Zeroizing::new(bytes.clone())),
        _ => None,
    })?;
    from_pkcs1(&pkcs1)
}

/// The magnitude of a non-negative integer, big-endian, with no leading zero (zero is empty).
fn unsigned_bytes(value: &BigInt) -> Option<Vec<u8>> {
    match value.sign() {
        Sign::Minus => None,
        Sign::NoSign => Some(Vec::new()),
        Sign::Plus => Some(value.magnitude().to_bytes_be()),
    }
}

/// The primes and CRT values of a key known by `n`, `e` and `d` alone, or `None` if they are not
/// a consistent key. The method of NIST SP 800-56B rev. 2 appendix C.2: `de - 1` is a multiple
/// of `λ(n)`, and a square root of 1 modulo `n` other than ±1 shares a factor with `n`.
pub fn complete(n: &[u8], e: &[u8], d: &[u8]) -> Option<RsaPrivateNumbers> {
    let n_int = BigUint::from_bytes_be(n);
    let e_int = BigUint::from_bytes_be(e);
    let d_int = BigUint::from_bytes_be(d);
    let one = BigUint::one();
    if n_int.bits() < 16 || e_int <= one || d_int <= one || d_int >= n_int {
        return None;
    }
    let k = &d_int * &e_int - &one;
    // For a real key g^(de-1) = 1 (mod n) for every g; one exponentiation turns away numbers
    // that are no key before the search below spends many.
    if k.is_odd() || BigUint::from(2u32).modpow(&k, &n_int) != one {
        return None;
    }
    let mut t = k.clone();
    let mut s = 0u64;
    while t.is_even() {
        t >>= 1;
        s += 1;
    }
    let n_minus_one = &n_int - &one;
    // Small bases suffice: each finds a factor with probability at least 1/2.
    for g in (2u32..).take(40) {
        let mut x = BigUint::from(g).modpow(&t, &n_int);
        for _ in 0..s {
            if x == one || x == n_minus_one {
                break;
            }
            let y = (&x * &x) % &n_int;
            if y == one {
                let p = (&x - &one).gcd(&n_int);
                if p <= one || p >= n_int {
                    break;
                }
                let q = &n_int / &p;
                // The convention of most producers: p > q.
                let (p, q) = if p > q { (p, q) } else { (q, p) };
                return crt_numbers(&n_int, &e_int, &d_int, &p, &q);
            }
            x = y;
        }
    }
    None
}

fn crt_numbers(
    n: &BigUint,
    e: &BigUint,
    d: &BigUint,
    p: &BigUint,
    q: &BigUint,
) -> Option<RsaPrivateNumbers> {
    let one = BigUint::one();
    if &(p * q) != n {
        return None;
    }
    let dp = d % (p - &one);
    let dq = d % (q - &one);
    let qi = mod_inverse(q, p)?;
    Some(RsaPrivateNumbers {
        n: n.to_bytes_be(),
        e: e.to_bytes_be(),
        d: Zeroizing::new(d.to_bytes_be()),
        p: Zeroizing::new(p.to_bytes_be()),
        q: Zeroizing::new(q.to_bytes_be()),
        dp: Zeroizing::new(dp.to_bytes_be()),
        dq: Zeroizing::new(dq.to_bytes_be()),
        qi: Zeroizing::new(qi.to_bytes_be()),
    })
}

/// `a⁻¹ mod m` for a prime `m` not dividing `a`.
fn mod_inverse(a: &BigUint, m: &BigUint) -> Option<BigUint> {
    let a = BigInt::from_biguint(Sign::Plus, a % m);
    let m = BigInt::from_biguint(Sign::Plus, m.clone());
    let extended = a.extended_gcd(&m);
    if !extended.gcd.is_one() {
        return None;
    }
    let mut x = extended.x % &m;
    if x < BigInt::zero() {
        x += &m;
    }
    x.to_biguint()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_numbers() -> RsaPrivateNumbers {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/keys/rsa.pkcs1.pem");
        let pem = pem::parse(std::fs::read(path).unwrap()).unwrap();
        from_pkcs1(pem.contents()).unwrap()
    }

    #[test]
    fn reads_the_numbers_of_a_pkcs1_key() {
        let numbers = fixture_numbers();
        assert_eq!(numbers.n.len(), 256);
        assert_eq!(numbers.e, vec![1, 0, 1]);
        assert_eq!(numbers.p.len(), 128);
    }

    #[test]
    fn recovers_the_primes_from_n_e_and_d() {
        let numbers = fixture_numbers();
        let completed = complete(&numbers.n, &numbers.e, &numbers.d).unwrap();
        let mut expected = [numbers.p.to_vec(), numbers.q.to_vec()];
        let mut found = [completed.p.to_vec(), completed.q.to_vec()];
        expected.sort();
        found.sort();
        assert_eq!(expected, found);
        // The CRT values follow from whichever prime is p.
        let p = BigUint::from_bytes_be(&completed.p);
        let q = BigUint::from_bytes_be(&completed.q);
        let qi = BigUint::from_bytes_be(&completed.qi);
        assert!(((&q * &qi) % &p).is_one());
    }

    #[test]
    fn inconsistent_numbers_are_no_key() {
        let numbers = fixture_numbers();
        let mut d = numbers.d.to_vec();
        if let Some(last) = d.last_mut() {
            *last ^= 2;
        }
        assert!(complete(&numbers.n, &numbers.e, &d).is_none());
        assert!(complete(&numbers.n, &[1], &numbers.d).is_none());
        assert!(complete(&[], &numbers.e, &numbers.d).is_none());
    }
}
