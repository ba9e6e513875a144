//! Loading a store file: arbitrary bytes are written to a file and the file store is asked
//! read-only questions about it.
//!
//! Oracles (SECURITY.md 34): no panic; a file that cannot be read as a store is an error, never
//! an empty store; and whatever the outcome, a read-only call leaves the file byte for byte as it
//! was. A store that loads answers every other read-only question without error, and pruning it
//! (which rewrites the file) changes none of the answers.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use jwtctl::store::{FileStore, Store};
use libfuzzer_sys::fuzz_target;

/// A fixed "now" (2027-01-15).
const NOW: i64 = 1_800_000_000;

fn store_path() -> &'static PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        DIR.get_or_init(|| tempfile::tempdir().expect("temporary directory"))
            .path()
            .join("sessions.json")
    })
}

fuzz_target!(|data: &[u8]| {
    let path = store_path();
    std::fs::write(path, data).expect("write the store file");
    let mut store = FileStore::new(path.clone());

    let sessions = store.sessions(None, NOW);
    assert_eq!(
        std::fs::read(path).expect("read the store file"),
        data,
        "sessions() changed the store file"
    );
    let Ok(sessions) = sessions else {
        return;
    };
    for session in &sessions {
        assert!(session.expires_at > NOW, "an expired session is listed");
    }
    let mut answers = Vec::new();
    for session in &sessions {
        let sub = Some(session.sub.as_str());
        let family = Some(session.family.as_str());
        answers.push(
            store
                .check_access(sub, family, NOW, NOW)
                .expect("check_access"),
        );
        answers.push(
            store
                .check_access(sub, None, NOW, NOW)
                .expect("check_access"),
        );
    }
    store
        .sessions(Some("alice"), NOW)
        .expect("a store that loaded once loads again");
    store
        .lookup("jti", "alice", "family", NOW)
        .expect("lookup on a loaded store");
    assert_eq!(
        std::fs::read(path).expect("read the store file"),
        data,
        "a read-only call changed the store file"
    );

    // Pruning rewrites what it read; the result must load, and give the same answers.
    store.prune(NOW).expect("prune a store that loaded");
    assert_eq!(
        store.sessions(None, NOW).expect("sessions after prune"),
        sessions
    );
    let mut again = Vec::new();
    for session in &sessions {
        let sub = Some(session.sub.as_str());
        let family = Some(session.family.as_str());
        again.push(
            store
                .check_access(sub, family, NOW, NOW)
                .expect("check_access"),
        );
        again.push(
            store
                .check_access(sub, None, NOW, NOW)
                .expect("check_access"),
        );
    }
    assert_eq!(again, answers, "pruning changed an answer");
});
