//! The JSON-file store: the shared conformance suite, then what only a file can get wrong.

#[path = "support/conformance.rs"]
#[macro_use]
mod conformance;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::thread;

use conformance::{T0, tok};
use jwtctl::store::{
    AccessOutcome, FileStore, LookupOutcome, NewToken, RevokeSelector, RotateOutcome,
    SessionSummary, Store, StoreError,
};
use tempfile::TempDir;

fn fresh_store() -> Box<dyn Store> {
    let dir = TempDir::new().expect("tempdir");
    let inner = FileStore::new(dir.path().join("sessions.json"));
    // The directory goes when the store is dropped.
    Box::new(conformance::Guarded { inner, guard: dir })
}

store_conformance_suite!(fresh_store());

/// A lock wait no test reaches.
const UNBOUNDED: std::time::Duration = std::time::Duration::from_secs(3600);

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

fn store_in(dir: &TempDir) -> (FileStore, PathBuf) {
    let path = dir.path().join("sessions.json");
    (FileStore::new(path.clone()), path)
}

/// Calls every `Store` method once and returns the errors, for stores that must refuse them all.
fn every_call(store: &mut FileStore) -> Vec<(&'static str, StoreError)> {
    let now = T0 + 5;
    let successor = tok("new", "alice", "F1", now);
    let results = [
        (
            "insert",
            store.insert(&[tok("x1", "xavier", "X1", now)], now).err(),
        ),
        (
            "rotate",
            store.rotate("a1", "alice", "F1", &successor, now).err(),
        ),
        ("lookup", store.lookup("a1", "alice", "F1", now).err()),
        (
            "revoke user",
            store
                .revoke(&RevokeSelector::User("alice".into()), now)
                .err(),
        ),
        (
            "revoke family",
            store
                .revoke(&RevokeSelector::Family("F1".into()), now)
                .err(),
        ),
        ("revoke all", store.revoke(&RevokeSelector::All, now).err()),
        (
            "check_access",
            store.check_access(Some("alice"), Some("F1"), T0, now).err(),
        ),
        ("sessions", store.sessions(None, now).err()),
        ("prune", store.prune(now).err()),
    ];
    results
        .into_iter()
        .map(|(call, error)| match error {
            Some(error) => (call, error),
            None => panic!("{call} succeeded on a store it must refuse"),
        })
        .collect()
}

#[test]
fn missing_file_is_an_empty_store_and_reads_create_nothing() {
    let dir = TempDir::new().expect("tempdir");
    let parent = dir.path().join("not-yet");
    let mut store = FileStore::new(parent.join("sessions.json"));
    assert_eq!(store.sessions(None, T0).expect("sessions"), vec![]);
    assert_eq!(
        store.lookup("a1", "alice", "F1", T0).expect("lookup"),
        LookupOutcome::Unknown
    );
    assert_eq!(
        store
            .check_access(Some("alice"), Some("F1"), T0, T0)
            .expect("check"),
        AccessOutcome::Allowed
    );
    assert!(!parent.exists(), "a read created the store directory");
    // A mutation that changes nothing creates the directory (to lock) but no store file.
    assert_eq!(
        store
            .rotate("a1", "alice", "F1", &tok("a2", "alice", "F1", T0), T0)
            .expect("rotate"),
        RotateOutcome::Unknown
    );
    assert!(!parent.join("sessions.json").exists());
}

#[test]
fn first_write_creates_directories_0700_and_files_0600() {
    let dir = TempDir::new().expect("tempdir");
    let outer = dir.path().join("data");
    let inner = outer.join("jwtctl");
    let path = inner.join("sessions.json");
    let mut store = FileStore::new(path.clone());
    store
        .insert(&[tok("a1", "alice", "F1", T0)], T0)
        .expect("insert");
    assert_eq!(mode(&outer), 0o700, "outer directory");
    assert_eq!(mode(&inner), 0o700, "store directory");
    assert_eq!(mode(&path), 0o600, "store file");
    assert_eq!(mode(&store.lock_path()), 0o600, "lock file");
}

