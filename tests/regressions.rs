//! Regression tests for mutants that survived `cargo mutants` on the token core and the file
//! store: each test pins a boundary or a branch that the rest of the suite left unchecked.
//! They call the library directly, so they are quick.

use std::path::Path;
use std::process::{Command, Stdio};

use jwtctl::jwt::claims::Claims as Object;
use jwtctl::jwt::jwk::{self, JwksKey};
use jwtctl::jwt::keys::{KeyType, Secret, load_private_key, load_public_key};
use jwtctl::jwt::token::{self, MAX_TOKEN_BYTES, Scratch};
use jwtctl::jwt::{Alg, Policy, RejectKind, Signer, TokenType, VerifyingKey};
use jwtctl::store::{FileStore, NewToken, RevokeSelector, Store, StoreError};
use serde_json::json;

/// 64 hex characters, used as-is (64 bytes of key).
const SECRET: &str = "4f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c";

// --- token.rs --------------------------------------------------------------------------------

/// `token.len() > MAX_TOKEN_BYTES`: a token of exactly the limit is not refused for its size.
#[test]
fn a_token_of_exactly_the_size_limit_is_not_refused_for_its_size() {
    let filler = "a".repeat(MAX_TOKEN_BYTES - 4);
    let at_limit = format!("{filler}.b.c");
    assert_eq!(at_limit.len(), MAX_TOKEN_BYTES);
    let segments = token::split(&at_limit).expect("a token at the limit splits");
    assert_eq!(segments.len(), 3);
    let over = format!("{filler}a.b.c");
    let error = token::split(&over).expect_err("one byte over the limit is refused");
    assert!(error.message.contains("limit of 65536 bytes"), "{error:?}");
}

// --- keys.rs ---------------------------------------------------------------------------------

/// `Secret::is_empty` (public, unused inside the crate) says whether there are any bytes.
#[test]
fn a_secret_knows_whether_it_is_empty() {
    assert!(Secret::new(Vec::new()).is_empty());
    assert!(!Secret::new(b"k".to_vec()).is_empty());
}

/// `public_key_from_pem`: a point of the length of a P-384 point is a P-384 key only if it lies
/// on the curve (as for P-256, where a secp256k1 fixture checks it).
#[test]
fn a_p384_length_point_off_the_curve_is_refused() {
    let text = std::fs::read(fixture("ec384.pub.pem")).expect("fixture");
    let block = pem::parse(&text).expect("PEM");
    let mut der = block.contents().to_vec();
    // The SPKI ends with the uncompressed point 04 || x || y; change the last byte of y.
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("off-curve.pub.pem");
    std::fs::write(&path, pem::encode(&pem::Pem::new("PUBLIC KEY", der))).expect("write");
    let error = load_public_key(&path).expect_err("a point off P-384 is refused");
    assert!(error.message.contains("not an RSA, EC"), "{error:?}");
    assert!(load_public_key(&fixture("ec384.pub.pem")).is_ok());
}

/// `public_key_from_pem`: an Ed25519 public key that is not 32 bytes long is refused.
#[test]
fn an_ed25519_key_of_the_wrong_length_is_refused() {
    let text = std::fs::read(fixture("ed25519.pub.pem")).expect("fixture");
    let block = pem::parse(&text).expect("PEM");
    let der = block.contents();
    // SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING { 00 || 32 bytes } }
    assert_eq!(der.len(), 44);
    let mut longer = vec![0x30, 0x2b];
    longer.extend_from_slice(&der[2..9]);
    longer.extend_from_slice(&[0x03, 0x22, 0x00]);
    longer.extend_from_slice(&der[12..]);
    longer.push(0x00);
    let text = pem::encode(&pem::Pem::new("PUBLIC KEY", longer));
    // jsonwebtoken takes it; jwtctl must not.
    assert!(jsonwebtoken::DecodingKey::from_ed_pem(text.as_bytes()).is_ok());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ed25519-33.pub.pem");
    std::fs::write(&path, text).expect("write");
    let error = load_public_key(&path).expect_err("a 33-byte Ed25519 key is refused");
    assert!(error.message.contains("not an RSA, EC"), "{error:?}");
}

