//! The local time zone for `decode --date local`, read here rather than by jiff: jiff reads
//! whatever file `TZ` or `TZDIR` leads to whole and blocking (`/dev/zero`, a FIFO, a relative
//! path into one), which never ends. Every file is opened without blocking, must be a regular
//! file, and is read up to a limit.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;

use crate::jwt::text::sanitize;

/// Zone files are a few kilobytes.
pub const MAX_ZONE_FILE_BYTES: u64 = 1024 * 1024;

/// Where zone files are when `TZDIR` does not say: jiff's list, which is glibc's and musl's.
const ZONEINFO_DIRS: [&str; 3] = [
    "/usr/share/zoneinfo",
    "/usr/share/lib/zoneinfo",
    "/etc/zoneinfo",
];

const SYSTEM_ZONE: &str = "/etc/localtime";

/// The zone `TZ` names (a zone file, a zone name, a POSIX rule such as `EST5EDT`), or the
/// system's (`/etc/localtime`); `Err` says why neither can be used.
pub fn local() -> Result<TimeZone, String> {
    let Some(value) = std::env::var_os("TZ") else {
        return match read_zone_file(Path::new(SYSTEM_ZONE)) {
            Ok(Some(bytes)) => parse(SYSTEM_ZONE, &bytes)
                .map_err(|why| format!("the system time zone {SYSTEM_ZONE} {why}")),
            Ok(None) => Ok(TimeZone::UTC),
            Err(why) => Err(format!("the system time zone {SYSTEM_ZONE} {why}")),
        };
    };
    let value = value.to_string_lossy();
    let spec = value.strip_prefix(':').unwrap_or(&value);
    // As in the C library: an empty TZ is UTC.
    if spec.is_empty() {
        return Ok(TimeZone::UTC);
    }
    named(spec).map_err(|why| format!("TZ={} {why}", sanitize(spec)))
}

fn named(spec: &str) -> Result<TimeZone, String> {
    for path in candidates(spec) {
        let found = match read_zone_file(&path) {
            Ok(Some(bytes)) => parse(spec, &bytes),
            Ok(None) => continue,
            Err(why) => Err(why),
        };
        return found.map_err(|why| {
            if path == Path::new(spec) {
                why
            } else {
                format!("leads to {}, which {why}", shown(&path))
            }
        });
    }
    TimeZone::posix(spec).map_err(|_| {
        "names no time zone file and is not a POSIX TZ rule (such as EST5EDT)".to_owned()
    })
}

/// The files `spec` may name, in the order they are tried: an absolute path is itself; a name
/// is looked up in `TZDIR` or the usual directories, then, as jiff does, taken as a path from
/// the current directory.
fn candidates(spec: &str) -> Vec<PathBuf> {
    let path = Path::new(spec);
    if path.is_absolute() {
        return vec![path.to_path_buf()];
    }
    let mut dirs: Vec<PathBuf> = std::env::var_os("TZDIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .into_iter()
        .collect();
    dirs.extend(ZONEINFO_DIRS.iter().map(PathBuf::from));
    let mut candidates: Vec<PathBuf> = dirs.into_iter().map(|dir| dir.join(path)).collect();
    candidates.push(path.to_path_buf());
    candidates
}

fn parse(name: &str, bytes: &[u8]) -> Result<TimeZone, String> {
    TimeZone::tzif(name, bytes).map_err(|error| format!("is not a time zone file: {error}"))
}

fn shown(path: &Path) -> String {
    sanitize(&path.display().to_string())
}

/// The bytes of the zone file at `path`; `None` when there is none. Opened without blocking
/// (a FIFO has no writer), and refused unless it is a regular file within the limit.
fn read_zone_file(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let file = match open_nonblocking(path) {
        Ok(file) => file,
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(error) => return Err(format!("cannot be read: {error}")),
    };
    let meta = file
        .metadata()
        .map_err(|error| format!("cannot be read: {error}"))?;
    if !meta.is_file() {
        return Err(format!(
            "is {}, not a time zone file",
            crate::files::kind_of(&meta)
        ));
    }
    let too_big = || format!("is over the limit of {MAX_ZONE_FILE_BYTES} bytes for a zone file");
    if meta.len() > MAX_ZONE_FILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(MAX_ZONE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot be read: {error}"))?;
    if bytes.len() as u64 > MAX_ZONE_FILE_BYTES {
        return Err(too_big());
    }
    Ok(Some(bytes))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::CLOEXEC;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_looked_up_in_the_zone_directories_before_the_current_one() {
        let found = candidates("Europe/Paris");
        assert_eq!(found.last(), Some(&PathBuf::from("Europe/Paris")));
        assert!(found.contains(&PathBuf::from("/usr/share/zoneinfo/Europe/Paris")));
        assert_eq!(
            candidates("/etc/localtime"),
            [PathBuf::from("/etc/localtime")]
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_directories_are_refused_without_reading_them() {
        let device = read_zone_file(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(device, "is a device, not a time zone file");
        let directory = read_zone_file(Path::new("/")).unwrap_err();
        assert_eq!(directory, "is a directory, not a time zone file");
        assert_eq!(read_zone_file(Path::new("/nonexistent/zone")), Ok(None));
    }
}