#[test]
fn rewrite_restores_mode_0600() {
    let dir = TempDir::new().expect("tempdir");
    let (mut store, path) = store_in(&dir);
    store
        .insert(&[tok("a1", "alice", "F1", T0)], T0)
        .expect("insert");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
    store.revoke(&RevokeSelector::All, T0 + 1).expect("revoke");
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn existing_directory_mode_is_left_alone() {
    let dir = TempDir::new().expect("tempdir");
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o750)).expect("chmod");
    let (mut store, _) = store_in(&dir);
    store
        .insert(&[tok("a1", "alice", "F1", T0)], T0)
        .expect("insert");
    assert_eq!(mode(dir.path()), 0o750);
}

#[test]
fn file_format_is_versioned_json_keyed_by_jti() {
    let dir = TempDir::new().expect("tempdir");
    let (mut store, path) = store_in(&dir);
    let mut first = tok("a1", "alice", "F1", T0);
    first.label = Some("laptop".into());
    store
        .insert(&[first, tok("b1", "bob", "F2", T0)], T0)
        .expect("insert");
    let successor = tok("a2", "alice", "F1", T0 + 10);
    store
        .rotate("a1", "alice", "F1", &successor, T0 + 10)
        .expect("rotate");
    store
        .revoke(&RevokeSelector::User("bob".into()), T0 + 20)
        .expect("revoke");

    let text = fs::read_to_string(&path).expect("read");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(doc["version"], 2);
    let tokens = doc["tokens"].as_object().expect("tokens object");
    let mut jtis: Vec<&str> = tokens.keys().map(String::as_str).collect();
    jtis.sort_unstable();
    assert_eq!(jtis, ["a1", "a2", "b1"]);
    assert_eq!(
        tokens["a1"],
        serde_json::json!({
            "sub": "alice", "fam": "F1", "iat": T0, "exp": T0 + conformance::REFRESH_TTL,
            "aexp": T0 + conformance::ACCESS_TTL, "label": "laptop",
            "st": {"rotated": {"at": T0 + 10, "next": "a2"}},
        })
    );
    assert_eq!(tokens["a2"]["st"], "active");
    assert_eq!(tokens["a2"]["start"], T0);
    assert_eq!(tokens["a2"]["rot"], T0 + 10);
    assert_eq!(
        tokens["b1"]["st"],
        serde_json::json!({"revoked": {"at": T0 + 20}})
    );
    assert_eq!(
        doc["revoked_families"]["F2"],
        serde_json::json!({"until": T0 + conformance::REFRESH_TTL, "at": T0 + 20, "why": "user"})
    );
    assert_eq!(doc["cutoffs"]["bob"]["at"], T0 + 20);
    // One record per line, so a corrupt-store error points at a record.
    assert!(
        text.lines().any(|line| line.starts_with("\"a2\":{")),
        "{text}"
    );
}

#[test]
fn reads_a_hand_written_version_1_file() {
    let dir = TempDir::new().expect("tempdir");
    let (mut store, path) = store_in(&dir);
    let text = r#"{"version":1,
"tokens":{
"r1":{"sub":"alice","fam":"F1","iat":4102444800,"exp":4105036800,"aexp":4102445700,"label":"laptop","st":{"rotated":{"at":4102444900,"next":"r2"}}},
"r2":{"sub":"alice","fam":"F1","iat":4102444900,"exp":4105036900,"aexp":4102445800,"label":"laptop","start":4102444800,"rot":4102444900,"st":"active"},
"x1":{"sub":"bob","fam":"F2","iat":4102444800,"exp":4105036800,"aexp":4102445700,"st":{"revoked":{"at":4102444950}}}
},
"revoked_families":{
"F2":4105036800
},
"cutoffs":{
"carol":{"at":4102444950,"until":4102531350}
}}
"#;
    fs::write(&path, text).expect("write");
    let now = T0 + 1000;
    assert_eq!(
        store.lookup("r1", "alice", "F1", now).expect("lookup"),
        LookupOutcome::Rotated
    );
    assert_eq!(
        store.lookup("r2", "alice", "F1", now).expect("lookup"),
        LookupOutcome::Active
    );
    assert_eq!(
        store.lookup("x1", "bob", "F2", now).expect("lookup"),
        LookupOutcome::Revoked
    );
    assert_eq!(
        store.sessions(None, now).expect("sessions"),
        vec![SessionSummary {
            sub: "alice".into(),
            family: "F1".into(),
            label: Some("laptop".into()),
            started_at: T0,
            expires_at: 4_105_036_900,
            last_rotated_at: Some(T0 + 100),
        }]
    );
    assert_eq!(
        store
            .check_access(None, Some("F2"), T0, now)
            .expect("check"),
        AccessOutcome::FamilyRevoked {
            family: "F2".into()
        }
    );
    assert_eq!(
        store
            .check_access(Some("carol"), None, T0, now)
            .expect("check"),
        AccessOutcome::UserCutOff {
            sub: "carol".into(),
            at: T0 + 150
        }
    );
    // Reads leave the file byte for byte as it was.
    assert_eq!(fs::read_to_string(&path).expect("read"), text);
}

