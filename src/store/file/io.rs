//! The file store on disk: which file a path names (the symbolic-link and ownership policy), the
//! lock file, reading the store, and replacing it atomically.
//!
//! Readers take no lock: every write replaces the store by rename, so a reader sees the old or
//! the new file whole. A writer locks `<store>.lock`, reads, changes and (if anything changed)
//! writes the whole file: a temporary file in the same directory, fsynced, renamed over the store,
//! then the directory fsynced. A process killed at any instant leaves the old or the new file,
//! never a torn one; the temporary file a killed writer leaves is removed by the next write.
//!
//! Another local user must not steer where the store is written or pull it from under its owner
//! (SECURITY.md case 44): a directory on the store's path, or a link on it, must belong to root,
//! to the caller or to the store's owner; the lock file is never a link; a FIFO, a device or a
//! directory at the store path is refused before it is opened.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use super::FileStore;
use crate::store::StoreError;

/// As many symbolic links as Linux follows for one path.
const MAX_SYMLINKS: usize = 40;

/// The largest store file read, 256 MiB: about 1.6 million sessions. A file over it is refused
/// (exit 4) rather than read into memory.
pub const MAX_STORE_BYTES: u64 = 256 * 1024 * 1024;

fn refusal(kind: io::ErrorKind, message: String) -> io::Error {
    io::Error::new(kind, message)
}

#[cfg(unix)]
mod unix {
    use std::fs;
    use std::os::unix::fs::MetadataExt;
    use std::path::Path;

    pub(super) fn euid() -> u32 {
        rustix::process::geteuid().as_raw()
    }

    /// Whether files owned by `uid` may decide where the store is: root's, the caller's, and the
    /// store owner's (who already controls what the store says).
    pub(super) fn trusted(uid: u32, store_owner: Option<u32>) -> bool {
        uid == 0 || uid == euid() || Some(uid) == store_owner
    }

    pub(super) fn owner(meta: &fs::Metadata) -> u32 {
        meta.uid()
    }

    /// Writable by anyone and not sticky: anyone may rename or delete what it holds.
    pub(super) fn open_to_everyone(meta: &fs::Metadata) -> bool {
        meta.mode() & 0o1002 == 0o0002
    }

    /// Whether the kernel would follow `link` for us under `fs.protected_symlinks`, and no other
    /// user could steer it: it belongs to root or to us, or to the owner of the directory holding
    /// it when that directory is not a shared sticky one (that owner could replace it anyway).
    pub(super) fn may_follow(link: &Path, link_meta: &fs::Metadata) -> bool {
        if trusted(link_meta.uid(), None) {
            return true;
        }
        let dir = match link.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let Ok(dir_meta) = fs::metadata(dir) else {
            return false;
        };
        !is_shared_sticky(&dir_meta) && link_meta.uid() == dir_meta.uid()
    }

    /// Writable by anyone and sticky, as `/tmp` is: a file there that another user owns is
    /// theirs to have planted and to delete (the kernel's `fs.protected_regular` refuses even
    /// root's `O_CREAT` of one, for the same reason).
    pub(super) fn shared_sticky(dir: &Path) -> bool {
        fs::metadata(dir).is_ok_and(|meta| is_shared_sticky(&meta))
    }

    fn is_shared_sticky(meta: &fs::Metadata) -> bool {
        meta.mode() & 0o1002 == 0o1002
    }
}

#[cfg(not(unix))]
mod unix {
    use std::fs;
    use std::path::Path;

    pub(super) fn euid() -> u32 {
        0
    }
    pub(super) fn trusted(_: u32, _: Option<u32>) -> bool {
        true
    }
    pub(super) fn owner(_: &fs::Metadata) -> u32 {
        0
    }
    pub(super) fn open_to_everyone(_: &fs::Metadata) -> bool {
        false
    }
    pub(super) fn may_follow(_: &Path, _: &fs::Metadata) -> bool {
        true
    }
    pub(super) fn shared_sticky(_: &Path) -> bool {
        false
    }
}

