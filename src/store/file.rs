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
//! One record per line, so a `Corrupt` error's line number points at the damaged record.
//!
//! - `tokens` is keyed by the refresh token's `jti`, in the order recorded (new records are
//!   appended, so two versions of the file differ little); a `jti` that appears twice makes the
//!   file corrupt. `start` (when the family started, if before `iat`) and `rot` (when the rotation
//!   that issued the token happened) are carried forward on rotation, so a session summary stays
//!   right after its older tokens are pruned.
//! - `revoked_families` maps a family (`sid`) to the time until which it must be remembered.
//! - `cutoffs` maps a subject to its `revoke --user` cut-off.
//!
//! Nothing in it is a token, a signature or a secret. Any change of layout gets a new `version`: a
//! file with an unknown version or an unknown field is refused, never rewritten, since rewriting
//! would drop what this version does not understand.
//!
//! # Concurrency and crash safety
//!
//! Each call locks, reads, changes and (if anything changed) writes the whole file: a temporary
//! file in the same directory, fsynced, renamed over the store, then the directory fsynced. A
//! process killed at any instant leaves the old or the new file, never a torn one.
//!
//! # Cost
//!
//! At 100,000 sessions the file is about 16 MB. Reading borrows strings from the file's bytes, and
//! writing copies those back unescaped and streams the text out in chunks, which keeps a rotation
//! to about 500 million instructions and a process to under 40 MB; see `benches/store.rs`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::*;

/// The only format version this build reads and writes.
const VERSION: u64 = 1;

/// As many symbolic links as Linux follows for one path.
const MAX_SYMLINKS: usize = 40;

/// Whether the kernel would follow `link` for us under `fs.protected_symlinks`: not when it sits in
/// a sticky, world-writable directory (`/tmp`) and belongs neither to that directory's owner nor
/// to us. Another user's link in /tmp must not steer where the store (and its directories and
/// lock file) is created. Such a link is left as it is, and reading or replacing it fails.
#[cfg(unix)]
fn may_follow(link: &Path, link_meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let dir = match link.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let Ok(dir_meta) = fs::metadata(dir) else {
        return false;
    };
    let shared_sticky = dir_meta.mode() & 0o1002 == 0o1002;
    !shared_sticky
        || link_meta.uid() == dir_meta.uid()
        || link_meta.uid() == rustix::process::geteuid().as_raw()
}

