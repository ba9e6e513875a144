//! `jwtctl encrypt`: a compact JWE of the plaintext for the recipient key.

use std::io::Write;

use anyhow::Context as _;
use serde_json::json;

use crate::config::EncryptConfig;
use crate::exit::Status;
use crate::jwt::KeyError;
use crate::jwt::jwe;

use super::Context;

pub fn run(config: &EncryptConfig, _ctx: &Context) -> anyhow::Result<Status> {
    let token = jwe::encrypt(
        &config.plaintext,
        &config.recipient,
        config.alg,
        config.enc,
        &config.extras,
    )
    .map_err(|error| KeyError::unfit(format!("cannot encrypt: {error}")))?;
    let mut line = if config.args.json {
        json!({ "jwe": token, "alg": config.alg.name(), "enc": config.enc.name() }).to_string()
    } else {
        token
    };
    line.push('\n');
    std::io::stdout()
        .write_all(line.as_bytes())
        .context("cannot write to standard output")?;
    Ok(Status::Success)
}
