//! The JSON-file store: one versioned JSON document, replaced atomically on every change.
//!
//! - [`io`]: which file the path names, the lock, reading and atomic replacement;
//! - [`format`]: the document's layout, parsed and written back;
//! - [`table`]: the records in memory, with the store's rules (`super::model`) applied to them.
//!
//! # Cost
//!
//! At 100,000 sessions the file is about 16 MB. Reading borrows strings from the file's bytes, and
//! writing copies those back unescaped and streams the text out in chunks, which keeps a rotation
//! to about 500 million instructions and a process to under 40 MB; see `benches/store.rs`.

mod format;
mod io;
mod table;

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;
use format::write_json;
pub use io::MAX_STORE_BYTES;
use table::{Contents, Pruned, Refusal};

/// A store kept in one JSON file (`--store path/to/sessions.json`).
///
/// Creating one does no I/O. Each call opens and reads the file afresh (a change also locks it),
/// so several `FileStore`s (in one process or many) on the same path see each other's changes.
pub struct FileStore {
    path: PathBuf,
    /// How long a change waits for another process's lock (`--store-timeout`).
    lock_timeout: Duration,
}

impl FileStore {
    /// A store at `path` whose changes wait for the lock as long as `--store-timeout` does by
    /// default.
    pub fn new(path: PathBuf) -> Self {
        FileStore::with_lock_timeout(path, OpenOptions::default().timeout)
    }

    /// A store at `path` whose changes wait at most `lock_timeout` for another process's lock,
    /// then fail naming the lock file.
    pub fn with_lock_timeout(path: PathBuf, lock_timeout: Duration) -> Self {
        FileStore { path, lock_timeout }
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a store file (or anything else) exists at the path, links followed.
    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    fn io_error(&self, action: &'static str, source: std::io::Error) -> StoreError {
        StoreError::Io {
            action,
            path: self.path.clone(),
            source,
        }
    }

    /// The store file the path names, once the path is known to be safe to use: the links at
    /// its end followed (see [`FileStore::followed`]), and every directory on the way to the
    /// link and to the file checked.
    fn resolve(&self) -> Result<FileStore, StoreError> {
        let target = self.followed();
        let owner = target.check_path()?;
        if target.path != self.path {
            self.check_directories(owner)?;
        }
        Ok(target)
    }

    /// Runs a read-only operation. Readers take no lock: writers replace the file by rename, so
    /// a read sees one whole version of it.
    fn read<T>(
        &self,
        now: Timestamp,
        op: impl FnOnce(&Contents<'_>) -> T,
    ) -> Result<T, StoreError> {
        let store = self.resolve()?;
        let loaded = store.load()?;
        let mut data = store.parse(loaded.as_ref().map(|loaded| loaded.bytes.as_slice()))?;
        data.prune(now);
        Ok(op(&data))
    }

    /// Runs a change under an exclusive lock. `op` sees the store already pruned at `now` (and
    /// what that dropped), and says whether it changed anything; the file is rewritten only then.
    fn write<T>(
        &self,
        now: Timestamp,
        op: impl FnOnce(&mut Contents<'_>, Pruned) -> Result<(T, bool), Refusal>,
    ) -> Result<T, StoreError> {
        let store = self.resolve()?;
        store.create_dir()?;
        // What was missing a moment ago may have been created by someone else meanwhile.
        let owner = store.check_path()?;
        store.check_owner(owner)?;
        let lock = store.lock_file()?;
        store.lock(&lock)?;
        let loaded = store.load()?;
        let mut data = store.parse(loaded.as_ref().map(|loaded| loaded.bytes.as_slice()))?;
        let pruned = data.prune(now);
        let (out, changed) = op(&mut data, pruned).map_err(|refusal| refusal.into_error(&store))?;
        if changed {
            let previous = loaded.as_ref().map(|loaded| &loaded.meta);
            store.save(previous, |file| write_json(&data, file))?;
        }
        drop(lock);
        Ok(out)
    }

    /// The lock file, created only next to a jwtctl store or where there is no store yet:
    /// `--store /etc/passwd` must not leave `/etc/passwd.lock` behind.
    fn lock_file(&self) -> Result<std::fs::File, StoreError> {
        if let Some(lock) = self.open_lock(None)? {
            return Ok(lock);
        }
        let loaded = self.load()?;
        if let Some(loaded) = &loaded {
            self.parse(Some(&loaded.bytes))?;
        }
        let store_meta = loaded.as_ref().map(|loaded| &loaded.meta);
        self.open_lock(Some(store_meta))?.ok_or_else(|| {
            self.io_error(
                "open the lock file of",
                std::io::Error::from(std::io::ErrorKind::NotFound),
            )
        })
    }

    /// Parses what [`FileStore::load`] read; a missing file is an empty store.
    fn parse<'a>(&self, bytes: Option<&'a [u8]>) -> Result<Contents<'a>, StoreError> {
        match bytes {
            Some(bytes) => format::parse(&self.path, bytes),
            None => Ok(Contents::default()),
        }
    }
}

impl Store for FileStore {
    fn insert(&mut self, tokens: &[NewToken], now: Timestamp) -> Result<(), StoreError> {
        self.write(now, |data, _| data.insert(tokens))
    }

    fn rotate(
        &mut self,
        jti: &str,
        sub: &str,
        family: &str,
        successor: &NewToken,
        now: Timestamp,
    ) -> Result<RotateOutcome, StoreError> {
        self.write(now, |data, _| data.rotate(jti, sub, family, successor, now))
    }

    fn lookup(
        &mut self,
        jti: &str,
        sub: &str,
        family: &str,
        now: Timestamp,
    ) -> Result<LookupOutcome, StoreError> {
        self.read(now, |data| data.lookup(jti, sub, family))
    }

    fn revoke(&mut self, selector: &RevokeSelector, now: Timestamp) -> Result<u64, StoreError> {
        self.write(now, |data, _| Ok(data.revoke(selector, now)))
    }

    fn check_access(
        &mut self,
        sub: Option<&str>,
        family: Option<&str>,
        issued_at: Timestamp,
        now: Timestamp,
    ) -> Result<AccessOutcome, StoreError> {
        self.read(now, |data| data.check_access(sub, family, issued_at))
    }

    fn check_access_many(
        &mut self,
        queries: &[AccessQuery<'_>],
        now: Timestamp,
    ) -> Result<Vec<AccessOutcome>, StoreError> {
        self.read(now, |data| data.check_access_many(queries))
    }

    fn sessions(
        &mut self,
        sub: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<SessionSummary>, StoreError> {
        self.read(now, |data| data.sessions(sub, now))
    }

    fn prune(&mut self, now: Timestamp) -> Result<u64, StoreError> {
        self.write(now, |_, pruned| Ok((pruned.tokens, pruned.anything)))
    }
}
