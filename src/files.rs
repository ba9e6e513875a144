//! Files jwtctl writes that hold secrets or keys: created 0600, never silently replaced; and
//! what kind a file is that jwtctl will not read as one.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use crate::exit::{UsageError, UsageKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    Refuse,
    Replace,
}

/// Writes a public key: world-readable is fine, but an existing file is still never replaced
/// without `--force`.
pub fn write_public(path: &Path, contents: &[u8], overwrite: Overwrite) -> anyhow::Result<()> {
    write_private(path, contents, overwrite)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644));
    }
    Ok(())
}

/// Writes `contents` to `path` with mode 0600. Replacing goes through a temporary file in the same
/// directory and a rename, so a reader never sees a half-written key and the mode never widens.
pub fn write_private(path: &Path, contents: &[u8], overwrite: Overwrite) -> anyhow::Result<()> {
    let fail = |error: std::io::Error| {
        UsageError::new(format!("cannot write {}: {error}", path.display()))
    };
    if overwrite == Overwrite::Refuse {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        set_private_mode(&mut options);
        let mut file = options.open(path).map_err(|error| {
            if error.kind() == std::io::ErrorKind::AlreadyExists {
                UsageError::new(format!(
                    "{} already exists; pass --force to overwrite it",
                    path.display()
                ))
            } else {
                fail(error)
            }
        })?;
        file.write_all(contents).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        return Ok(());
    }
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".jwtctl-")
        .tempfile_in(directory)
        .map_err(fail)?;
    temporary.write_all(contents).map_err(fail)?;
    temporary.as_file().sync_all().map_err(fail)?;
    temporary.persist(path).map_err(|error| fail(error.error))?;
    Ok(())
}

/// Writes a file others may read (a man page, a completion script) by temporary file and
/// rename: a link planted at `path` is replaced, never followed, so what it points to is left
/// alone; and a reader never sees half a file.
pub fn replace_public(path: &Path, contents: &[u8]) -> Result<(), UsageError> {
    let fail = |error: std::io::Error| {
        UsageError::of(
            UsageKind::File,
            format!("cannot write {}: {error}", path.display()),
        )
    };
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".jwtctl-")
        .tempfile_in(directory)
        .map_err(fail)?;
    temporary.write_all(contents).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temporary
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    temporary.persist(path).map_err(|error| fail(error.error))?;
    Ok(())
}

#[cfg(unix)]
fn set_private_mode(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(0o600);
}

#[cfg(not(unix))]
fn set_private_mode(_: &mut OpenOptions) {}

/// The kind of a file that is not a regular one, for messages.
pub fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let file_type = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}
