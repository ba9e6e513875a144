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

use super::*;
use format::write_json;
use io::lock_with_retry;
use table::{Contents, Pruned, Refusal};

/// A store kept in one JSON file (`--store path/to/sessions.json`).
///
/// Creating one does no I/O. Each call opens, locks and reads the file afresh, so several
/// `FileStore`s (in one process or many) on the same path see each other's changes.
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    pub fn new(path: PathBuf) -> Self {
        FileStore { path }
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io_error(&self, action: &'static str, source: std::io::Error) -> StoreError {
        StoreError::Io {
            action,
            path: self.path.clone(),
            source,
        }
    }

    /// Runs a read-only operation under a shared lock.
    fn read<T>(
        &self,
        now: Timestamp,
        op: impl FnOnce(&Contents<'_>) -> T,
    ) -> Result<T, StoreError> {
        self.followed().read_here(now, op)
    }

    fn read_here<T>(
        &self,
        now: Timestamp,
        op: impl FnOnce(&Contents<'_>) -> T,
    ) -> Result<T, StoreError> {
        self.check_path()?;
        let _lock = match self.open_lock_for_read()? {
            Some(lock) => {
                lock_with_retry(&lock, false).map_err(|e| self.io_error("lock", e))?;
                Some(lock)
            }
            None => None,
        };
        let bytes = self.load()?;
        let mut data = self.parse(bytes.as_deref())?;
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
        self.followed().write_here(now, op)
    }

    fn write_here<T>(
        &self,
        now: Timestamp,
        op: impl FnOnce(&mut Contents<'_>, Pruned) -> Result<(T, bool), Refusal>,
    ) -> Result<T, StoreError> {
        self.check_path()?;
        self.create_dir()?;
        let lock = self.open_lock_for_write()?;
        lock_with_retry(&lock, true).map_err(|e| self.io_error("lock", e))?;
        let bytes = self.load()?;
        let mut data = self.parse(bytes.as_deref())?;
        let pruned = data.prune(now);
        let (out, changed) = op(&mut data, pruned).map_err(|refusal| refusal.into_error(self))?;
        if changed {
            self.save(|file| write_json(&data, file))?;
        }
        drop(lock);
        Ok(out)
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