#[test]
fn store_file_holds_no_token_signature_or_secret() {
    let dir = TempDir::new().expect("tempdir");
    let (mut store, path) = store_in(&dir);
    let tokens: Vec<NewToken> = (0..20)
        .map(|i| {
            tok(
                &format!("jti-{i:04}"),
                &format!("user{}", i % 3),
                &format!("sid-{i}"),
                T0,
            )
        })
        .collect();
    store.insert(&tokens, T0).expect("insert");
    let successor = tok("jti-next", "user0", "sid-0", T0 + 1);
    store
        .rotate("jti-0000", "user0", "sid-0", &successor, T0 + 1)
        .expect("rotate");
    store
        .rotate("jti-0000", "user0", "sid-0", &successor, T0 + 2)
        .expect("reuse");
    store
        .revoke(&RevokeSelector::User("user1".into()), T0 + 3)
        .expect("revoke");
    let bytes = fs::read(&path).expect("read");
    let text = String::from_utf8(bytes).expect("UTF-8");
    // Every JWT starts with a base64url JSON header, `eyJ`.
    assert!(!text.contains("eyJ"), "{text}");
}

/// Corrupt stores: the text, and the line and column the error must point at.
const CORRUPT: &[(&str, &str, usize, usize)] = &[
    ("empty file", "", 1, 0),
    (
        "truncated",
        "{\"version\":1,\n\"tokens\":{\n\"a1\":{\"sub\":\"alice\",\"fa",
        3,
        23,
    ),
    ("garbage", "\u{0}\u{1}binary", 1, 1),
    (
        "bad record",
        "{\"version\":1,\n\"tokens\":{\n\"a1\":{\"sub\":\"alice\",oops}\n}}",
        3,
        21,
    ),
    (
        "unknown state",
        "{\"version\":1,\"tokens\":{\"a1\":{\"sub\":\"a\",\"fam\":\"F\",\"iat\":1,\"exp\":2,\"aexp\":3,\"st\":\"zombie\"}}}",
        1,
        87,
    ),
    (
        "unknown field",
        "{\"version\":1,\"tokens\":{},\"sessions\":[]}",
        1,
        35,
    ),
    (
        "tokens not an object",
        "{\"version\":1,\"tokens\":[]}",
        1,
        22,
    ),
    ("no version", "{\"tokens\":{}}", 1, 13),
    ("version as a string", "{\"version\":\"1\"}", 1, 14),
    ("null", "null", 1, 4),
    ("trailing data", "{\"version\":1}\n{\"version\":1}", 2, 1),
];

#[test]
fn corrupt_store_is_refused_and_left_unchanged() {
    for &(case, text, line, column) in CORRUPT {
        let dir = TempDir::new().expect("tempdir");
        let (mut store, path) = store_in(&dir);
        fs::write(&path, text).expect("write");
        for (call, error) in every_call(&mut store) {
            let message = error.to_string();
            match error {
                StoreError::Corrupt {
                    path: error_path,
                    line: l,
                    column: c,
                    ..
                } => {
                    assert_eq!(error_path, path, "{case}: {call}");
                    assert_eq!((l, c), (line, column), "{case}: {call}: {message}");
                }
                other => panic!("{case}: {call}: expected Corrupt, got {other:?}"),
            }
            assert!(
                message.contains(&path.display().to_string()),
                "{case}: {message}"
            );
            assert!(message.contains("left unchanged"), "{case}: {message}");
        }
        assert_eq!(
            fs::read(&path).expect("read"),
            text.as_bytes(),
            "{case}: file changed"
        );
    }
}

