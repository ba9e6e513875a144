//! JWE interop, both ways, with Node's `jose` and Python's `jwcrypto`, for every key-management
//! family jwtctl implements: jwtctl encrypts and they decrypt, they encrypt and jwtctl decrypts.
//!
//! Both are installed at test time into a scratch directory (npm `jose@5`, PyPI `jwcrypto` in a
//! virtual environment); nothing is written to the repository or the user's caches. Without
//! node, npm or python3 the test is skipped loudly; when `CI` is set that is a failure instead.
//! `JWTCTL_SKIP_INTEROP=1` skips on purpose (also refused under CI).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwtctl::jwt::jwe::{self, ContentAlg, DecryptionKey, HeaderExtras, KeyAlg};
use serde_json::{Value, json};

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Returns false after a loud skip; panics instead when CI is set.
fn tools_present() -> bool {
    let reason = if std::env::var_os("JWTCTL_SKIP_INTEROP").is_some() {
        Some("JWTCTL_SKIP_INTEROP is set".to_owned())
    } else {
        let missing: Vec<&str> = ["node", "npm", "python3"]
            .into_iter()
            .filter(|program| !have(program))
            .collect();
        (!missing.is_empty()).then(|| format!("{} not installed", missing.join(", ")))
    };
    let Some(reason) = reason else {
        return true;
    };
    if std::env::var_os("CI").is_some() {
        panic!(
            "JWE interop: {reason}, and CI is set: the interop suite must run in CI (.ci/run installs node, npm and python3)"
        );
    }
    let mut terminal = std::io::stderr().lock();
    let _ = writeln!(
        terminal,
        "************************************************************************\n\
         interop: SKIPPED ({reason})\n\
         interop: JWE interop with Node jose and Python jwcrypto was NOT tested.\n\
         ************************************************************************"
    );
    false
}

fn run(command: &mut Command, what: &str) -> String {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn install(scratch: &Path) {
    std::fs::write(
        scratch.join("package.json"),
        r#"{"name": "jwtctl-jwe-interop", "private": true}"#,
    )
    .unwrap();
    run(
        Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--no-save",
                "--loglevel=error",
                "jose@5",
            ])
            .current_dir(scratch)
            .env("npm_config_cache", scratch.join("npm-cache"))
            .env("npm_config_update_notifier", "false"),
        "npm install jose@5",
    );
    run(
        Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(scratch.join("venv")),
        "python3 -m venv",
    );
    run(
        Command::new(scratch.join("venv/bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "jwcrypto",
            ])
            .env("PIP_CACHE_DIR", scratch.join("pip-cache")),
        "pip install jwcrypto",
    );
}

/// (alg, key name, enc): every key-management algorithm, every curve, every content algorithm.
fn cases() -> Vec<(KeyAlg, &'static str, ContentAlg)> {
    let mut cases = Vec::new();
    let encs = ContentAlg::ALL;
    let mut next = 0usize;
    let mut enc = || {
        next += 1;
        encs[next % encs.len()]
    };
    for alg in [KeyAlg::RsaOaep, KeyAlg::RsaOaep256] {
        cases.push((alg, "rsa", enc()));
        cases.push((alg, "rsa", enc()));
    }
    for (alg, key) in [
        (KeyAlg::A128Kw, "oct16"),
        (KeyAlg::A192Kw, "oct24"),
        (KeyAlg::A256Kw, "oct32"),
        (KeyAlg::A128GcmKw, "oct16"),
        (KeyAlg::A192GcmKw, "oct24"),
        (KeyAlg::A256GcmKw, "oct32"),
    ] {
        cases.push((alg, key, enc()));
        cases.push((alg, key, enc()));
    }
    for (key, enc) in [
        ("oct16", ContentAlg::A128Gcm),
        ("oct24", ContentAlg::A192Gcm),
        ("oct32", ContentAlg::A256Gcm),
        ("oct32", ContentAlg::A128CbcHs256),
        ("oct48", ContentAlg::A192CbcHs384),
        ("oct64", ContentAlg::A256CbcHs512),
    ] {
        cases.push((KeyAlg::Dir, key, enc));
    }
    for (alg, enc) in [
        (KeyAlg::Pbes2Hs256A128Kw, ContentAlg::A128Gcm),
        (KeyAlg::Pbes2Hs384A192Kw, ContentAlg::A192CbcHs384),
        (KeyAlg::Pbes2Hs512A256Kw, ContentAlg::A256Gcm),
    ] {
        cases.push((alg, "password", enc));
    }
    for curve in ["P-256", "P-384", "P-521", "X25519"] {
        for alg in [
            KeyAlg::EcdhEs,
            KeyAlg::EcdhEsA128Kw,
            KeyAlg::EcdhEsA192Kw,
            KeyAlg::EcdhEsA256Kw,
        ] {
            cases.push((alg, curve, enc()));
        }
    }
    cases
}

