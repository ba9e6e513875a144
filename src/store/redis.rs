//! The Redis store (placeholder until the Redis backend lands).

use super::*;

/// Uninhabited until the backend lands: `connect` always fails.
pub enum RedisStore {}

impl RedisStore {
    pub fn connect(url: &str, _options: &OpenOptions) -> Result<Self, StoreError> {
        Err(StoreError::Server {
            url: url.to_owned(),
            message: "the Redis store is not built yet".to_owned(),
        })
    }
}

impl Store for RedisStore {
    fn insert(&mut self, _: &[NewToken], _: Timestamp) -> Result<(), StoreError> {
        match *self {}
    }
    fn rotate(
        &mut self,
        _: &str,
        _: &str,
        _: &str,
        _: &NewToken,
        _: Timestamp,
    ) -> Result<RotateOutcome, StoreError> {
        match *self {}
    }
    fn lookup(
        &mut self,
        _: &str,
        _: &str,
        _: &str,
        _: Timestamp,
    ) -> Result<LookupOutcome, StoreError> {
        match *self {}
    }
    fn revoke(&mut self, _: &RevokeSelector, _: Timestamp) -> Result<u64, StoreError> {
        match *self {}
    }
    fn check_access(
        &mut self,
        _: Option<&str>,
        _: Option<&str>,
        _: Timestamp,
        _: Timestamp,
    ) -> Result<AccessOutcome, StoreError> {
        match *self {}
    }
    fn sessions(
        &mut self,
        _: Option<&str>,
        _: Timestamp,
    ) -> Result<Vec<SessionSummary>, StoreError> {
        match *self {}
    }
    fn prune(&mut self, _: Timestamp) -> Result<u64, StoreError> {
        match *self {}
    }
}