// --- verify.rs -------------------------------------------------------------------------------

/// A fixed instant: 2027-01-15T08:00:00Z.
const NOW: i64 = 1_800_000_000;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(name)
}

fn claims(value: serde_json::Value) -> Object {
    match value {
        serde_json::Value::Object(object) => object,
        other => panic!("not an object: {other}"),
    }
}

fn valid_claims() -> Object {
    claims(json!({ "sub": "alice", "iat": NOW - 10, "exp": NOW + 3600, "jti": "j1" }))
}

fn policy(algorithms: Vec<Alg>, key: VerifyingKey) -> Policy {
    Policy {
        algorithms,
        key,
        issuer: None,
        audience: Vec::new(),
        any_audience: false,
        subject: None,
        leeway: 0,
        token_type: TokenType::default(),
        required: Vec::new(),
        ignore_time: false,
    }
}

fn es256_token(key: &str, kid: Option<&str>) -> String {
    let private = load_private_key(&fixture(key), &mut |_| {}).expect("a private key fixture");
    Signer::from_private_key(Alg::ES256, private, kid.map(str::to_owned))
        .sign("at+jwt", &valid_claims())
        .expect("sign")
}

fn jwks_key(public: &str, kid: &str) -> JwksKey {
    JwksKey {
        kid: Some(kid.to_owned()),
        alg: None,
        key: load_public_key(&fixture(public)).expect("a public key fixture"),
    }
}

/// `VerifyingKey::decoding`: the key is the one whose `kid` equals the token's, not another.
#[test]
fn a_jwks_key_is_picked_by_the_tokens_kid() {
    let set = VerifyingKey::Set(vec![
        jwks_key("ec256.pub.pem", "main"),
        jwks_key("ec256-other.pub.pem", "other"),
    ]);
    let policy = policy(vec![Alg::ES256], set);
    for (key, kid) in [("ec256.pem", "main"), ("ec256-other.pem", "other")] {
        let token = es256_token(key, Some(kid));
        let verified = policy
            .verify(&token, NOW, &mut Scratch::default())
            .map(|_| ());
        assert!(verified.is_ok(), "{kid}: {verified:?}");
    }
    // Signed by one key, naming the other: the named key is tried, and does not match.
    let token = es256_token("ec256.pem", Some("other"));
    let error = policy
        .verify(&token, NOW, &mut Scratch::default())
        .map(|_| ())
        .expect_err("wrong kid");
    assert_eq!(error.kind, RejectKind::Signature);
    assert!(error.message.contains("does not match"), "{error:?}");
    let token = es256_token("ec256.pem", Some("unknown"));
    let error = policy
        .verify(&token, NOW, &mut Scratch::default())
        .map(|_| ())
        .expect_err("unknown kid");
    assert!(error.message.contains("has kid \"unknown\""), "{error:?}");
}

/// `JwksKey::fits`: a token without `kid` is checked with the only JWKS key that fits its
/// algorithm, whatever other keys the set holds.
#[test]
fn without_kid_the_only_fitting_jwks_key_is_used() {
    let key = |public: &str| JwksKey {
        kid: None,
        alg: None,
        key: load_public_key(&fixture(public)).expect("a public key fixture"),
    };
    let set = VerifyingKey::Set(vec![key("rsa.pub.pem"), key("ec256.pub.pem")]);
    let policy = policy(vec![Alg::ES256, Alg::RS256], set);
    let token = es256_token("ec256.pem", None);
    let verified = policy
        .verify(&token, NOW, &mut Scratch::default())
        .map(|_| ());
    assert!(verified.is_ok(), "{verified:?}");
}

// --- jwk.rs ----------------------------------------------------------------------------------

/// `jwk::generate`: ES256 makes a P-256 key and ES384 a P-384 key.
#[test]
fn generated_ec_keys_are_on_the_curve_of_their_algorithm() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (alg, expected) in [(Alg::ES256, KeyType::EcP256), (Alg::ES384, KeyType::EcP384)] {
        let generated = jwk::generate(alg, 0).expect("generate");
        let path = dir.path().join(format!("{alg}.pub.pem"));
        std::fs::write(&path, jwk::to_pem("PUBLIC KEY", &generated.public_spki)).expect("write");
        let public = load_public_key(&path).expect("the public key loads");
        assert_eq!(public.key_type, expected, "{alg}");
    }
}