#[cfg(not(unix))]
fn may_follow(_: &Path, _: &fs::Metadata) -> bool {
    true
}

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

    /// The store at the end of the symbolic links at its path, if there are any: a write replaces
    /// the file by rename, which would otherwise replace the link with a plain file, and two
    /// links to one store must lock the same lock file. A link to a file that does not exist yet
    /// is followed too; a loop is left alone, for the read to report.
    fn followed(&self) -> FileStore {
        let mut path = self.path.clone();
        for _ in 0..MAX_SYMLINKS {
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_symlink() && !may_follow(&path, &meta) => break,
                Ok(meta) if meta.file_type().is_symlink() => match fs::read_link(&path) {
                    Ok(target) => {
                        path = match path.parent() {
                            Some(parent) if target.is_relative() => parent.join(target),
                            _ => target,
                        }
                    }
                    Err(_) => break,
                },
                _ => return FileStore { path },
            }
        }
        FileStore {
            path: self.path.clone(),
        }
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
    fn read<T>(&self, now: Timestamp, op: impl FnOnce(&Data<'_>) -> T) -> Result<T, StoreError> {
        self.followed().read_here(now, op)
    }

    fn read_here<T>(
        &self,
        now: Timestamp,
        op: impl FnOnce(&Data<'_>) -> T,
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
        op: impl FnOnce(&mut Data<'_>, Pruned) -> Result<(T, bool), Refusal>,
    ) -> Result<T, StoreError> {
        self.followed().write_here(now, op)
    }

    fn write_here<T>(
        &self,
        now: Timestamp,
        op: impl FnOnce(&mut Data<'_>, Pruned) -> Result<(T, bool), Refusal>,
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
        // No store yet: an empty store, and a reader creates nothing.
        if !self.dir().is_dir() || !self.path.exists() {
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

    /// Reads the store file; `None` when there is none.
    fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        match fs::read(&self.path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io_error("read", e)),
        }
    }

    /// Parses what [`FileStore::load`] read; a missing file is an empty store.
    fn parse<'a>(&self, bytes: Option<&'a [u8]>) -> Result<Data<'a>, StoreError> {
        match bytes {
            Some(bytes) => parse(&self.path, bytes),
            None => Ok(Data::default()),
        }
    }

    /// Replaces the store atomically: temporary file (0600) in the same directory, fsync, rename,
    /// fsync of the directory so the rename itself is durable.
    fn save(&self, data: &Data<'_>) -> Result<(), StoreError> {
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
        data.write_json(&mut tmp)
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
///
/// Strings without escapes are borrowed from `bytes` rather than copied: at 100,000 sessions that
/// halves the time a call takes.
fn parse<'a>(path: &Path, bytes: &'a [u8]) -> Result<Data<'a>, StoreError> {
    // Checking UTF-8 once for the whole file is much cheaper than serde_json doing it per string.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            let line = 1 + valid.iter().filter(|&&byte| byte == b'\n').count();
            let line_start = valid
                .iter()
                .rposition(|&byte| byte == b'\n')
                .map_or(0, |newline| newline + 1);
            return Err(StoreError::Corrupt {
                path: path.to_path_buf(),
                line,
                column: valid.len() - line_start + 1,
                message: "invalid UTF-8".to_owned(),
            });
        }
    };
    match serde_json::from_str::<Document>(text) {
        Ok(doc) if doc.version == VERSION => Ok(Data {
            tokens: doc.tokens.0,
            revoked_families: doc.revoked_families,
            cutoffs: doc.cutoffs,
        }),
        Ok(doc) => Err(unknown_version(path, doc.version)),
        Err(error) => {
            // A file of another version may not fit this version's layout at all: report the
            // version rather than where the layout differs.
            if let Ok(probe) = serde_json::from_str::<VersionProbe>(text)
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

/// The file as read. Written by [`Data::write_json`], one record per line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a jwtctl session store object")]
struct Document<'a> {
    version: u64,
    #[serde(default, borrow)]
    tokens: Tokens<'a>,
    #[serde(default)]
    revoked_families: BTreeMap<String, Timestamp>,
    #[serde(default)]
    cutoffs: BTreeMap<String, Cutoff>,
}

/// A string of the file, borrowed from its bytes when it has no escapes, owned otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Text<'a>(Cow<'a, str>);

impl<'a> Text<'a> {
    fn new(text: &str) -> Text<'a> {
        Text(Cow::Owned(text.to_owned()))
    }

    fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor<'a>(PhantomData<Text<'a>>);

        impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'a>, E> {
                Ok(Text::new(text))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }

        deserializer.deserialize_str(TextVisitor(PhantomData))
    }
}

/// The token records in file order, keyed by `jti`. A `jti` that appears twice makes the store
/// corrupt: which of the two records holds would be a guess.
#[derive(Default)]
struct Tokens<'a>(Vec<(Text<'a>, Record<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Tokens<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TokensVisitor<'a>(PhantomData<Tokens<'a>>);

        impl<'de: 'a, 'a> Visitor<'de> for TokensVisitor<'a> {
            type Value = Tokens<'a>;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an object of token records keyed by jti")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tokens<'a>, A::Error> {
                // Hashes only, so the table stays small enough for the cache; an equal hash is
                // checked against the keys themselves.
                let mut seen: HashSet<u64, Identity> = HashSet::default();
                let mut tokens: Vec<(Text<'a>, Record<'a>)> = Vec::new();
                while let Some(jti) = map.next_key::<Text<'a>>()? {
                    if !seen.insert(fnv(jti.as_str()))
                        && tokens.iter().any(|(other, _)| *other == jti)
                    {
                        return Err(de::Error::custom(format_args!(
                            "jti {:?} is recorded twice",
                            jti.as_str()
                        )));
                    }
                    tokens.push((jti, map.next_value()?));
                }
                Ok(Tokens(tokens))
            }
        }

        deserializer.deserialize_map(TokensVisitor(PhantomData))
    }
}

