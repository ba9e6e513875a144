//! Loading a store file: arbitrary bytes are written to a file and the file store is asked
//! read-only questions about it.
//!
//! Oracles (SECURITY.md 34): no panic; a file that cannot be read as a store is an error, never
//! an empty store; and whatever the outcome, a read-only call leaves the file byte for byte as it
//! was. A store that loads answers every other read-only question without error.

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
    store
        .sessions(Some("alice"), NOW)
        .expect("a store that loaded once loads again");
    store
        .lookup("jti", "alice", "family", NOW)
        .expect("lookup on a loaded store");
    store
        .check_access(Some("alice"), Some("family"), NOW, NOW)
        .expect("check_access on a loaded store");
    assert_eq!(
        std::fs::read(path).expect("read the store file"),
        data,
        "a read-only call changed the store file"
    );
});
