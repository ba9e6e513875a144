//! Opening the store named by the options, for the commands that use one.

use crate::cli::{StoreArgs, StoreServerArgs};
use crate::exit::UsageError;
use crate::store::{self, Location, OpenOptions, Store};

/// The variable naming the store when `--store` is not given.
pub const STORE_VARIABLE: &str = "JWTCTL_STORE";

/// Resolves `--store` (or `JWTCTL_STORE`, which clap already folded in) to a location.
pub fn location(value: Option<&str>) -> Result<Location, UsageError> {
    match value.filter(|value| !value.is_empty()) {
        Some(value) => Location::parse(value).map_err(UsageError::new),
        None => Location::default_file().ok_or_else(|| {
            UsageError::new("no data directory is known for the default store; pass --store PATH")
        }),
    }
}

/// Opens the store. For the file store this does no I/O; a Redis store connects here.
pub fn open(args: &StoreArgs) -> anyhow::Result<Box<dyn Store>> {
    open_at(args.store.as_deref(), &args.server)
}

pub fn open_at(value: Option<&str>, server: &StoreServerArgs) -> anyhow::Result<Box<dyn Store>> {
    let location = location(value)?;
    // Sub-second bounds (500ms) make sense here, so the full duration is kept.
    let timeout = humantime::parse_duration(server.store_timeout.trim()).map_err(|error| {
        UsageError::new(format!(
            "--store-timeout: invalid duration {:?}: {error} (examples: 500ms, 3s)",
            server.store_timeout
        ))
    })?;
    if timeout.is_zero() {
        return Err(UsageError::new("--store-timeout must be longer than 0s").into());
    }
    let options = OpenOptions {
        prefix: server.store_prefix.clone(),
        timeout,
        ..OpenOptions::default()
    };
    Ok(store::open(&location, &options)?)
}

/// Opens a store only to read it (`verify --check-revocation`). A file store that does not exist
/// holds no revocation; that is worth a warning, since a mistyped path would otherwise turn the
/// check off silently.
pub fn open_existing(
    value: Option<&str>,
    server: &StoreServerArgs,
    ctx: &super::Context,
) -> anyhow::Result<Box<dyn Store>> {
    if let Location::File(path) = location(value)?
        && !path.exists()
    {
        ctx.output.warning(&format!(
            "store {} does not exist: no revocation is recorded there",
            path.display()
        ));
    }
    open_at(value, server)
}