/// FNV-1a, for the duplicate-`jti` check at load. A set of `Text`s under SipHash took a third of
/// a 100,000-session load, mostly in cache misses. Flooding resistance is not needed: the keys
/// are `jti`s this tool issued, in a file only its owner can change, and a collision only costs
/// a scan.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Hashes a `u64` that already is a hash to itself.
#[derive(Default, Clone, Copy)]
struct Identity(u64);

impl std::hash::Hasher for Identity {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8) | u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl std::hash::BuildHasher for Identity {
    type Hasher = Identity;

    fn build_hasher(&self) -> Identity {
        Identity(0)
    }
}

/// One refresh token, keyed by its `jti`. Short field names: there may be 100,000 of them.
/// Written by [`write_record`]; a change here must be made there too.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record<'a> {
    #[serde(borrow)]
    sub: Text<'a>,
    /// The family (`sid`).
    #[serde(borrow)]
    fam: Text<'a>,
    iat: Timestamp,
    exp: Timestamp,
    /// `exp` of the access token issued with it.
    aexp: Timestamp,
    #[serde(default, borrow)]
    label: Option<Text<'a>>,
    /// When the family started, if before `iat` (set on tokens that came from a rotation), so the
    /// session's start survives pruning of its first token.
    #[serde(default)]
    start: Option<Timestamp>,
    /// When the rotation that issued this token happened, for the same reason.
    #[serde(default)]
    rot: Option<Timestamp>,
    #[serde(borrow)]
    st: State<'a>,
}

impl<'a> Record<'a> {
    fn active(token: &NewToken) -> Record<'a> {
        Record {
            sub: Text::new(&token.sub),
            fam: Text::new(&token.family),
            iat: token.issued_at,
            exp: token.expires_at,
            aexp: token.access_expires_at,
            label: token.label.as_deref().map(Text::new),
            start: None,
            rot: None,
            st: State::Active,
        }
    }

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

    fn is_revoked(&self) -> bool {
        matches!(self.st, State::Revoked { .. })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum State<'a> {
    Active,
    Rotated {
        at: Timestamp,
        #[serde(borrow)]
        next: Text<'a>,
    },
    Revoked {
        at: Timestamp,
    },
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
///
/// Token records stay in file order and new ones are appended, so successive versions of the
/// file differ little. Finding a `jti` is a linear scan: cheaper, for one call, than building an
/// index of 100,000 entries.
#[derive(Default)]
struct Data<'a> {
    tokens: Vec<(Text<'a>, Record<'a>)>,
    revoked_families: BTreeMap<String, Timestamp>,
    cutoffs: BTreeMap<String, Cutoff>,
}

impl<'a> Data<'a> {
    /// Drops whatever no longer matters at `now`.
    fn prune(&mut self, now: Timestamp) -> Pruned {
        let before = self.tokens.len();
        self.tokens.retain(|(_, record)| record.keep_until() > now);
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

    fn records(&self) -> impl Iterator<Item = &Record<'a>> {
        self.tokens.iter().map(|(_, record)| record)
    }

    fn position(&self, jti: &str) -> Option<usize> {
        self.tokens.iter().position(|(key, _)| key.as_str() == jti)
    }

