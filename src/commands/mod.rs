//! One module per subcommand. Each exposes `run(args, ctx) -> anyhow::Result<Status>`: a rejected
//! token is a status the command reports itself; an error means jwtctl could not decide.

pub mod batch;
pub mod completions;
pub mod decode;
pub mod gen_key;
pub mod gen_secret;
pub mod issue;
pub mod jwks;
pub mod keys;
pub mod refresh;
pub mod remote_keys;
pub mod revoke;
pub mod sessions;
pub mod store;
pub mod verify;

use std::io::{IsTerminal, Read};

use anyhow::Context as _;

use crate::exit::UsageError;
use crate::jwt::TokenError;
use crate::jwt::token::{MAX_TOKEN_BYTES, normalize};
use crate::output::Output;

/// What every command gets besides its arguments.
pub struct Context {
    pub output: Output,
    /// Unix seconds, read once at start.
    pub now: i64,
}

impl Context {
    /// A warning printer to hand to the core, which never prints itself.
    pub fn warner(&self) -> impl FnMut(String) + '_ {
        move |message: String| self.output.warning(&message)
    }
}

/// Whether a positional token argument means "read standard input".
pub fn reads_stdin(argument: Option<&str>) -> bool {
    matches!(argument, None | Some("-"))
}

/// The token from the argument, or from standard input when it is absent or `-`; normalized
/// (surrounding whitespace and a leading `Bearer ` removed). Oversized input is refused before
/// anything is decoded.
pub fn read_token(argument: Option<&str>) -> anyhow::Result<String> {
    if let Some(token) = argument.filter(|token| *token != "-") {
        if std::path::Path::new(token).is_file() {
            return Err(TokenError::malformed(format!(
                "{token:?} is a file name, not a token: read the file with `< {token}`"
            ))
            .into());
        }
        return Ok(normalize(token).to_owned());
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(
            UsageError::new("no token given: pass it as an argument or on standard input").into(),
        );
    }
    let mut bytes = Vec::new();
    // Room for whitespace around a token of the maximum size; anything longer is refused below.
    let limit = 2 * MAX_TOKEN_BYTES as u64;
    stdin
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .context("cannot read the token from standard input")?;
    if bytes.len() as u64 > limit {
        return Err(TokenError::malformed(format!(
            "input on standard input is longer than the limit of {MAX_TOKEN_BYTES} bytes"
        ))
        .into());
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| TokenError::malformed("input on standard input is not UTF-8 text"))?;
    Ok(normalize(&text).to_owned())
}
