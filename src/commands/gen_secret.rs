//! `jwtctl gen-secret`: random bytes from the operating system's CSPRNG.

use std::io::Write;

use anyhow::Context as _;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::TryRng;
use rand::rngs::SysRng;
use zeroize::Zeroizing;

use crate::cli::{GenSecretArgs, OutputEncoding};
use crate::exit::{RunError, Status, UsageError};
use crate::files::{self, Overwrite};

use super::Context;

/// The smallest secret accepted without `--allow-weak-secret`: HS256's minimum (RFC 7518 3.2).
pub const MIN_BYTES: usize = 32;
/// More than anyone needs; keeps a typo from filling the disk.
pub const MAX_BYTES: usize = 1024 * 1024;

pub fn run(args: &GenSecretArgs, ctx: &Context) -> anyhow::Result<Status> {
    if args.bytes == 0 || args.bytes > MAX_BYTES {
        return Err(UsageError::new(format!(
            "--bytes must be between 1 and {MAX_BYTES}, got {}",
            args.bytes
        ))
        .into());
    }
    if args.bytes < MIN_BYTES {
        if !args.allow_weak_secret {
            return Err(UsageError::new(format!(
                "--bytes {} is below the minimum of {MIN_BYTES} (RFC 7518 section 3.2); \
                 pass --allow-weak-secret to allow it",
                args.bytes
            ))
            .into());
        }
        ctx.output.warning(&format!(
            "a {}-byte secret is too short for HS256, which needs {MIN_BYTES}",
            args.bytes
        ));
    }
    let mut bytes = Zeroizing::new(vec![0u8; args.bytes]);
    SysRng
        .try_fill_bytes(&mut bytes)
        .map_err(|error| RunError::Random(error.to_string()))?;
    let mut encoded = Zeroizing::new(match args.encoding {
        OutputEncoding::Hex => hex::encode(&*bytes),
        OutputEncoding::Base64 => STANDARD.encode(&*bytes),
        OutputEncoding::Base64url => URL_SAFE_NO_PAD.encode(&*bytes),
    });
    encoded.push('\n');
    match &args.out {
        Some(path) => {
            let overwrite = if args.force {
                Overwrite::Replace
            } else {
                Overwrite::Refuse
            };
            files::write_private(path, encoded.as_bytes(), overwrite)?;
            if args.json {
                let report = serde_json::json!({
                    "path": path.display().to_string(),
                    "bytes": args.bytes,
                    "encoding": encoding_name(args.encoding),
                });
                writeln!(std::io::stdout(), "{report}")
                    .context("cannot write to standard output")?;
            }
        }
        None if args.json => {
            let report = serde_json::json!({
                "secret": encoded.trim_end(),
                "bytes": args.bytes,
                "encoding": encoding_name(args.encoding),
            });
            writeln!(std::io::stdout(), "{report}").context("cannot write to standard output")?;
        }
        None => std::io::stdout()
            .write_all(encoded.as_bytes())
            .context("cannot write to standard output")?,
    }
    Ok(Status::Success)
}

fn encoding_name(encoding: OutputEncoding) -> &'static str {
    match encoding {
        OutputEncoding::Hex => "hex",
        OutputEncoding::Base64 => "base64",
        OutputEncoding::Base64url => "base64url",
    }
}