/// `jwk::thumbprint`: the RFC 7638 SHA-256 thumbprint, base64url (43 characters), the `kid` of
/// the key's JWK, and different for different keys.
#[test]
fn thumbprints_identify_keys() {
    let public = load_public_key(&fixture("ec256.pub.pem")).expect("fixture");
    let other = load_public_key(&fixture("ec256-other.pub.pem")).expect("fixture");
    let thumbprint = jwk::thumbprint(&public, Alg::ES256).expect("thumbprint");
    assert_eq!(thumbprint.len(), 43, "{thumbprint}");
    assert!(
        thumbprint
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{thumbprint}"
    );
    let jwk = jwk::public_jwk(&public, Alg::ES256).expect("jwk");
    assert_eq!(jwk.common.key_id.as_deref(), Some(thumbprint.as_str()));
    assert_ne!(
        jwk::thumbprint(&other, Alg::ES256).expect("thumbprint"),
        thumbprint
    );
}

fn jwk_json(public: &str, alg: Alg) -> serde_json::Value {
    let public = load_public_key(&fixture(public)).expect("a public key fixture");
    serde_json::to_value(jwk::public_jwk(&public, alg).expect("jwk")).expect("JSON")
}

/// `jwk::parse_jwks` and `JwksKey::fits`: every kind of usable key is read with its type, the
/// unusable ones are skipped with a reason, and the set verifies a token by `kid`.
#[test]
fn a_jwks_document_is_parsed_into_usable_keys() {
    let rsa1024 = jsonwebtoken::DecodingKey::from_rsa_pem(
        &std::fs::read(fixture("rsa1024.pub.pem")).expect("fixture"),
    )
    .expect("an RSA key");
    let rsa1024 = jsonwebtoken::jwk::Jwk::from_decoding_key(&rsa1024, None).expect("jwk");
    let mut mislabelled = jwk_json("ec256.pub.pem", Alg::ES256);
    mislabelled["alg"] = json!("ES384");
    let document = json!({ "keys": [
        jwk_json("rsa.pub.pem", Alg::RS256),
        jwk_json("ec256.pub.pem", Alg::ES256),
        jwk_json("ec384.pub.pem", Alg::ES384),
        jwk_json("ed25519.pub.pem", Alg::EdDSA),
        { "kty": "oct", "k": "c2VjcmV0", "kid": "hmac" },
        rsa1024,
        mislabelled,
        { "kty": "OKP", "crv": "Ed25519", "x": token::encode_segment(&[7; 33]) },
    ]});
    let mut warnings = Vec::new();
    let keys = jwk::parse_jwks(&document.to_string(), "the JWKS", &mut |w| warnings.push(w))
        .expect("a JWKS");
    let types: Vec<KeyType> = keys.iter().map(|key| key.key.key_type).collect();
    assert_eq!(
        types,
        [
            KeyType::Rsa { bits: 2048 },
            KeyType::EcP256,
            KeyType::EcP384,
            KeyType::Ed25519
        ]
    );
    assert_eq!(warnings.len(), 4, "{warnings:?}");
    assert!(warnings[0].contains("symmetric (oct) key"), "{warnings:?}");
    assert!(warnings[1].contains("RSA 1024-bit key"), "{warnings:?}");
    assert!(
        warnings[2].contains("alg ES384 does not fit"),
        "{warnings:?}"
    );
    assert!(
        warnings[3].contains("not a 32-byte Ed25519 key"),
        "{warnings:?}"
    );

    let kid = keys[1].kid.clone().expect("a kid");
    let policy = policy(vec![Alg::ES256], VerifyingKey::Set(keys));
    let token = es256_token("ec256.pem", Some(&kid));
    let verified = policy
        .verify(&token, NOW, &mut Scratch::default())
        .map(|_| ());
    assert!(verified.is_ok(), "{verified:?}");
}

// --- store/file.rs ---------------------------------------------------------------------------