#[test]
fn corrupt_message_names_what_was_expected() {
    let dir = TempDir::new().expect("tempdir");
    let (mut store, _) = store_in(&dir);
    fs::write(store.path(), "null").expect("write");
    let message = store.sessions(None, T0).expect_err("corrupt").to_string();
    assert!(
        message.contains("expected a jwtctl session store object"),
        "{message}"
    );
}

#[test]
fn corrupt_message_points_at_the_damage() {
    let dir = TempDir::new().expect("tempdir");
    let (mut store, path) = store_in(&dir);
    fs::write(
        &path,
        "{\"version\":1,\n\"tokens\":{\n\"a1\":{\"sub\":\"alice\",oops}\n}}",
    )
    .expect("write");
    let message = store.sessions(None, T0).expect_err("corrupt").to_string();
    assert_eq!(
        message,
        format!(
            "store {} is corrupt at line 3, column 21: key must be a string; it was left unchanged",
            path.display()
        )
    );
}

#[test]
fn unknown_version_is_refused_and_left_unchanged() {
    let cases: &[(&str, u64)] = &[
        ("{\"version\":3,\"sessions\":[{\"jti\":\"a1\"}]}", 3),
        ("{\"format\":\"x\",\"version\":99}", 99),
        ("{\"version\":0,\"tokens\":{}}", 0),
        // A later version whose layout happens to fit this one is still refused.
        ("{\"version\":3,\"tokens\":{}}", 3),
    ];
    for &(text, version) in cases {
        let dir = TempDir::new().expect("tempdir");
        let (mut store, path) = store_in(&dir);
        fs::write(&path, text).expect("write");
        for (call, error) in every_call(&mut store) {
            let message = error.to_string();
            match error {
                StoreError::UnknownVersion {
                    path: error_path,
                    found,
                    supported,
                } => {
                    assert_eq!(error_path, path);
                    assert_eq!((found, supported), (version, 2), "{text}: {call}");
                }
                other => panic!("{text}: {call}: expected UnknownVersion, got {other:?}"),
            }
            assert!(message.contains(&path.display().to_string()), "{message}");
        }
        assert_eq!(
            fs::read_to_string(&path).expect("read"),
            text,
            "file changed"
        );
    }
}

#[test]
fn store_path_that_is_a_directory_is_an_io_error() {
    let dir = TempDir::new().expect("tempdir");
    let path = dir.path().join("sessions.json");
    fs::create_dir(&path).expect("mkdir");
    let mut store = FileStore::new(path.clone());
    for (call, error) in every_call(&mut store) {
        let message = error.to_string();
        assert!(
            matches!(&error, StoreError::Io { path: p, .. } if *p == path),
            "{call}: {error:?}"
        );
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("is a directory"), "{message}");
        assert!(message.contains("sessions.json/sessions.json"), "{message}");
    }
    assert!(
        !store.lock_path().exists(),
        "a lock file was created next to a directory"
    );
}

/// Makes a directory refuse new entries for as long as it lives: by mode 0500, or, for root (whom
/// modes do not stop), by the immutable attribute. `None` when neither works here.
struct UnwritableDir<'a> {
    dir: &'a Path,
    immutable: bool,
}

impl<'a> UnwritableDir<'a> {
    fn new(dir: &'a Path) -> Option<Self> {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o500)).expect("chmod");
        let guard = UnwritableDir {
            dir,
            immutable: false,
        };
        if fs::write(dir.join("probe"), b"").is_err() {
            return Some(guard);
        }
        let _ = fs::remove_file(dir.join("probe"));
        let chattr = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status();
        let guard = UnwritableDir {
            immutable: chattr.is_ok_and(|status| status.success()),
            ..guard
        };
        (guard.immutable && fs::write(dir.join("probe"), b"").is_err()).then_some(guard)
    }
}

