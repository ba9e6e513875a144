//! The JSON-file store: one versioned JSON document, replaced atomically on every change.
//!
//! # Format (version 1)
//!
//! ```text
//! {"version":1,
//! "tokens":{
//! "<jti>":{"sub":"alice","fam":"<sid>","iat":1700000000,"exp":1702592000,"aexp":1700000900,"label":"laptop","start":1699990000,"rot":1700000000,"st":"active"},
//! "<jti>":{"sub":"alice","fam":"<sid>","iat":1699990000,"exp":1702582000,"aexp":1699990900,"st":{"rotated":{"at":1700000000,"next":"<jti>"}}},
//! "<jti>":{"sub":"bob","fam":"<sid>","iat":1699990000,"exp":1702582000,"aexp":1699990900,"st":{"revoked":{"at":1700000100}}}
//! },
//! "revoked_families":{
//! "<sid>":1702582000
//! },
//! "cutoffs":{
//! "bob":{"at":1700000100,"until":1702582000}
//! }}
//! ```
//!
//! One record per line, so a `Corrupt` error's line number points at the damaged record. `tokens` is
//! keyed by the refresh token's `jti`. `start` (when the family started, if before `iat`) and `rot`
//! (when the rotation that issued the token happened) are copied forward on rotation, so a session
//! summary stays right after its older tokens are pruned. `revoked_families` maps a family (`sid`) to the time until
//! which it must be remembered; `cutoffs` maps a subject to its `revoke --user` cut-off. Nothing in
//! it is a token, a signature or a secret. Any change of layout gets a new `version`: a file with
//! an unknown version or an unknown field is refused, never rewritten, since rewriting would drop
//! what this version does not understand.
//!
//! # Concurrency and crash safety
//!
//! Each call locks, reads, changes and (if anything changed) writes the whole file: a temporary
//! file in the same directory, fsynced, renamed over the store, then the directory fsynced. A
//! process killed at any instant leaves the old or the new file, never a torn one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::*;

