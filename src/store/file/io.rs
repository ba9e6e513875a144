//! The file store on disk: which file a path names (the symbolic-link policy), the lock file,
//! reading the store, and replacing it atomically.
//!
//! Each call locks, reads, changes and (if anything changed) writes the whole file: a temporary
//! file in the same directory, fsynced, renamed over the store, then the directory fsynced. A
//! process killed at any instant leaves the old or the new file, never a torn one.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::FileStore;
use crate::store::StoreError;

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

impl FileStore {
    /// The store at the end of the symbolic links at its path, if there are any: a write replaces
    /// the file by rename, which would otherwise replace the link with a plain file, and two
    /// links to one store must lock the same lock file. A link to a file that does not exist yet
    /// is followed too; a loop is left alone, for the read to report.
    pub(super) fn followed(&self) -> FileStore {
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
    pub(super) fn dir(&self) -> &Path {
        match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        }
    }

    /// Refuses a path that cannot name a store file, before anything is created next to it.
    pub(super) fn check_path(&self) -> Result<(), StoreError> {
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

    pub(super) fn open_lock_for_write(&self) -> Result<File, StoreError> {
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
    pub(super) fn open_lock_for_read(&self) -> Result<Option<File>, StoreError> {
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
    pub(super) fn load(&self) -> Result<Option<Vec<u8>>, StoreError> {
        match fs::read(&self.path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io_error("read", e)),
        }
    }

    /// Replaces the store atomically: temporary file (0600) in the same directory, fsync, rename,
    /// fsync of the directory so the rename itself is durable.
    pub(super) fn save(
        &self,
        write: impl FnOnce(&mut File) -> io::Result<()>,
    ) -> Result<(), StoreError> {
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
}

pub(super) fn lock_with_retry(file: &File, exclusive: bool) -> io::Result<()> {
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