impl Drop for UnwritableDir<'_> {
    fn drop(&mut self) {
        if self.immutable {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(self.dir)
                .status();
        }
        let _ = fs::set_permissions(self.dir, fs::Permissions::from_mode(0o700));
    }
}

#[test]
fn failed_write_leaves_the_old_store() {
    let dir = TempDir::new().expect("tempdir");
    let (mut store, path) = store_in(&dir);
    store
        .insert(&[tok("a1", "alice", "F1", T0)], T0)
        .expect("insert");
    let before = fs::read(&path).expect("read");
    let successor = tok("a2", "alice", "F1", T0 + 1);
    {
        let Some(_unwritable) = UnwritableDir::new(dir.path()) else {
            eprintln!("skipped: cannot make a directory unwritable here");
            return;
        };
        let error = store.rotate("a1", "alice", "F1", &successor, T0 + 1);
        let message = match error {
            Err(error @ StoreError::Io { .. }) => error.to_string(),
            other => panic!("expected an I/O error, got {other:?}"),
        };
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert_eq!(fs::read(&path).expect("read"), before);
        // Reads still work.
        assert_eq!(
            store.lookup("a1", "alice", "F1", T0 + 1).expect("lookup"),
            LookupOutcome::Active
        );
    }
    // The old token still works once the directory is writable again.
    assert_eq!(
        store
            .rotate("a1", "alice", "F1", &successor, T0 + 2)
            .expect("rotate"),
        RotateOutcome::Rotated
    );
}

#[test]
fn no_temporary_files_are_left_behind() {
    let dir = TempDir::new().expect("tempdir");
    let (mut store, _) = store_in(&dir);
    store
        .insert(&[tok("a1", "alice", "F1", T0)], T0)
        .expect("insert");
    for i in 1..20 {
        let successor = tok(&format!("a{}", i + 1), "alice", "F1", T0 + i);
        store
            .rotate(&format!("a{i}"), "alice", "F1", &successor, T0 + i)
            .expect("rotate");
    }
    store.prune(T0 + 100).expect("prune");
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .expect("read_dir")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(names, ["sessions.json", "sessions.json.lock"]);
}

#[test]
fn stray_temporary_file_of_a_killed_writer_is_ignored() {
    let dir = TempDir::new().expect("tempdir");
    let (mut store, _) = store_in(&dir);
    store
        .insert(&[tok("a1", "alice", "F1", T0)], T0)
        .expect("insert");
    // What a writer killed before its rename leaves: a half-written temporary file.
    fs::write(
        dir.path().join(".sessions.json.Ab12Cd.tmp"),
        "{\"version\":1,\"tok",
    )
    .expect("write");
    assert_eq!(
        store.lookup("a1", "alice", "F1", T0).expect("lookup"),
        LookupOutcome::Active
    );
    let successor = tok("a2", "alice", "F1", T0 + 1);
    assert_eq!(
        store
            .rotate("a1", "alice", "F1", &successor, T0 + 1)
            .expect("rotate"),
        RotateOutcome::Rotated
    );
}

#[test]
fn concurrent_rotation_of_one_token_has_exactly_one_winner() {
    const THREADS: usize = 8;
    let dir = TempDir::new().expect("tempdir");
    let (mut store, path) = store_in(&dir);
    store
        .insert(&[tok("t1", "alice", "F1", T0)], T0)
        .expect("insert");
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            let (path, barrier) = (path.clone(), Arc::clone(&barrier));
            thread::spawn(move || {
                // What is tested is that no update is lost, not how fast eight writers are on a
                // busy machine: wait for the lock as long as it takes.
                let mut store = FileStore::with_lock_timeout(path, UNBOUNDED);
                let successor = tok(&format!("t2-{i}"), "alice", "F1", T0 + 1);
                barrier.wait();
                let outcome = store.rotate("t1", "alice", "F1", &successor, T0 + 1);
                (successor.jti, outcome.expect("rotate"))
            })
        })
        .collect();
    let outcomes: Vec<(String, RotateOutcome)> = handles
        .into_iter()
        .map(|handle| handle.join().expect("thread"))
        .collect();
    let count = |wanted: &RotateOutcome| outcomes.iter().filter(|(_, o)| o == wanted).count();
    assert_eq!(count(&RotateOutcome::Rotated), 1, "{outcomes:?}");
    let reuse = RotateOutcome::ReuseDetected {
        family: "F1".into(),
    };
    assert_eq!(count(&reuse), 1, "{outcomes:?}");
    assert_eq!(count(&RotateOutcome::Revoked), THREADS - 2, "{outcomes:?}");
    // The winner's new token died with the family.
    let (winner, _) = outcomes
        .iter()
        .find(|(_, outcome)| *outcome == RotateOutcome::Rotated)
        .expect("a winner");
    assert_eq!(
        store.lookup(winner, "alice", "F1", T0 + 2).expect("lookup"),
        LookupOutcome::Revoked
    );
}