/// `jwtctl` with a clean environment and `dir` as its working directory.
fn jwtctl_in(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jwtctl"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("JWTCTL_") {
            cmd.env_remove(&name);
        }
    }
    cmd.current_dir(dir)
        .env("JWTCTL_SECRET", SECRET)
        .env("XDG_DATA_HOME", dir.join("no-default-store"))
        .stdin(Stdio::null());
    cmd
}

/// `FileStore::dir`: a store named by a bare file name lives in the working directory (its
/// parent is the empty path, which cannot be created, locked in or synced).
#[test]
fn a_store_named_by_a_bare_file_name_lives_in_the_working_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = jwtctl_in(dir.path())
        .args(["issue", "--sub", "alice"])
        .env("JWTCTL_STORE", "sessions.json")
        .output()
        .expect("run jwtctl");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.path().join("sessions.json").is_file());
    let output = jwtctl_in(dir.path())
        .args(["sessions", "--json"])
        .env("JWTCTL_STORE", "sessions.json")
        .output()
        .expect("run jwtctl");
    assert!(output.status.success());
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(listed[0]["sub"], "alice", "{listed}");
}

/// A refresh token of alice, issued at `NOW`.
fn new_token(jti: &str, family: &str, expires_at: i64, access_expires_at: i64) -> NewToken {
    NewToken {
        jti: jti.into(),
        sub: "alice".into(),
        family: family.into(),
        issued_at: NOW,
        expires_at,
        access_expires_at,
        label: None,
    }
}

/// A `FileStore` in its own temporary directory.
fn temp_store() -> (tempfile::TempDir, FileStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = FileStore::new(dir.path().join("sessions.json"));
    (dir, store)
}

fn store_json(store: &FileStore) -> serde_json::Value {
    let text = std::fs::read_to_string(store.path()).expect("the store file");
    serde_json::from_str(&text).expect("the store is JSON")
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).expect("metadata").ino()
}

/// `Record::is_live_active` (`exp > now`): a refresh token is dead from its `exp` on, even while
/// the access token issued with it (and so its record) lives on; revoking its family then counts
/// no live session.
#[test]
fn a_refresh_token_at_its_expiry_is_not_a_live_session() {
    let (_dir, mut store) = temp_store();
    store
        .insert(&[new_token("j1", "F1", NOW + 100, NOW + 200)], NOW)
        .expect("insert");
    assert_eq!(store.sessions(None, NOW + 99).expect("sessions").len(), 1);
    assert_eq!(store.sessions(None, NOW + 100).expect("sessions"), vec![]);
    let revoked = store
        .revoke(&RevokeSelector::Family("F1".into()), NOW + 100)
        .expect("revoke");
    assert_eq!(
        revoked, 0,
        "a family whose refresh token expired is not live"
    );
}

/// `Record::is_revoked` in `revoke_families`: revoking a family again keeps the time its records
/// were first revoked, and (nothing having changed) leaves the file alone.
#[cfg(unix)]
#[test]
fn revoking_again_keeps_the_first_revocation_time() {
    let (_dir, mut store) = temp_store();
    store
        .insert(&[new_token("j1", "F1", NOW + 3600, NOW + 900)], NOW)
        .expect("insert");
    let family = RevokeSelector::Family("F1".into());
    assert_eq!(store.revoke(&family, NOW + 10).expect("revoke"), 1);
    let before = inode(store.path());
    assert_eq!(store.revoke(&family, NOW + 20).expect("revoke"), 0);
    assert_eq!(
        store
            .revoke(&RevokeSelector::All, NOW + 30)
            .expect("revoke"),
        0
    );
    let json = store_json(&store);
    assert_eq!(
        json["tokens"]["j1"]["st"]["revoked"]["at"],
        NOW + 10,
        "{json}"
    );
    assert_eq!(inode(store.path()), before, "the store was rewritten");
}

