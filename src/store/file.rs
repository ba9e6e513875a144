//! The JSON-file store (placeholder until the file backend lands).

use std::path::PathBuf;

use super::*;

pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    pub fn new(path: PathBuf) -> Self {
        FileStore { path }
    }

    fn unsupported(&self) -> StoreError {
        StoreError::Io {
            action: "open",
            path: self.path.clone(),
            source: std::io::Error::other("the file store is not built yet"),
        }
    }
}

impl Store for FileStore {
    fn insert(&mut self, _: &[NewToken], _: Timestamp) -> Result<(), StoreError> {
        Err(self.unsupported())
    }
    fn rotate(
        &mut self,
        _: &str,
        _: &str,
        _: &str,
        _: &NewToken,
        _: Timestamp,
    ) -> Result<RotateOutcome, StoreError> {
        Err(self.unsupported())
    }
    fn lookup(
        &mut self,
        _: &str,
        _: &str,
        _: &str,
        _: Timestamp,
    ) -> Result<LookupOutcome, StoreError> {
        Err(self.unsupported())
    }
    fn revoke(&mut self, _: &RevokeSelector, _: Timestamp) -> Result<u64, StoreError> {
        Err(self.unsupported())
    }
    fn check_access(
        &mut self,
        _: Option<&str>,
        _: Option<&str>,
        _: Timestamp,
        _: Timestamp,
    ) -> Result<AccessOutcome, StoreError> {
        Err(self.unsupported())
    }
    fn sessions(
        &mut self,
        _: Option<&str>,
        _: Timestamp,
    ) -> Result<Vec<SessionSummary>, StoreError> {
        Err(self.unsupported())
    }
    fn prune(&mut self, _: Timestamp) -> Result<u64, StoreError> {
        Err(self.unsupported())
    }
}