    fn insert(&mut self, tokens: &[NewToken]) -> Result<((), bool), Refusal> {
        if tokens.is_empty() {
            return Ok(((), false));
        }
        let known_jtis: HashSet<&str> = self.tokens.iter().map(|(jti, _)| jti.as_str()).collect();
        let known_families: HashSet<&str> = self
            .records()
            .map(|record| record.fam.as_str())
            .chain(self.revoked_families.keys().map(String::as_str))
            .collect();
        let mut jtis = HashSet::new();
        let mut families = HashSet::new();
        for token in tokens {
            if known_jtis.contains(token.jti.as_str()) || !jtis.insert(token.jti.as_str()) {
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
        self.tokens.extend(
            tokens
                .iter()
                .map(|token| (Text::new(&token.jti), Record::active(token))),
        );
        Ok(((), true))
    }

    /// The position of `jti` if its record belongs to `sub` and `family`.
    fn find(&self, jti: &str, sub: &str, family: &str) -> Option<usize> {
        self.position(jti).filter(|&index| {
            let record = &self.tokens[index].1;
            record.sub.as_str() == sub && record.fam.as_str() == family
        })
    }

    fn lookup(&self, jti: &str, sub: &str, family: &str) -> LookupOutcome {
        match self
            .find(jti, sub, family)
            .map(|index| &self.tokens[index].1.st)
        {
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
        let Some(index) = self.find(jti, sub, family) else {
            return Ok((RotateOutcome::Unknown, false));
        };
        match self.tokens[index].1.st {
            State::Revoked { .. } => Ok((RotateOutcome::Revoked, false)),
            State::Rotated { .. } => {
                self.revoke_families(&HashSet::from([family.to_owned()]), now);
                let family = family.to_owned();
                Ok((RotateOutcome::ReuseDetected { family }, true))
            }
            State::Active => {
                if successor.sub != sub || successor.family != family {
                    return Err(Refusal::Mismatch(format!(
                        "the successor of {jti:?} must belong to the same subject and family"
                    )));
                }
                if self.position(&successor.jti).is_some() {
                    return Err(Refusal::AlreadyRecorded(format!(
                        "a token with jti {:?} is already recorded",
                        successor.jti
                    )));
                }
                let record = &mut self.tokens[index].1;
                record.st = State::Rotated {
                    at: now,
                    next: Text::new(&successor.jti),
                };
                let mut next = Record::active(successor);
                next.start = Some(record.family_start());
                next.rot = Some(now);
                self.tokens.push((Text::new(&successor.jti), next));
                Ok((RotateOutcome::Rotated, true))
            }
        }
    }

    /// Revokes every record of `families` and remembers each family as long as an access token
    /// of it may be presented. Returns how many of them were live.
    fn revoke_families(&mut self, families: &HashSet<String>, now: Timestamp) -> u64 {
        let mut live = HashSet::new();
        let mut keep: HashMap<&str, Timestamp> = HashMap::new();
        for (_, record) in &mut self.tokens {
            if !families.contains(record.fam.as_str()) {
                continue;
            }
            if record.is_live_active(now) {
                live.insert(record.fam.as_str());
            }
            let until = keep.entry(record.fam.as_str()).or_insert(now);
            *until = (*until).max(record.keep_until());
            if !record.is_revoked() {
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
                .records()
                .filter(|record| record.sub.as_str() == sub)
                .map(|record| record.fam.as_str().to_owned())
                .collect(),
            RevokeSelector::All => self
                .records()
                .map(|record| record.fam.as_str().to_owned())
                .collect(),
        };
        let changed = self
            .records()
            .any(|record| families.contains(record.fam.as_str()) && !record.is_revoked());
        let count = self.revoke_families(&families, now);
        if let RevokeSelector::User(sub) = selector {
            let until = self
                .records()
                .filter(|record| record.sub.as_str() == sub)
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
        self.check_access_with(sub, family, issued_at, |family| {
            self.records()
                .any(|record| record.fam.as_str() == family && !record.is_revoked())
        })
    }

    /// `check_access` for many tokens: the families with a record that is not revoked are
    /// gathered once, not searched for every token.
    fn check_access_many(&self, queries: &[AccessQuery<'_>]) -> Vec<AccessOutcome> {
        let unrevoked: HashSet<&str> = self
            .records()
            .filter(|record| !record.is_revoked())
            .map(|record| record.fam.as_str())
            .collect();
        queries
            .iter()
            .map(|query| {
                self.check_access_with(query.sub, query.family, query.issued_at, |family| {
                    unrevoked.contains(family)
                })
            })
            .collect()
    }

    fn check_access_with(
        &self,
        sub: Option<&str>,
        family: Option<&str>,
        issued_at: Timestamp,
        has_unrevoked_record: impl Fn(&str) -> bool,
    ) -> AccessOutcome {
        if let Some(family) = family {
            if self.revoked_families.contains_key(family) {
                return AccessOutcome::FamilyRevoked {
                    family: family.to_owned(),
                };
            }
            if has_unrevoked_record(family) {
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
        struct Family<'r, 'a> {
            active: Option<&'r Record<'a>>,
            started_at: Timestamp,
            last_rotated_at: Option<Timestamp>,
        }
        let mut families: HashMap<&str, Family> = HashMap::new();
        for record in self.records() {
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
                if sub.is_some_and(|sub| sub != active.sub.as_str()) {
                    return None;
                }
                Some(SessionSummary {
                    sub: active.sub.as_str().to_owned(),
                    family: name.to_owned(),
                    label: active.label.as_ref().map(|label| label.as_str().to_owned()),
                    started_at: family.started_at,
                    expires_at: active.exp,
                    last_rotated_at: family.last_rotated_at,
                })
            })
            .collect();
        out.sort_by(|a, b| (a.started_at, &a.family).cmp(&(b.started_at, &b.family)));
        out
    }

    /// Writes the store to `sink`, one record per line (so a corrupt-store error points at a
    /// record), in chunks: the whole text of 100,000 sessions is never held in memory.
    fn write_json(&self, sink: &mut impl Write) -> io::Result<()> {
        let mut out = Vec::with_capacity(CHUNK + 4096);
        write!(out, "{{\"version\":{VERSION},\n\"tokens\":{{")?;
        for (index, (jti, record)) in self.tokens.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            out.push(b'\n');
            write_record(&mut out, jti, record)?;
            if out.len() >= CHUNK {
                sink.write_all(&out)?;
                out.clear();
            }
        }
        out.extend_from_slice(b"\n},");
        let families = self.revoked_families.iter().map(|(k, v)| (k.as_str(), v));
        write_object(&mut out, sink, "revoked_families", families)?;
        out.push(b',');
        let cutoffs = self.cutoffs.iter().map(|(k, v)| (k.as_str(), v));
        write_object(&mut out, sink, "cutoffs", cutoffs)?;
        out.extend_from_slice(b"}\n");
        sink.write_all(&out)
    }
}

/// Writes `"jti":{record}` in the layout [`Record`]'s `Deserialize` reads. By hand, because
/// serde_json's generic path (escaping every field name, one call per field) was a third of the
/// cost of a rotation at 100,000 sessions.
fn write_record(out: &mut Vec<u8>, jti: &Text, record: &Record) -> serde_json::Result<()> {
    write_text(out, jti)?;
    out.extend_from_slice(b":{\"sub\":");
    write_text(out, &record.sub)?;
    out.extend_from_slice(b",\"fam\":");
    write_text(out, &record.fam)?;
    out.extend_from_slice(b",\"iat\":");
    write_int(out, record.iat);
    out.extend_from_slice(b",\"exp\":");
    write_int(out, record.exp);
    out.extend_from_slice(b",\"aexp\":");
    write_int(out, record.aexp);
    if let Some(label) = &record.label {
        out.extend_from_slice(b",\"label\":");
        write_text(out, label)?;
    }
    if let Some(start) = record.start {
        out.extend_from_slice(b",\"start\":");
        write_int(out, start);
    }
    if let Some(rot) = record.rot {
        out.extend_from_slice(b",\"rot\":");
        write_int(out, rot);
    }
    match &record.st {
        State::Active => out.extend_from_slice(b",\"st\":\"active\"}"),
        State::Rotated { at, next } => {
            out.extend_from_slice(b",\"st\":{\"rotated\":{\"at\":");
            write_int(out, *at);
            out.extend_from_slice(b",\"next\":");
            write_text(out, next)?;
            out.extend_from_slice(b"}}}");
        }
        State::Revoked { at } => {
            out.extend_from_slice(b",\"st\":{\"revoked\":{\"at\":");
            write_int(out, *at);
            out.extend_from_slice(b"}}}");
        }
    }
    Ok(())
}

/// A JSON string: copied as it is when nothing in it needs escaping, else by serde_json.
///
/// A string borrowed from the file needs no check: serde_json borrows only strings without an
/// escape sequence, and refuses raw control characters, so it holds no `"`, `\\` or control
/// character.
fn write_text(out: &mut Vec<u8>, text: &Text) -> serde_json::Result<()> {
    match &text.0 {
        Cow::Borrowed(text) => {
            out.push(b'"');
            out.extend_from_slice(text.as_bytes());
            out.push(b'"');
            Ok(())
        }
        Cow::Owned(text) => write_str(out, text),
    }
}

fn write_str(out: &mut Vec<u8>, text: &str) -> serde_json::Result<()> {
    if text
        .bytes()
        .all(|byte| byte >= 0x20 && byte != b'"' && byte != b'\\')
    {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(&mut *out, text)
    }
}

fn write_int(out: &mut Vec<u8>, value: i64) {
    // 20 digits hold any u64, so `unsigned_abs` of any i64.
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = value.unsigned_abs();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        start -= 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if value < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[start..]);
}

/// How much serialized text is gathered before it is written out.
const CHUNK: usize = 256 * 1024;

/// Writes `"name":{entries}` to `out`, one entry per line, handing `out` to `sink` when it fills.
fn write_object<'v, V: Serialize + 'v>(
    out: &mut Vec<u8>,
    sink: &mut impl Write,
    name: &str,
    entries: impl Iterator<Item = (&'v str, &'v V)>,
) -> io::Result<()> {
    out.push(b'\n');
    serde_json::to_writer(&mut *out, name)?;
    out.extend_from_slice(b":{");
    for (index, (key, value)) in entries.enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.push(b'\n');
        serde_json::to_writer(&mut *out, key)?;
        out.push(b':');
        serde_json::to_writer(&mut *out, value)?;
        if out.len() >= CHUNK {
            sink.write_all(out)?;
            out.clear();
        }
    }
    out.extend_from_slice(b"\n}");
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn int(value: i64) -> String {
        let mut out = Vec::new();
        write_int(&mut out, value);
        String::from_utf8(out).expect("ASCII")
    }

    #[test]
    fn write_int_matches_display() {
        for value in [
            0,
            7,
            -7,
            10,
            4_102_444_800,
            -4_102_444_800,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(int(value), value.to_string());
        }
    }

    #[test]
    fn write_str_escapes_what_json_requires() {
        for text in [
            "",
            "plain",
            "quote \" here",
            "back\\slash",
            "tab\tnew\nline",
            "\u{0}\u{1f}",
            "é 🚀 \u{202e}",
        ] {
            let mut out = Vec::new();
            write_str(&mut out, text).expect("write");
            let back: String = serde_json::from_slice(&out).expect("valid JSON string");
            assert_eq!(back, text);
        }
    }

    #[test]
    fn every_record_shape_survives_a_round_trip() {
        let odd = "odd \"jti\" \\ \u{7}\n é";
        let mut data = Data::default();
        let token = |jti: &str, label: Option<&str>| NewToken {
            jti: jti.to_owned(),
            sub: format!("sub of {jti}"),
            family: format!("family of {jti}"),
            issued_at: -1,
            expires_at: i64::MAX,
            access_expires_at: 0,
            label: label.map(str::to_owned),
        };
        let tokens = [
            token("active", None),
            token(odd, Some(odd)),
            token("gone", Some("x")),
        ];
        assert!(data.insert(&tokens).is_ok());
        let successor = NewToken {
            jti: "next".into(),
            sub: format!("sub of {odd}"),
            family: format!("family of {odd}"),
            ..token("next", None)
        };
        let rotated = data.rotate(odd, &successor.sub, &successor.family, &successor, 5);
        assert!(matches!(rotated, Ok((RotateOutcome::Rotated, true))));
        data.revoke(&RevokeSelector::Family("family of gone".into()), 6);
        data.revoke(&RevokeSelector::User(odd.into()), 7);

        let mut json = Vec::new();
        data.write_json(&mut json).expect("serialize");
        let back = parse(Path::new("t"), &json).expect("parse what we wrote");
        let mut again = Vec::new();
        back.write_json(&mut again).expect("serialize again");
        assert_eq!(again, json);
        let text = std::str::from_utf8(&json).expect("UTF-8");
        assert_eq!(back.tokens.len(), 4, "{text}");
        for ((jti, record), (jti2, record2)) in data.tokens.iter().zip(&back.tokens) {
            assert_eq!(jti, jti2);
            assert_eq!(format!("{record:?}"), format!("{record2:?}"));
        }
        assert_eq!(back.revoked_families, data.revoked_families);
        assert_eq!(back.cutoffs.len(), 1);
        // The same document through serde_json's own reader: the writer emits plain JSON.
        let value: serde_json::Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(value["tokens"]["next"]["rot"], 5, "{text}");
    }

    #[test]
    fn a_store_larger_than_a_chunk_survives_a_round_trip() {
        let mut data = Data::default();
        let tokens: Vec<NewToken> = (0..12_000)
            .map(|n| NewToken {
                jti: format!("jti-{n:08}"),
                sub: format!("user-{}", n % 700),
                family: format!("family-{n:08}"),
                issued_at: n,
                expires_at: n + 1_000_000,
                access_expires_at: n + 900,
                label: None,
            })
            .collect();
        assert!(data.insert(&tokens).is_ok());
        assert_eq!(data.revoke(&RevokeSelector::All, 10).0, 12_000);
        let mut json = Vec::new();
        data.write_json(&mut json).expect("serialize");
        assert!(json.len() > 4 * CHUNK, "only {} bytes", json.len());
        let back = parse(Path::new("t"), &json).expect("parse what we wrote");
        assert_eq!(back.tokens.len(), 12_000);
        assert_eq!(back.revoked_families.len(), 12_000);
        let mut again = Vec::new();
        back.write_json(&mut again).expect("serialize again");
        assert!(again == json, "the second serialization differs");
    }

    #[test]
    fn a_jti_recorded_twice_is_corrupt_at_its_second_occurrence() {
        let record = r#"{"sub":"a","fam":"F","iat":1,"exp":2,"aexp":3,"st":"active"}"#;
        let text = format!(
            "{{\"version\":1,\"tokens\":{{\n\"j\":{record},\n\"k\":{record},\n\"j\":{record}\n}}}}"
        );
        match parse(Path::new("t"), text.as_bytes()) {
            Err(StoreError::Corrupt { line, message, .. }) => {
                assert_eq!(line, 4);
                assert!(message.contains("\"j\" is recorded twice"), "{message}");
            }
            Err(other) => panic!("expected Corrupt, got {other:?}"),
            Ok(_) => panic!("duplicate jti accepted"),
        }
    }

    #[test]
    fn invalid_utf8_is_corrupt_at_its_position() {
        let bytes = b"{\"version\":1,\n\"tokens\":{\"\xff\":1}}";
        match parse(Path::new("t"), bytes) {
            Err(StoreError::Corrupt { line, column, .. }) => assert_eq!((line, column), (2, 12)),
            Err(other) => panic!("expected Corrupt, got {other:?}"),
            Ok(_) => panic!("invalid UTF-8 accepted"),
        }
    }
}
