//! `jwtctl decrypt`: the plaintext of a compact JWE, exactly, and nothing when it does not open.

use std::io::Write;

use anyhow::Context as _;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::config::{DecryptConfig, ReadError, read_jwe};
use crate::exit::Status;

use super::{Context, print};

pub fn run(config: &DecryptConfig, ctx: &Context) -> anyhow::Result<Status> {
    let json = config.args.json;
    let compact = match read_jwe(&config.input) {
        Ok(compact) => compact,
        Err(ReadError::Rejected(rejection)) => return reject(&rejection, json, ctx),
        Err(ReadError::Failed(error)) => return Err(error),
    };
    let opened = match config.decryption.open(&compact) {
        Ok(opened) => opened,
        Err(rejection) => return reject(&rejection, json, ctx),
    };
    let mut stdout = std::io::stdout().lock();
    if json {
        let mut document = json!({
            "header": Value::Object(opened.header.clone()),
            "alg": opened.alg.name(),
            "enc": opened.enc.name(),
        });
        match std::str::from_utf8(&opened.plaintext) {
            Ok(text) => document["plaintext"] = Value::String(text.to_owned()),
            Err(_) => {
                document["plaintext_base64url"] =
                    Value::String(URL_SAFE_NO_PAD.encode(&opened.plaintext));
            }
        }
        let text = ctx.output.json(document.to_string());
        writeln!(stdout, "{text}").context("cannot write to standard output")?;
    } else if ctx.output.stdout_terminal {
        // Whoever encrypted it chose these bytes: on a terminal they are shown, not obeyed.
        let text = String::from_utf8_lossy(&opened.plaintext);
        stdout
            .write_all(crate::jwt::text::text_for_terminal(&text).as_bytes())
            .context("cannot write to standard output")?;
    } else {
        stdout
            .write_all(&opened.plaintext)
            .context("cannot write to standard output")?;
    }
    stdout.flush().context("cannot write to standard output")?;
    Ok(Status::Success)
}

fn reject(rejection: &crate::jwt::TokenError, json: bool, ctx: &Context) -> anyhow::Result<Status> {
    if json {
        let mut line = Vec::new();
        print::push_rejection(&mut line, rejection, None);
        std::io::stdout()
            .write_all(&line)
            .context("cannot write to standard output")?;
    }
    Ok(print::rejected(rejection, json, ctx))
}