/// `Data::prune`: a prune that drops only a revoked family, or only a user cut-off, rewrites the
/// file without it; a prune that drops nothing leaves the file alone.
#[cfg(unix)]
#[test]
fn prune_rewrites_the_store_exactly_when_something_was_dropped() {
    let (_dir, mut store) = temp_store();
    let text = format!(
        "{{\"version\":1,\"tokens\":{{}},\n\"revoked_families\":{{\"F9\":{}}},\n\"cutoffs\":{{\"bob\":{{\"at\":{},\"until\":{}}}}}}}\n",
        NOW + 50,
        NOW,
        NOW + 100
    );
    std::fs::write(store.path(), text).expect("write the store");
    let before = inode(store.path());
    assert_eq!(store.prune(NOW + 49).expect("prune"), 0);
    assert_eq!(inode(store.path()), before, "nothing was dropped");

    assert_eq!(store.prune(NOW + 50).expect("prune"), 0);
    let json = store_json(&store);
    assert_eq!(json["revoked_families"], json!({}), "{json}");
    assert_eq!(json["cutoffs"]["bob"]["until"], NOW + 100, "{json}");

    assert_eq!(store.prune(NOW + 100).expect("prune"), 0);
    let json = store_json(&store);
    assert_eq!(json["cutoffs"], json!({}), "{json}");
}

/// `Data::sessions`: the last rotation of a session is also read from its rotated records, for a
/// version 1 file whose successor record has no `rot` (the field is optional).
#[test]
fn last_rotation_is_read_from_a_rotated_record() {
    let (_dir, mut store) = temp_store();
    let record = |state: String| {
        format!(
            "{{\"sub\":\"alice\",\"fam\":\"F1\",\"iat\":{NOW},\"exp\":{},\"aexp\":{},\"st\":{state}}}",
            NOW + 3600,
            NOW + 900
        )
    };
    let text = format!(
        "{{\"version\":1,\"tokens\":{{\n\"j1\":{},\n\"j2\":{}\n}}}}\n",
        record(format!(
            "{{\"rotated\":{{\"at\":{},\"next\":\"j2\"}}}}",
            NOW + 10
        )),
        record("\"active\"".to_owned()),
    );
    std::fs::write(store.path(), text).expect("write the store");
    let sessions = store.sessions(None, NOW + 20).expect("sessions");
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0].last_rotated_at, Some(NOW + 10));
}

/// `Data::sessions`: should a family have two active tokens (a hand-edited file), the session
/// shows the newer one, wherever it is in the file.
#[test]
fn of_two_active_tokens_of_a_family_the_newer_is_shown() {
    for order in [["old", "new"], ["new", "old"]] {
        let (_dir, mut store) = temp_store();
        let record = |label: &str| {
            let iat = if label == "new" { NOW + 5 } else { NOW };
            format!(
                "\"{label}\":{{\"sub\":\"alice\",\"fam\":\"F1\",\"iat\":{iat},\"exp\":{},\"aexp\":{},\"label\":\"{label}\",\"st\":\"active\"}}",
                iat + 3600,
                iat + 900
            )
        };
        let text = format!(
            "{{\"version\":1,\"tokens\":{{\n{},\n{}\n}}}}\n",
            record(order[0]),
            record(order[1])
        );
        std::fs::write(store.path(), text).expect("write the store");
        let sessions = store.sessions(None, NOW + 20).expect("sessions");
        assert_eq!(sessions.len(), 1, "{sessions:?}");
        assert_eq!(sessions[0].label.as_deref(), Some("new"), "{order:?}");
        assert_eq!(sessions[0].expires_at, NOW + 5 + 3600);
    }
}

/// `FileStore::load`: only a missing file is an empty store; a store that cannot be read (here a
/// symbolic link to itself) is an error, and is not replaced by a write.
#[cfg(unix)]
#[test]
fn an_unreadable_store_is_an_error_not_an_empty_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sessions.json");
    std::os::unix::fs::symlink(&path, &path).expect("symlink");
    let mut store = FileStore::new(path.clone());
    match store.sessions(None, NOW) {
        Err(StoreError::Io { action, .. }) => assert_eq!(action, "read"),
        other => panic!("expected a read error, got {other:?}"),
    }
    match store.insert(&[new_token("j1", "F1", NOW + 3600, NOW + 900)], NOW) {
        Err(StoreError::Io { action, .. }) => assert_eq!(action, "read"),
        other => panic!("expected a read error, got {other:?}"),
    }
    let link = std::fs::symlink_metadata(&path).expect("the link is still there");
    assert!(link.file_type().is_symlink());
}