fn results(path: &Path) -> Vec<Value> {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn jwe_interop_with_node_jose_and_python_jwcrypto() {
    if !tools_present() {
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let scratch = scratch.path();
    install(scratch);

    let node_script = here().join("jwe_node.js");
    let keys_file = scratch.join("keys.json");
    run(
        Command::new("node")
            .arg(&node_script)
            .arg("keys")
            .arg(scratch)
            .arg(&keys_file),
        "jwe_node.js keys",
    );
    let keys: serde_json::Map<String, Value> =
        serde_json::from_slice(&std::fs::read(&keys_file).unwrap()).unwrap();

    let mut written = Vec::new();
    let mut expected = Vec::new();
    for (id, (alg, key_name, enc)) in cases().into_iter().enumerate() {
        let jwk = &keys[key_name];
        // The PBES2 password travels as an oct JWK, the form both libraries take it in.
        let key = if key_name == "password" {
            let password = URL_SAFE_NO_PAD.decode(jwk["k"].as_str().unwrap()).unwrap();
            DecryptionKey::from_password(&password).unwrap()
        } else {
            DecryptionKey::parse(jwk.to_string().as_bytes())
                .unwrap_or_else(|e| panic!("{key_name}: {e}"))
        };
        let plaintext = format!("case {id}: {alg} {enc} to {key_name} \u{2013} ok").into_bytes();
        let extras = HeaderExtras {
            cty: Some("JWT".into()),
            ..HeaderExtras::default()
        };
        let token = jwe::encrypt(&plaintext, &key.recipient().unwrap(), alg, enc, &extras).unwrap();
        written.push(json!({
            "id": id,
            "alg": alg.name(),
            "enc": enc.name(),
            "key": jwk,
            "jwe": token,
            "plaintext": URL_SAFE_NO_PAD.encode(&plaintext),
        }));
        expected.push((alg, key_name, enc, key, plaintext));
    }
    let cases_file = scratch.join("cases.json");
    std::fs::write(&cases_file, serde_json::to_vec(&written).unwrap()).unwrap();

    let node_out = scratch.join("node.json");
    run(
        Command::new("node")
            .arg(&node_script)
            .arg("check")
            .arg(scratch)
            .arg(&cases_file)
            .arg(&node_out),
        "jwe_node.js check",
    );
    let python_out = scratch.join("python.json");
    run(
        Command::new(scratch.join("venv/bin/python"))
            .arg(here().join("jwe_python.py"))
            .arg(&cases_file)
            .arg(&python_out),
        "jwe_python.py",
    );

    let mut failures = Vec::new();
    let mut passed = 0usize;
    for (library, out) in [("node jose", &node_out), ("python jwcrypto", &python_out)] {
        for result in results(out) {
            let id = result["id"].as_u64().unwrap() as usize;
            let (alg, key_name, enc, key, plaintext) = &expected[id];
            let label = format!("{library}: {alg} {enc} ({key_name})");
            match result.get("decrypted").and_then(Value::as_str) {
                Some(text) if URL_SAFE_NO_PAD.decode(text).unwrap() == *plaintext => passed += 1,
                Some(_) => failures.push(format!("{label}: decrypted jwtctl's JWE to other bytes")),
                None => failures.push(format!(
                    "{label}: could not decrypt jwtctl's JWE: {}",
                    result["decrypt_error"]
                )),
            }
            match result.get("jwe").and_then(Value::as_str) {
                Some(token) => match jwe::decrypt(token, key, &[*alg], &[*enc]) {
                    Ok(opened) if opened.plaintext == *plaintext => passed += 1,
                    Ok(_) => {
                        failures.push(format!("{label}: jwtctl opened its JWE to other bytes"))
                    }
                    Err(e) => {
                        failures.push(format!("{label}: jwtctl could not decrypt its JWE: {e}"))
                    }
                },
                None => failures.push(format!(
                    "{label}: did not encrypt: {}",
                    result["encrypt_error"]
                )),
            }
        }
    }
    let mut terminal = std::io::stderr().lock();
    let _ = writeln!(
        terminal,
        "interop: JWE {passed} passed, {} failed ({} cases x 2 directions x 2 libraries)",
        failures.len(),
        expected.len()
    );
    drop(terminal);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(passed, expected.len() * 4);
}