/// Opens without following a link at the last component, and without blocking on a FIFO that
/// slipped in after the type check.
fn open_options(write: bool) -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(write);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let flags = OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        options.custom_flags(flags.bits() as i32).mode(0o600);
    }
    options
}

/// The store file as read, with what a rewrite must keep of it.
pub(super) struct Loaded {
    pub(super) bytes: Vec<u8>,
    pub(super) meta: fs::Metadata,
}

impl FileStore {
    /// The store at the end of the symbolic links at its path, if there are any: a write replaces
    /// the file by rename, which would otherwise replace the link with a plain file, and two
    /// links to one store must lock the same lock file. A link to a file that does not exist yet
    /// is followed too. A link another user could have planted is not followed: the store is then
    /// refused (see [`FileStore::check_path`]). A loop is left alone, for the read to report.
    pub(super) fn followed(&self) -> FileStore {
        let mut path = self.path.clone();
        for _ in 0..MAX_SYMLINKS {
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_symlink() && !unix::may_follow(&path, &meta) => {
                    return self.at(path);
                }
                Ok(meta) if meta.file_type().is_symlink() => match fs::read_link(&path) {
                    Ok(target) => {
                        path = match path.parent() {
                            Some(parent) if target.is_relative() => parent.join(target),
                            _ => target,
                        }
                    }
                    Err(_) => break,
                },
                _ => return self.at(path),
            }
        }
        self.at(self.path.clone())
    }

    fn at(&self, path: PathBuf) -> FileStore {
        FileStore {
            path,
            lock_timeout: self.lock_timeout,
            reuse_grace: self.reuse_grace,
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
    pub(super) fn dir(&self) -> &Path {
        match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        }
    }

    fn refuse(&self, kind: io::ErrorKind, message: String) -> StoreError {
        self.io_error("open", refusal(kind, message))
    }

    /// Refuses a path that cannot name a store file, or that another user could steer, before
    /// anything is opened or created next to it: an empty path, a FIFO, device, socket or
    /// directory at the path, a link there that was not followed, and a directory or link on
    /// the way that belongs to someone other than root, the caller or the store's owner.
    /// Returns the uid of the store's owner when the store exists.
    pub(super) fn check_path(&self) -> Result<Option<u32>, StoreError> {
        if self.path.as_os_str().is_empty() {
            return Err(self.refuse(
                io::ErrorKind::InvalidInput,
                "the store path is empty".to_owned(),
            ));
        }
        let store_owner = match fs::symlink_metadata(&self.path) {
            Ok(meta) if meta.is_file() => {
                self.check_planted("it", &meta)?;
                Some(unix::owner(&meta))
            }
            Ok(meta) if meta.is_dir() => {
                return Err(self.refuse(
                    io::ErrorKind::IsADirectory,
                    format!(
                        "it is a directory; the store must be a file, for example {}",
                        self.path.join("sessions.json").display()
                    ),
                ));
            }
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(self.io_error(
                    "read",
                    refusal(
                        io::ErrorKind::PermissionDenied,
                        format!(
                            "it is a symbolic link jwtctl does not follow: it belongs to uid {}, \
                         neither root nor you, in a directory others can write, or it is a loop",
                            unix::owner(&meta)
                        ),
                    ),
                ));
            }
            Ok(meta) => {
                return Err(self.refuse(
                    io::ErrorKind::InvalidInput,
                    format!("it is {}, not a store file", crate::files::kind_of(&meta)),
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => {
                // A directory on the way is the likelier culprit (`ENOTDIR`): name it if so.
                self.check_directories(None)?;
                return Err(self.io_error("inspect", e));
            }
        };
        self.check_directories(store_owner)?;
        Ok(store_owner)
    }

    /// Walks the directories of the store's path from the root as the kernel would, following
    /// links, and refuses the first directory or link that a user other than root, the caller
    /// or the store's owner owns, and a directory anyone may write that is not sticky. Where a
    /// directory does not exist yet the walk stops: the writer creates the rest itself.
    pub(super) fn check_directories(&self, store_owner: Option<u32>) -> Result<(), StoreError> {
        let dir = std::path::absolute(self.dir()).map_err(|e| self.io_error("inspect", e))?;
        let mut pending: Vec<PathBuf> = Vec::new();
        push_components(&mut pending, &dir);
        let mut current = PathBuf::new();
        let mut links = 0;
        while let Some(part) = pending.pop() {
            let next = match part.components().next() {
                Some(Component::RootDir | Component::Prefix(_)) => {
                    current = part;
                    continue;
                }
                Some(Component::ParentDir) => {
                    current.pop();
                    continue;
                }
                Some(Component::Normal(_)) => current.join(&part),
                _ => continue,
            };
            let meta = match fs::symlink_metadata(&next) {
                Ok(meta) => meta,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(self.io_error("inspect the directories of", e)),
            };
            let owner = unix::owner(&meta);
            if meta.file_type().is_symlink() {
                if !unix::trusted(owner, store_owner) {
                    return Err(self.refuse(
                        io::ErrorKind::PermissionDenied,
                        format!(
                            "{} on its path is a symbolic link owned by uid {owner}, neither root \
                             nor you (uid {}): another user could move the store",
                            next.display(),
                            unix::euid()
                        ),
                    ));
                }
                links += 1;
                let target = match fs::read_link(&next) {
                    Ok(target) if links <= MAX_SYMLINKS => target,
                    Ok(_) => {
                        return Err(self.refuse(
                            io::ErrorKind::InvalidInput,
                            format!("{} leads through too many symbolic links", dir.display()),
                        ));
                    }
                    Err(e) => return Err(self.io_error("inspect the directories of", e)),
                };
                push_components(&mut pending, &target);
                continue;
            }
            if !meta.is_dir() {
                return Err(self.refuse(
                    io::ErrorKind::NotADirectory,
                    format!("{} on its path is not a directory", next.display()),
                ));
            }
            if !unix::trusted(owner, store_owner) {
                return Err(self.refuse(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "directory {} on its path belongs to uid {owner}, neither root nor you \
                         (uid {}): its owner could replace or delete the store",
                        next.display(),
                        unix::euid()
                    ),
                ));
            }
            if unix::open_to_everyone(&meta) {
                return Err(self.refuse(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "directory {} on its path is writable by everyone and not sticky: \
                         anyone could replace or delete the store",
                        next.display()
                    ),
                ));
            }
            current = next;
        }
        Ok(())
    }

    /// Creates a missing store directory (and its missing parents) with mode 0700. An existing
    /// directory is left as it is.
    pub(super) fn create_dir(&self) -> Result<(), StoreError> {
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

    /// Opens the lock file, creating it (never through a link) if it is missing and `may_create`
    /// says so: 0600, or, beside an existing store (`Some(Some(meta))`), with the owner, group and
    /// mode a rewrite keeps, so a group that shares the store can lock it too. `None` when it is
    /// missing and may not be created.
    pub(super) fn open_lock(
        &self,
        may_create: Option<Option<&fs::Metadata>>,
    ) -> Result<Option<File>, StoreError> {
        let path = self.lock_path();
        let lock_error = |e: io::Error| {
            if is_link_refusal(&e) {
                self.refuse(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "its lock file {} is a symbolic link; it is not followed",
                        path.display()
                    ),
                )
            } else {
                self.io_error("open the lock file of", e)
            }
        };
        let file = match open_options(true).open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound && may_create.is_some() => {
                let mut options = open_options(true);
                options.create_new(true);
                match options.open(&path) {
                    Ok(file) => {
                        if let Some(Some(store_meta)) = may_create {
                            self.kept_attributes(store_meta)?
                                .apply(&file)
                                .map_err(|e| self.io_error("create the lock file of", e))?;
                        }
                        file
                    }
                    // Another writer created it in between.
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                        open_options(true).open(&path).map_err(lock_error)?
                    }
                    Err(e) => return Err(lock_error(e)),
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(lock_error(e)),
        };
        let meta = file
            .metadata()
            .map_err(|e| self.io_error("open the lock file of", e))?;
        if !meta.is_file() {
            return Err(self.refuse(
                io::ErrorKind::InvalidInput,
                format!(
                    "its lock file {} is {}, not a file",
                    path.display(),
                    crate::files::kind_of(&meta)
                ),
            ));
        }
        self.check_planted(&format!("its lock file {}", path.display()), &meta)?;
        Ok(Some(file))
    }

    /// Refuses the store file or its lock file (`what`) when it belongs to neither root nor the
    /// caller and lies in a shared sticky directory: another user created it before jwtctl did,
    /// and could read and edit the store (bringing revoked sessions back) or hold its lock.
    fn check_planted(&self, what: &str, meta: &fs::Metadata) -> Result<(), StoreError> {
        let owner = unix::owner(meta);
        if unix::trusted(owner, None) || !unix::shared_sticky(self.dir()) {
            return Ok(());
        }
        Err(self.refuse(
            io::ErrorKind::PermissionDenied,
            format!(
                "{what} belongs to uid {owner}, neither root nor you (uid {}), in {}, a \
                 directory everyone may write: another user made it, and could change or \
                 delete it",
                unix::euid(),
                self.dir().display()
            ),
        ))
    }

    /// Takes the exclusive lock, waiting at most the store timeout (`--store-timeout`).
    ///
    /// The wait is a blocking `flock` on a second handle of the same open file, in a thread of
    /// its own: polling with `LOCK_NB` starves a waiter while others take turns, and a blocking
    /// call cannot be given a deadline. The lock belongs to the open file, so once the waiting
    /// thread has it, `file` holds it. If the deadline passes first, that thread is left to get
    /// the lock and release it at once, since its handle then is the file's last.
    pub(super) fn lock(&self, file: &File) -> Result<(), StoreError> {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(fs::TryLockError::WouldBlock) => {}
            Err(fs::TryLockError::Error(e)) => return Err(self.io_error("lock", e)),
        }
        let waiter = file.try_clone().map_err(|e| self.io_error("lock", e))?;
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("store-lock".to_owned())
            .spawn(move || {
                let result = loop {
                    match waiter.lock() {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        other => break other,
                    }
                };
                // The receiver is gone when the caller gave up; the lock then goes with `waiter`.
                let _ = sender.send(result);
            })
            .map_err(|e| self.io_error("lock", e))?;
        match receiver.recv_timeout(self.lock_timeout) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(self.io_error("lock", e)),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(self.io_error(
                "lock",
                refusal(
                    io::ErrorKind::TimedOut,
                    format!(
                        "another process held its lock file {} for longer than {} ms \
                         (--store-timeout)",
                        self.lock_path().display(),
                        self.lock_timeout.as_millis()
                    ),
                ),
            )),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(self.io_error(
                "lock",
                refusal(
                    io::ErrorKind::Other,
                    "the thread waiting for the lock ended".to_owned(),
                ),
            )),
        }
    }

    /// Reads the store file, refusing one over [`MAX_STORE_BYTES`]; `None` when there is none.
    pub(super) fn load(&self) -> Result<Option<Loaded>, StoreError> {
        let file = match open_options(false).open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) if is_link_refusal(&e) => {
                return Err(self.refuse(
                    io::ErrorKind::PermissionDenied,
                    "it is a symbolic link that is not followed".to_owned(),
                ));
            }
            Err(e) => return Err(self.io_error("read", e)),
        };
        let meta = file.metadata().map_err(|e| self.io_error("read", e))?;
        if !meta.is_file() {
            return Err(self.refuse(
                io::ErrorKind::InvalidInput,
                format!("it is {}, not a store file", crate::files::kind_of(&meta)),
            ));
        }
        let too_big = |size: u64| {
            self.io_error(
                "read",
                refusal(
                    io::ErrorKind::FileTooLarge,
                    format!(
                        "it holds {size} bytes, over the limit of {MAX_STORE_BYTES} bytes (256 MiB)"
                    ),
                ),
            )
        };
        if meta.len() > MAX_STORE_BYTES {
            return Err(too_big(meta.len()));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        // The file may grow between fstat and read; the limit holds whatever it becomes.
        file.take(MAX_STORE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.io_error("read", e))?;
        if bytes.len() as u64 > MAX_STORE_BYTES {
            return Err(too_big(bytes.len() as u64));
        }
        Ok(Some(Loaded { bytes, meta }))
    }

    /// Replaces the store atomically: temporary file in the same directory (created exclusively,
    /// 0600), fsync, rename, fsync of the directory so the rename itself is durable.
    ///
    /// A rewrite keeps what the store's owner chose: its owner (only root can give a file away,
    /// so another user's store is refused instead), its group, and its mode unless that lets
    /// other users in (then it is 0600 again).
    pub(super) fn save(
        &self,
        previous: Option<&fs::Metadata>,
        write: impl FnOnce(&mut File) -> io::Result<()>,
    ) -> Result<(), StoreError> {
        let keep = previous
            .map(|meta| self.kept_attributes(meta))
            .transpose()?;
        let dir = self.dir();
        self.sweep_temporaries();
        let mut tmp = tempfile::Builder::new()
            .prefix(&self.temporary_prefix())
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| self.io_error("create a temporary file next to", e))?;
        if let Some(keep) = &keep {
            keep.apply(tmp.as_file())
                .map_err(|e| self.io_error("keep the owner, group and mode of", e))?;
        }
        write(tmp.as_file_mut())
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| self.io_error("write", e))?;
        // On failure the temporary file is removed when `PersistError` drops; the old store stays.
        tmp.persist(&self.path)
            .map_err(|e| self.io_error("replace", e.error))?;
        // After the rename the new content is in place; this makes it survive a power cut. A
        // failure here is still reported: the caller cannot know the change is durable.
        sync_dir(dir).map_err(|e| self.io_error("sync the directory of", e))
    }

    /// `.<store name>.`: what every temporary file of this store starts with.
    fn temporary_prefix(&self) -> std::ffi::OsString {
        let mut prefix = std::ffi::OsString::from(".");
        if let Some(name) = self.path.file_name() {
            prefix.push(name);
        }
        prefix.push(".");
        prefix
    }

    /// Removes the temporary files a writer killed before its rename left (`SIGKILL`, a power
    /// cut). Runs under the exclusive lock, which every writer holds while its temporary file
    /// exists, so none of them is in use. Only the caller's own regular files are removed.
    fn sweep_temporaries(&self) {
        let prefix = self.temporary_prefix();
        let prefix = prefix.as_encoded_bytes();
        let Ok(entries) = fs::read_dir(self.dir()) else {
            return;
        };
        for entry in entries.flatten() {
            if !is_temporary_name(prefix, entry.file_name().as_encoded_bytes()) {
                continue;
            }
            if let Ok(meta) = entry.metadata()
                && meta.is_file()
                && unix::owner(&meta) == unix::euid()
            {
                // A file that cannot be removed is only clutter; the write goes on.
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Refuses to rewrite a store another user owns, unless the caller is root (who can give
    /// the new file back to its owner): the rewrite would make it the caller's.
    pub(super) fn check_owner(&self, owner: Option<u32>) -> Result<(), StoreError> {
        let me = unix::euid();
        match owner {
            Some(owner) if owner != me && me != 0 => Err(self.io_error(
                "rewrite",
                refusal(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "it belongs to uid {owner}, not to you (uid {me}); a rewrite would make \
                         it yours and lock its owner out: run as that user or as root"
                    ),
                ),
            )),
            _ => Ok(()),
        }
    }

    #[cfg(unix)]
    fn kept_attributes(&self, meta: &fs::Metadata) -> Result<Kept, StoreError> {
        use std::os::unix::fs::MetadataExt;
        let me = unix::euid();
        self.check_owner(Some(meta.uid()))?;
        Ok(Kept {
            owner: (meta.uid() != me).then_some(meta.uid()),
            group: (meta.gid() != rustix::process::getegid().as_raw()).then_some(meta.gid()),
            mode: kept_mode(meta.mode()),
        })
    }

    #[cfg(not(unix))]
    fn kept_attributes(&self, _: &fs::Metadata) -> Result<Kept, StoreError> {
        Ok(Kept {})
    }
}

/// What a rewrite keeps of the store it replaces.
#[cfg(unix)]
struct Kept {
    /// The owner, when it is not the caller (who is then root).
    owner: Option<u32>,
    /// The group, when it is not the caller's.
    group: Option<u32>,
    mode: u32,
}

#[cfg(not(unix))]
struct Kept {}

impl Kept {
    #[cfg(unix)]
    fn apply(&self, file: &File) -> io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        if self.owner.is_some() || self.group.is_some() {
            std::os::unix::fs::fchown(file, self.owner, self.group)?;
        }
        // After chown, which may clear set-id bits; the mode never has them anyway.
        file.set_permissions(fs::Permissions::from_mode(self.mode))
    }

    #[cfg(not(unix))]
    fn apply(&self, _: &File) -> io::Result<()> {
        Ok(())
    }
}

/// The mode a rewrite gives the store: the old one, owner read and write added, unless it lets
/// other users in, which only a mistake (or a umask of 022) does: then 0600.
fn kept_mode(old: u32) -> u32 {
    let old = old & 0o777;
    if old & 0o007 == 0 {
        (old & 0o770) | 0o600
    } else {
        0o600
    }
}

/// Whether `name` is one of the store's temporary files: `prefix`, tempfile's six random
/// characters, `.tmp`.
fn is_temporary_name(prefix: &[u8], name: &[u8]) -> bool {
    name.len() == prefix.len() + 6 + 4 && name.starts_with(prefix) && name.ends_with(b".tmp")
}

/// Pushes the components of `path` so that popping yields them in order.
fn push_components(stack: &mut Vec<PathBuf>, path: &Path) {
    let start = stack.len();
    for component in path.components() {
        stack.push(PathBuf::from(component.as_os_str()));
    }
    stack[start..].reverse();
}

/// What opening with `O_NOFOLLOW` says for a link: `ELOOP`.
fn is_link_refusal(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_keeps_group_access_and_drops_access_for_others() {
        assert_eq!(kept_mode(0o100600), 0o600);
        assert_eq!(kept_mode(0o640), 0o640);
        assert_eq!(kept_mode(0o660), 0o660);
        assert_eq!(
            kept_mode(0o400),
            0o600,
            "the owner must be able to write it"
        );
        assert_eq!(kept_mode(0o644), 0o600);
        assert_eq!(kept_mode(0o666), 0o600);
        assert_eq!(kept_mode(0o4660), 0o660, "never a set-id bit");
    }

    #[test]
    fn only_names_of_our_own_shape_are_temporary_files() {
        let prefix = b".sessions.json.";
        assert!(is_temporary_name(prefix, b".sessions.json.Ab12Cd.tmp"));
        assert!(!is_temporary_name(prefix, b".sessions.json.notes"));
        assert!(!is_temporary_name(prefix, b".sessions.json.Ab12Cde.tmp"));
        assert!(!is_temporary_name(prefix, b".other.json.Ab12Cd.tmp"));
        assert!(!is_temporary_name(prefix, b"sessions.json"));
    }

    #[test]
    fn components_pop_in_path_order() {
        let mut stack = vec![PathBuf::from("rest")];
        push_components(&mut stack, Path::new("/a/../b"));
        let popped: Vec<PathBuf> = std::iter::from_fn(|| stack.pop()).collect();
        let expected: Vec<PathBuf> = ["/", "a", "..", "b", "rest"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(popped, expected);
    }

    #[test]
    fn a_relative_link_on_the_path_is_walked_where_it_points() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real");
        fs::create_dir(&real).expect("mkdir");
        std::os::unix::fs::symlink("real", dir.path().join("link")).expect("symlink");
        let store = FileStore::new(dir.path().join("link").join("sessions.json"));
        assert!(store.check_path().is_ok());
        // A link to something that is not a directory is refused by name.
        fs::write(dir.path().join("file"), b"").expect("write");
        std::os::unix::fs::symlink("file", dir.path().join("to-file")).expect("symlink");
        let store = FileStore::new(dir.path().join("to-file").join("sessions.json"));
        let message = store.check_path().expect_err("not a directory").to_string();
        assert!(message.contains("is not a directory"), "{message}");
    }
}