#[test]
fn concurrent_rotations_of_separate_sessions_lose_nothing() {
    const THREADS: usize = 8;
    const ROTATIONS: i64 = 100;
    let dir = TempDir::new().expect("tempdir");
    let (mut store, path) = store_in(&dir);
    let first: Vec<NewToken> = (0..THREADS)
        .map(|t| {
            tok(
                &format!("s{t}-0"),
                &format!("user{t}"),
                &format!("F{t}"),
                T0,
            )
        })
        .collect();
    store.insert(&first, T0).expect("insert");
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (path, barrier) = (path.clone(), Arc::clone(&barrier));
            thread::spawn(move || {
                // What is tested is that no update is lost, not how fast eight writers are on a
                // busy machine: wait for the lock as long as it takes.
                let mut store = FileStore::with_lock_timeout(path, UNBOUNDED);
                let (sub, family) = (format!("user{t}"), format!("F{t}"));
                barrier.wait();
                for i in 0..ROTATIONS {
                    let successor = tok(&format!("s{t}-{}", i + 1), &sub, &family, T0 + i + 1);
                    let outcome = store
                        .rotate(&format!("s{t}-{i}"), &sub, &family, &successor, T0 + i + 1)
                        .expect("rotate");
                    assert_eq!(outcome, RotateOutcome::Rotated, "thread {t} step {i}");
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("thread");
    }
    let doc: serde_json::Value =
        serde_json::from_slice(&fs::read(&path).expect("read")).expect("store parses");
    let records = doc["tokens"].as_object().expect("tokens").len();
    assert_eq!(records, THREADS * (ROTATIONS as usize + 1));
    let now = T0 + ROTATIONS + 1;
    for t in 0..THREADS {
        let (sub, family) = (format!("user{t}"), format!("F{t}"));
        let latest = format!("s{t}-{ROTATIONS}");
        assert_eq!(
            store.lookup(&latest, &sub, &family, now).expect("lookup"),
            LookupOutcome::Active
        );
        for i in 0..ROTATIONS {
            let old = format!("s{t}-{i}");
            assert_eq!(
                store.lookup(&old, &sub, &family, now).expect("lookup"),
                LookupOutcome::Rotated
            );
        }
    }
    let sessions = store.sessions(None, now).expect("sessions");
    assert_eq!(sessions.len(), THREADS);
    assert!(
        sessions
            .iter()
            .all(|s| s.last_rotated_at == Some(T0 + ROTATIONS))
    );
}

/// A store reached through a symbolic link (absolute, relative, or to a file not written yet) is
/// written where the link points, the link stays a link, and the lock file is the target's, so
/// that two links to one store lock the same file.
#[test]
fn a_symbolic_link_to_the_store_is_followed_and_kept() {
    let dir = TempDir::new().expect("tempdir");
    let shared = dir.path().join("shared");
    fs::create_dir(&shared).expect("mkdir");
    let target = shared.join("sessions.json");
    let absolute = dir.path().join("absolute.json");
    let relative = dir.path().join("relative.json");
    std::os::unix::fs::symlink(&target, &absolute).expect("symlink");
    std::os::unix::fs::symlink("shared/sessions.json", &relative).expect("symlink");

    // The target does not exist yet: the first write creates it, not a file at the link.
    FileStore::new(absolute.clone())
        .insert(&[tok("j1", "alice", "F1", T0)], T0)
        .expect("insert through a dangling link");
    FileStore::new(relative.clone())
        .insert(&[tok("j2", "bob", "F2", T0)], T0)
        .expect("insert through a relative link");

    for link in [&absolute, &relative] {
        let meta = fs::symlink_metadata(link).expect("the link");
        assert!(
            meta.file_type().is_symlink(),
            "{} was replaced",
            link.display()
        );
        let mut store = FileStore::new(link.clone());
        let families: Vec<String> = store
            .sessions(None, T0)
            .expect("sessions")
            .into_iter()
            .map(|session| session.family)
            .collect();
        assert_eq!(families.len(), 2, "{}", link.display());
    }
    assert_eq!(mode(&target), 0o600);
    assert!(shared.join("sessions.json.lock").exists());
    assert!(!dir.path().join("absolute.json.lock").exists());
    assert!(!dir.path().join("relative.json.lock").exists());
}

/// Another user's link in a sticky, world-writable directory (`/tmp`) is not followed, as the
/// kernel's `fs.protected_symlinks` would not follow it: it must not choose where the store, its
/// directories and its lock file are created. The caller's own link there is followed.
#[test]
fn a_strangers_link_in_a_shared_sticky_directory_is_not_followed() {
    let dir = TempDir::new().expect("tempdir");
    let shared = dir.path().join("tmp");
    fs::create_dir(&shared).expect("mkdir");
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).expect("chmod");
    let victim = dir.path().join("victim").join("planted.json");
    let link = shared.join("sessions.json");
    std::os::unix::fs::symlink(&victim, &link).expect("symlink");
    if let Err(error) = std::os::unix::fs::lchown(&link, Some(54_321), None) {
        // Only root can give a file away; CI runs as root.
        assert!(
            std::env::var_os("CI").is_none(),
            "cannot chown the link: {error}"
        );
        return;
    }
    let result = FileStore::new(link.clone()).insert(&[tok("j1", "alice", "F1", T0)], T0);
    assert!(
        !victim.exists() && !victim.parent().expect("a parent").exists(),
        "followed a stranger's link: {result:?}"
    );
    assert!(!dir.path().join("victim").join("planted.json.lock").exists());

    // Our own link in the same directory is followed.
    let own = shared.join("own.json");
    let target = dir.path().join("mine").join("sessions.json");
    std::os::unix::fs::symlink(&target, &own).expect("symlink");
    FileStore::new(own.clone())
        .insert(&[tok("j2", "bob", "F2", T0)], T0)
        .expect("insert through our own link");
    assert!(target.exists());
    assert!(
        fs::symlink_metadata(&own)
            .expect("link")
            .file_type()
            .is_symlink()
    );
}

/// The file store keys every record by `jti` alone, so it also refuses what the shared suite
/// leaves to each backend: a `jti` recorded for another subject, and a revoked family is refused
/// whatever subject the access token names.
#[test]
fn jtis_and_families_are_checked_across_subjects() {
    let mut store = fresh_store();
    let store = store.as_mut();
    store
        .insert(
            &[tok("a1", "alice", "F1", T0), tok("b1", "bob", "F2", T0)],
            T0,
        )
        .expect("insert");
    let result = store.insert(
        &[
            tok("x1", "xavier", "X1", T0),
            tok("a1", "mallory", "M1", T0),
        ],
        T0,
    );
    assert!(result.is_err(), "duplicate jti accepted: {result:?}");
    assert_eq!(
        store.lookup("x1", "xavier", "X1", T0).expect("lookup"),
        LookupOutcome::Unknown
    );
    let result = store.rotate(
        "a1",
        "alice",
        "F1",
        &tok("b1", "alice", "F1", T0 + 60),
        T0 + 60,
    );
    assert!(
        result.is_err(),
        "another subject's jti accepted: {result:?}"
    );
    assert_eq!(
        store.lookup("a1", "alice", "F1", T0 + 60).expect("lookup"),
        LookupOutcome::Active
    );
    assert_eq!(
        store
            .revoke(&RevokeSelector::Family("F1".into()), T0 + 100)
            .expect("revoke"),
        1
    );
    for sub in [None, Some("mallory")] {
        assert_eq!(
            store
                .check_access(sub, Some("F1"), T0 + 200, T0 + 200)
                .expect("check"),
            AccessOutcome::FamilyRevoked {
                family: "F1".into()
            }
        );
    }
}

/// Waiting for another process's lock is bounded by `--store-timeout`: then the call fails
/// (exit 4) naming the lock file, and the store is left as it was.
#[test]
fn a_held_lock_is_waited_for_only_up_to_the_timeout() {
    let dir = TempDir::new().expect("tempdir");
    let path = dir.path().join("sessions.json");
    let mut store =
        FileStore::with_lock_timeout(path.clone(), std::time::Duration::from_millis(200));
    store
        .insert(&[tok("a1", "alice", "F1", T0)], T0)
        .expect("insert");
    let before = fs::read(&path).expect("read");
    let holder = fs::File::open(store.lock_path()).expect("open the lock file");
    holder.lock().expect("lock");
    let lock_path = store.lock_path().display().to_string();
    let insert = store.insert(&[tok("b1", "bob", "F2", T0)], T0);
    // Readers take no lock (the store is replaced by rename): a change is what waits.
    assert_eq!(store.sessions(None, T0).expect("sessions").len(), 1);
    for result in [insert.map(|_| ())] {
        match result {
            Err(StoreError::Io { source, .. }) => {
                let message = source.to_string();
                assert!(message.contains(&lock_path), "{message}");
                assert!(message.contains("--store-timeout"), "{message}");
            }
            other => panic!("expected a lock timeout, got {other:?}"),
        }
    }
    assert_eq!(fs::read(&path).expect("read"), before);

    let binary = assert_cmd::cargo::cargo_bin!("jwtctl");
    let output = std::process::Command::new(binary)
        .args(["revoke", "--all", "--store-timeout", "300ms", "--store"])
        .arg(&path)
        .env_remove("JWTCTL_STORE")
        .output()
        .expect("run jwtctl");
    assert_eq!(output.status.code(), Some(4));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&lock_path), "{stderr}");

    holder.unlock().expect("unlock");
    assert_eq!(store.sessions(None, T0).expect("sessions").len(), 1);
}

