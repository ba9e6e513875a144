//! One module per subcommand. Each exposes `run(config, ctx) -> anyhow::Result<Status>` and runs
//! with what [`crate::config`] resolved: a rejected token is a status the command reports itself;
//! an error means jwtctl could not decide. Commands do not call each other: what several print
//! the same way is in [`print`], the store records of a session in [`session`].

pub mod batch;
pub mod completions;
pub mod decode;
pub mod gen_key;
pub mod gen_secret;
pub mod issue;
pub mod jwks;
pub mod print;
pub mod refresh;
pub mod revoke;
pub mod session;
pub mod sessions;
pub mod verify;

use crate::config::Resolved;
use crate::exit::Status;
use crate::output::Output;

/// What every command gets besides its configuration.
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

/// Runs a resolved command.
pub fn run(resolved: Resolved<'_>, ctx: &Context) -> anyhow::Result<Status> {
    match resolved {
        Resolved::GenSecret(args) => gen_secret::run(args, ctx),
        Resolved::Issue(config) => issue::run(&config, ctx),
        Resolved::Verify(config) => verify::run(&config, ctx),
        Resolved::Decode(config) => decode::run(&config, ctx),
        Resolved::Refresh(config) => refresh::run(&config, ctx),
        Resolved::Revoke(config) => revoke::run(&config, ctx),
        Resolved::Sessions(config) => sessions::run(&config, ctx),
        Resolved::Prune(config) => sessions::prune(&config, ctx),
        Resolved::GenKey(args) => gen_key::run(args, ctx),
        Resolved::Jwks(args) => jwks::run(args, ctx),
        Resolved::Completions(args) => completions::run(args, ctx),
        Resolved::Man(args) => completions::man(args, ctx),
    }
}