/// The only format version this build reads and writes.
const VERSION: u64 = 1;

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

    /// The lock file, `<store>.lock`.
    ///
    /// The lock cannot be taken on the store file itself: every write replaces that file (a new
    /// inode) by rename, so a process waiting for a lock on the old inode would, once it got it,
    /// read a file that is no longer the store and its write would silently undo the other
    /// process's change. The lock file is never replaced, so everyone locks the same inode.
    pub fn lock_path(&self) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// The directory holding the store, its lock file and its temporary files.
    fn dir(&self) -> &Path {
        match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        }
    }

    fn io_error(&self, action: &'static str, source: io::Error) -> StoreError {
        StoreError::Io {
            action,
            path: self.path.clone(),
            source,
        }
    }

    /// Refuses a path that cannot name a store file, before anything is created next to it.
    fn check_path(&self) -> Result<(), StoreError> {
        if self.path.as_os_str().is_empty() {
            return Err(self.io_error(
                "open",
                io::Error::new(io::ErrorKind::InvalidInput, "the store path is empty"),
            ));
        }
        match fs::metadata(&self.path) {
            Ok(meta) if meta.is_dir() => Err(self.io_error(
                "open",
                io::Error::new(
                    io::ErrorKind::IsADirectory,
                    format!(
                        "it is a directory; the store must be a file, for example {}",
                        self.path.join("sessions.json").display()
                    ),
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Runs a read-only operation under a shared lock.
    fn read<T>(&self, now: Timestamp, op: impl FnOnce(&Data) -> T) -> Result<T, StoreError> {
        self.check_path()?;
        let _lock = match self.open_lock_for_read()? {
            Some(lock) => {
                lock_with_retry(&lock, false).map_err(|e| self.io_error("lock", e))?;
                Some(lock)
            }
            None => None,
        };
        let mut data = self.load()?;
        data.prune(now);
        Ok(op(&data))
    }

    /// Runs a change under an exclusive lock. `op` sees the store already pruned at `now` (and
    /// what that dropped), and says whether it changed anything; the file is rewritten only then.
    fn write<T>(
        &self,
        now: Timestamp,
        op: impl FnOnce(&mut Data, Pruned) -> Result<(T, bool), Refusal>,
    ) -> Result<T, StoreError> {
        self.check_path()?;
        self.create_dir()?;
        let lock = self.open_lock_for_write()?;
        lock_with_retry(&lock, true).map_err(|e| self.io_error("lock", e))?;
        let mut data = self.load()?;
        let pruned = data.prune(now);
        let (out, changed) = op(&mut data, pruned).map_err(|refusal| refusal.into_error(self))?;
        if changed {
            self.save(&data)?;
        }
        drop(lock);
        Ok(out)
    }

    /// Creates a missing store directory (and its missing parents) with mode 0700. An existing
    /// directory is left as it is.
    fn create_dir(&self) -> Result<(), StoreError> {
        let dir = self.dir();
        if dir.is_dir() {
            return Ok(());
        }
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|e| self.io_error("create the directory of", e))
    }

    fn open_lock_for_write(&self) -> Result<File, StoreError> {
        let mut options = fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(self.lock_path())
            .map_err(|e| self.io_error("open the lock file of", e))
    }

    /// The lock file for a read, or `None` when there is nothing to lock (no directory yet) or the
    /// reader may not create the lock file (a read-only directory). Reading without the lock is
    /// still consistent, since writers replace the store by rename and a reader sees the old or
    /// the new file whole; the shared lock only keeps readers out of a writer's way.
    fn open_lock_for_read(&self) -> Result<Option<File>, StoreError> {
        let lock_path = self.lock_path();
        match File::open(&lock_path) {
            Ok(lock) => return Ok(Some(lock)),
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => return Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(self.io_error("open the lock file of", e)),
        }
        if !self.dir().is_dir() {
            return Ok(None);
        }
        match self.open_lock_for_write() {
            Ok(lock) => Ok(Some(lock)),
            Err(StoreError::Io { source, .. })
                if matches!(
                    source.kind(),
                    io::ErrorKind::PermissionDenied
                        | io::ErrorKind::ReadOnlyFilesystem
                        | io::ErrorKind::NotFound
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Reads and parses the store; a missing file is an empty store.
    fn load(&self) -> Result<Data, StoreError> {
        match fs::read(&self.path) {
            Ok(bytes) => parse(&self.path, &bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Data::default()),
            Err(e) => Err(self.io_error("read", e)),
        }
    }

    /// Replaces the store atomically: temporary file (0600) in the same directory, fsync, rename,
    /// fsync of the directory so the rename itself is durable.
    fn save(&self, data: &Data) -> Result<(), StoreError> {
        let bytes = data
            .to_json()
            .map_err(|e| self.io_error("serialize", io::Error::other(e)))?;
        let dir = self.dir();
        let mut prefix = std::ffi::OsString::from(".");
        if let Some(name) = self.path.file_name() {
            prefix.push(name);
        }
        prefix.push(".");
        let mut tmp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| self.io_error("create a temporary file next to", e))?;
        tmp.write_all(&bytes)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| self.io_error("write", e))?;
        // On failure the temporary file is removed when `PersistError` drops; the old store stays.
        tmp.persist(&self.path)
            .map_err(|e| self.io_error("replace", e.error))?;
        // After the rename the new content is in place; this makes it survive a power cut. A
        // failure here is still reported: the caller cannot know the change is durable.
        sync_dir(dir).map_err(|e| self.io_error("sync the directory of", e))
    }
}

fn lock_with_retry(file: &File, exclusive: bool) -> io::Result<()> {
    loop {
        // Fully qualified: std's `File::lock` (an inherent method) would otherwise be chosen.
        let result = if exclusive {
            fs4::FileExt::lock(file)
        } else {
            fs4::FileExt::lock_shared(file)
        };
        match result {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Parses a store file. Never returns an empty store for bytes it does not understand.
fn parse(path: &Path, bytes: &[u8]) -> Result<Data, StoreError> {
    match serde_json::from_slice::<Document>(bytes) {
        Ok(doc) if doc.version == VERSION => Ok(Data {
            tokens: doc.tokens,
            revoked_families: doc.revoked_families,
            cutoffs: doc.cutoffs,
        }),
        Ok(doc) => Err(unknown_version(path, doc.version)),
        Err(error) => {
            // A file of another version may not fit this version's layout at all: report the
            // version rather than where the layout differs.
            if let Ok(probe) = serde_json::from_slice::<VersionProbe>(bytes)
                && probe.version != VERSION
            {
                return Err(unknown_version(path, probe.version));
            }
            let (line, column) = (error.line(), error.column());
            let full = error.to_string();
            let suffix = format!(" at line {line} column {column}");
            let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
            Err(StoreError::Corrupt {
                path: path.to_path_buf(),
                line,
                column,
                message,
            })
        }
    }
}

fn unknown_version(path: &Path, found: u64) -> StoreError {
    StoreError::UnknownVersion {
        path: path.to_path_buf(),
        found,
        supported: VERSION,
    }
}

#[derive(Deserialize)]
struct VersionProbe {
    version: u64,
}

/// The file as read. Written by [`Data::to_json`], one record per line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a jwtctl session store object")]
struct Document {
    version: u64,
    #[serde(default)]
    tokens: BTreeMap<String, Record>,
    #[serde(default)]
    revoked_families: BTreeMap<String, Timestamp>,
    #[serde(default)]
    cutoffs: BTreeMap<String, Cutoff>,
}

/// One refresh token, keyed by its `jti`. Short field names: there may be 100,000 of them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    sub: String,
    /// The family (`sid`).
    fam: String,
    iat: Timestamp,
    exp: Timestamp,
    /// `exp` of the access token issued with it.
    aexp: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    /// When the family started, if before `iat` (set on tokens that came from a rotation), so the
    /// session's start survives pruning of its first token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start: Option<Timestamp>,
    /// When the rotation that issued this token happened, for the same reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rot: Option<Timestamp>,
    st: State,
}

impl Record {
    /// Until when this record matters: a rotated token can be replayed until it expires, and a
    /// family revocation must outlive the access token issued with it.
    fn keep_until(&self) -> Timestamp {
        self.exp.max(self.aexp)
    }

    fn family_start(&self) -> Timestamp {
        self.start.unwrap_or(self.iat).min(self.iat)
    }

    fn is_live_active(&self, now: Timestamp) -> bool {
        matches!(self.st, State::Active) && self.exp > now
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum State {
    Active,
    Rotated { at: Timestamp, next: String },
    Revoked { at: Timestamp },
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cutoff {
    /// Access tokens of the subject issued at or before this instant are refused.
    at: Timestamp,
    /// When the cut-off can be forgotten.
    until: Timestamp,
}

/// A change the store refuses to make: a caller bug, never a token outcome.
enum Refusal {
    AlreadyRecorded(String),
    Mismatch(String),
}

impl Refusal {
    fn into_error(self, store: &FileStore) -> StoreError {
        let source = match self {
            Refusal::AlreadyRecorded(what) => io::Error::new(io::ErrorKind::AlreadyExists, what),
            Refusal::Mismatch(what) => io::Error::new(io::ErrorKind::InvalidInput, what),
        };
        store.io_error("update", source)
    }
}

/// What [`Data::prune`] dropped.
#[derive(Clone, Copy)]
struct Pruned {
    /// Token records dropped.
    tokens: u64,
    /// Whether anything at all (tokens, revoked families, cut-offs) was dropped.
    anything: bool,
}

/// The store's content, and the semantics shared by every backend (see [`Store`]).
#[derive(Default)]
struct Data {
    tokens: BTreeMap<String, Record>,
    revoked_families: BTreeMap<String, Timestamp>,
    cutoffs: BTreeMap<String, Cutoff>,
}

impl Data {
    /// Drops whatever no longer matters at `now`.
    fn prune(&mut self, now: Timestamp) -> Pruned {
        let before = self.tokens.len();
        self.tokens.retain(|_, record| record.keep_until() > now);
        let dropped = (before - self.tokens.len()) as u64;
        let (families, cutoffs) = (self.revoked_families.len(), self.cutoffs.len());
        self.revoked_families.retain(|_, until| *until > now);
        self.cutoffs.retain(|_, cutoff| cutoff.until > now);
        let any =
            dropped > 0 || families != self.revoked_families.len() || cutoffs != self.cutoffs.len();
        Pruned {
            tokens: dropped,
            anything: any,
        }
    }

    fn insert(&mut self, tokens: &[NewToken]) -> Result<((), bool), Refusal> {
        let known_families: HashSet<&str> = self
            .tokens
            .values()
            .map(|record| record.fam.as_str())
            .chain(self.revoked_families.keys().map(String::as_str))
            .collect();
        let mut jtis = HashSet::new();
        let mut families = HashSet::new();
        for token in tokens {
            if self.tokens.contains_key(&token.jti) || !jtis.insert(token.jti.as_str()) {
                return Err(Refusal::AlreadyRecorded(format!(
                    "a token with jti {:?} is already recorded",
                    token.jti
                )));
            }
            if known_families.contains(token.family.as_str())
                || !families.insert(token.family.as_str())
            {
                return Err(Refusal::AlreadyRecorded(format!(
                    "session family {:?} already exists",
                    token.family
                )));
            }
        }
        for token in tokens {
            self.tokens
                .insert(token.jti.clone(), Record::active(token.clone()));
        }
        Ok(((), !tokens.is_empty()))
    }

    /// The record of `jti` if it belongs to `sub` and `family`.
    fn find(&self, jti: &str, sub: &str, family: &str) -> Option<&Record> {
        self.tokens
            .get(jti)
            .filter(|record| record.sub == sub && record.fam == family)
    }

    fn lookup(&self, jti: &str, sub: &str, family: &str) -> LookupOutcome {
        match self.find(jti, sub, family).map(|record| &record.st) {
            None => LookupOutcome::Unknown,
            Some(State::Active) => LookupOutcome::Active,
            Some(State::Rotated { .. }) => LookupOutcome::Rotated,
            Some(State::Revoked { .. }) => LookupOutcome::Revoked,
        }
    }

    fn rotate(
        &mut self,
        jti: &str,
        sub: &str,
        family: &str,
        successor: &NewToken,
        now: Timestamp,
    ) -> Result<(RotateOutcome, bool), Refusal> {
        match self.lookup(jti, sub, family) {
            LookupOutcome::Unknown => Ok((RotateOutcome::Unknown, false)),
            LookupOutcome::Revoked => Ok((RotateOutcome::Revoked, false)),
            LookupOutcome::Rotated => {
                self.revoke_families(&HashSet::from([family.to_owned()]), now);
                let family = family.to_owned();
                Ok((RotateOutcome::ReuseDetected { family }, true))
            }
            LookupOutcome::Active => {
                if successor.sub != sub || successor.family != family {
                    return Err(Refusal::Mismatch(format!(
                        "the successor of {jti:?} must belong to the same subject and family"
                    )));
                }
                if self.tokens.contains_key(&successor.jti) {
                    return Err(Refusal::AlreadyRecorded(format!(
                        "a token with jti {:?} is already recorded",
                        successor.jti
                    )));
                }
                let mut next = Record::active(successor.clone());
                if let Some(record) = self.tokens.get_mut(jti) {
                    record.st = State::Rotated {
                        at: now,
                        next: successor.jti.clone(),
                    };
                    next.start = Some(record.family_start());
                    next.rot = Some(now);
                }
                self.tokens.insert(successor.jti.clone(), next);
                Ok((RotateOutcome::Rotated, true))
            }
        }
    }

    /// Revokes every record of `families` and remembers each family as long as an access token
    /// of it may be presented. Returns how many of them had a live active token.
    fn revoke_families(&mut self, families: &HashSet<String>, now: Timestamp) -> u64 {
        let mut live = HashSet::new();
        let mut keep: HashMap<&str, Timestamp> = HashMap::new();
        for record in self.tokens.values_mut() {
            if !families.contains(&record.fam) {
                continue;
            }
            if record.is_live_active(now) {
                live.insert(record.fam.clone());
            }
            let until = keep.entry(record.fam.as_str()).or_insert(now);
            *until = (*until).max(record.keep_until());
            if !matches!(record.st, State::Revoked { .. }) {
                record.st = State::Revoked { at: now };
            }
        }
        for (family, until) in keep {
            if until > now {
                let entry = self
                    .revoked_families
                    .entry(family.to_owned())
                    .or_insert(until);
                *entry = (*entry).max(until);
            }
        }
        live.len() as u64
    }

    fn revoke(&mut self, selector: &RevokeSelector, now: Timestamp) -> (u64, bool) {
        let families: HashSet<String> = match selector {
            RevokeSelector::Family(family) => HashSet::from([family.clone()]),
            RevokeSelector::User(sub) => self
                .tokens
                .values()
                .filter(|record| &record.sub == sub)
                .map(|record| record.fam.clone())
                .collect(),
            RevokeSelector::All => self
                .tokens
                .values()
                .map(|record| record.fam.clone())
                .collect(),
        };
        let changed = self.tokens.values().any(|record| {
            families.contains(&record.fam) && !matches!(record.st, State::Revoked { .. })
        });
        let count = self.revoke_families(&families, now);
        if let RevokeSelector::User(sub) = selector {
            let until = self
                .tokens
                .values()
                .filter(|record| &record.sub == sub)
                .map(Record::keep_until)
                .fold(now.saturating_add(MIN_CUTOFF_RETENTION), Timestamp::max);
            let cutoff = self
                .cutoffs
                .entry(sub.clone())
                .or_insert(Cutoff { at: now, until });
            cutoff.at = cutoff.at.max(now);
            cutoff.until = cutoff.until.max(until);
            return (count, true);
        }
        (count, changed)
    }

    fn check_access(
        &self,
        sub: Option<&str>,
        family: Option<&str>,
        issued_at: Timestamp,
    ) -> AccessOutcome {
        if let Some(family) = family {
            if self.revoked_families.contains_key(family) {
                return AccessOutcome::FamilyRevoked {
                    family: family.to_owned(),
                };
            }
            let live = self
                .tokens
                .values()
                .any(|record| record.fam == family && !matches!(record.st, State::Revoked { .. }));
            if live {
                return AccessOutcome::Allowed;
            }
        }
        if let Some(sub) = sub
            && let Some(cutoff) = self.cutoffs.get(sub)
            && issued_at <= cutoff.at
        {
            return AccessOutcome::UserCutOff {
                sub: sub.to_owned(),
                at: cutoff.at,
            };
        }
        AccessOutcome::Allowed
    }

    fn sessions(&self, sub: Option<&str>, now: Timestamp) -> Vec<SessionSummary> {
        struct Family<'a> {
            active: Option<&'a Record>,
            started_at: Timestamp,
            last_rotated_at: Option<Timestamp>,
        }
        let mut families: HashMap<&str, Family> = HashMap::new();
        for record in self.tokens.values() {
            let family = families.entry(record.fam.as_str()).or_insert(Family {
                active: None,
                started_at: record.family_start(),
                last_rotated_at: None,
            });
            family.started_at = family.started_at.min(record.family_start());
            family.last_rotated_at = family.last_rotated_at.max(record.rot);
            match &record.st {
                // A family has one active token; should there be two, show the newest.
                State::Active
                    if record.exp > now
                        && family.active.is_none_or(|active| active.iat < record.iat) =>
                {
                    family.active = Some(record);
                }
                State::Rotated { at, .. } => {
                    family.last_rotated_at = family.last_rotated_at.max(Some(*at));
                }
                _ => {}
            }
        }
        let mut out: Vec<SessionSummary> = families
            .into_iter()
            .filter_map(|(name, family)| {
                let active = family.active?;
                if sub.is_some_and(|sub| sub != active.sub) {
                    return None;
                }
                Some(SessionSummary {
                    sub: active.sub.clone(),
                    family: name.to_owned(),
                    label: active.label.clone(),
                    started_at: family.started_at,
                    expires_at: active.exp,
                    last_rotated_at: family.last_rotated_at,
                })
            })
            .collect();
        out.sort_by(|a, b| (a.started_at, &a.family).cmp(&(b.started_at, &b.family)));
        out
    }

    /// Serializes one record per line, so a corrupt-store error points at a record.
    fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(256 + self.tokens.len() * 192);
        write!(out, "{{\"version\":{VERSION},").map_err(serde_json::Error::io)?;
        write_map(&mut out, "tokens", &self.tokens)?;
        out.push(b',');
        write_map(&mut out, "revoked_families", &self.revoked_families)?;
        out.push(b',');
        write_map(&mut out, "cutoffs", &self.cutoffs)?;
        out.extend_from_slice(b"}\n");
        Ok(out)
    }
}

fn write_map<V: Serialize>(
    out: &mut Vec<u8>,
    name: &str,
    map: &BTreeMap<String, V>,
) -> serde_json::Result<()> {
    out.push(b'\n');
    serde_json::to_writer(&mut *out, name)?;
    out.extend_from_slice(b":{");
    for (index, (key, value)) in map.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.push(b'\n');
        serde_json::to_writer(&mut *out, key)?;
        out.push(b':');
        serde_json::to_writer(&mut *out, value)?;
    }
    out.extend_from_slice(b"\n}");
    Ok(())
}

impl Record {
    fn active(token: NewToken) -> Record {
        Record {
            sub: token.sub,
            fam: token.family,
            iat: token.issued_at,
            exp: token.expires_at,
            aexp: token.access_expires_at,
            label: token.label,
            start: None,
            rot: None,
            st: State::Active,
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