/// A version 1 file (its revoked families hold only their keep-until time) is read, its
/// revocations listed with an unknown time and reason, and written back as version 2.
#[test]
fn a_version_1_store_is_read_and_written_back_as_version_2() {
    use jwtctl::store::RevokeReason;
    let dir = TempDir::new().expect("tempdir");
    let (mut store, path) = store_in(&dir);
    let until = T0 + conformance::REFRESH_TTL;
    let text = format!(
        "{{\"version\":1,\n\"tokens\":{{\n\"b1\":{{\"sub\":\"bob\",\"fam\":\"F2\",\"iat\":{T0},\"exp\":{until},\"aexp\":{},\"st\":{{\"revoked\":{{\"at\":{}}}}}}}\n}},\n\"revoked_families\":{{\"F2\":{until}}},\n\"cutoffs\":{{}}}}\n",
        T0 + 900,
        T0 + 5
    );
    fs::write(&path, &text).expect("write");
    let revoked = store.revoked_sessions(None, T0 + 10).expect("revoked");
    assert_eq!(revoked.len(), 1);
    assert_eq!(
        (revoked[0].revoked_at, revoked[0].reason),
        (None, RevokeReason::Unknown)
    );
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        text,
        "a read rewrote it"
    );
    store
        .insert(&[tok("a1", "alice", "F1", T0 + 10)], T0 + 10)
        .expect("insert");
    let doc: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).expect("read")).expect("JSON");
    assert_eq!(doc["version"], 2);
    assert_eq!(
        doc["revoked_families"]["F2"],
        serde_json::json!({"until": until, "why": "unknown"})
    );
    assert_eq!(
        store
            .check_access(Some("bob"), Some("F2"), T0, T0 + 10)
            .expect("check"),
        AccessOutcome::FamilyRevoked {
            family: "F2".into()
        }
    );
}
