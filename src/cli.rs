//! The command tree, as clap sees it: what was typed, before any of it is resolved.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::jwt::keys::SecretEncoding;

mod jwe;
use crate::jwt::{Alg, Family, TokenType};
pub use jwe::*;

const ROOT_AFTER_HELP: &str = "\
Examples:
  export JWTCTL_SECRET=\"$(jwtctl gen-secret)\"
  pair=\"$(jwtctl issue --sub alice --claim role=admin)\"
  ACCESS=\"$(echo \"$pair\" | sed -n 1p)\" REFRESH=\"$(echo \"$pair\" | sed -n 2p)\"
  jwtctl verify \"$ACCESS\"        # the claims; exit 0
  jwtctl decode \"$ACCESS\"        # header and payload, nothing verified
  jwtctl refresh \"$REFRESH\"      # a new pair; the old refresh token is spent
  jwtctl revoke --user alice

Exit status (the same for every command):
  0  success; for verify, the token is valid
  1  rejected: signature, malformed, algorithm, type, claim, revoked, reused
  2  usage or configuration error: bad flags, unreadable key, invalid JSON
  3  token expired or not yet valid: a refresh may help
  4  store, key-source or I/O failure: store down or corrupt, keys not fetched

Environment:
  JWTCTL_SECRET          HMAC secret, unless --secret-file or --secret-env
  JWTCTL_REFRESH_SECRET  HMAC secret for refresh tokens (default: the main key)
  JWTCTL_STORE           store location: a file path or a redis:// URL
  JWTCTL_THREADS         threads for --batch (default: one per core; at most 64)
  NO_COLOR               set and not empty: no colour (--color auto)

Secrets are read from files or environment variables, never the command line.";

#[derive(Debug, Parser)]
#[command(
    name = "jwtctl",
    // The version, the target, the crypto backend and the commit (build.rs).
    version = env!("JWTCTL_VERSION_LINE"),
    about = "Issue, verify, decode, refresh and revoke JSON Web Tokens",
    after_help = ROOT_AFTER_HELP,
    // --version is the root's only: `jwtctl --version`, not one flag per subcommand.
    disable_version_flag = true,
    max_term_width = 100
)]
pub struct Cli {
    /// When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set
    /// or TERM is dumb
    // Global, so it is accepted after the subcommand too; its own heading keeps it out of each
    // subcommand's list of options.
    #[arg(
        long,
        value_enum,
        global = true,
        default_value_t = ColorChoice::Auto,
        value_name = "WHEN",
        help_heading = "Global options"
    )]
    pub color: ColorChoice,

    /// Print the version, the target, the crypto backend and the commit
    #[arg(short = 'V', long, action = clap::ArgAction::Version, help_heading = "Global options")]
    pub version: Option<bool>,

    #[command(subcommand)]
    pub command: Command,
}

/// An algorithm as the command line names it; the core's [`Alg`] knows nothing of clap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlgArg(pub Alg);

const ALG_ARGS: [AlgArg; Alg::ALL.len()] = {
    let mut args = [AlgArg(Alg::HS256); Alg::ALL.len()];
    let mut index = 0;
    while index < Alg::ALL.len() {
        args[index] = AlgArg(Alg::ALL[index]);
        index += 1;
    }
    args
};

impl ValueEnum for AlgArg {
    fn value_variants<'a>() -> &'a [Self] {
        &ALG_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()))
    }
}

impl From<AlgArg> for Alg {
    fn from(arg: AlgArg) -> Alg {
        arg.0
    }
}

/// `gen-key --alg`: the algorithms of key pairs. The HMAC ones are accepted but not listed (in
/// help, completions or man pages), so that `gen-key --alg HS256` gets its own answer: use
/// gen-secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPairAlgArg(pub Alg);

const KEY_PAIR_ALG_ARGS: [KeyPairAlgArg; Alg::ALL.len()] = {
    let mut args = [KeyPairAlgArg(Alg::HS256); Alg::ALL.len()];
    let mut index = 0;
    while index < Alg::ALL.len() {
        args[index] = KeyPairAlgArg(Alg::ALL[index]);
        index += 1;
    }
    args
};

impl ValueEnum for KeyPairAlgArg {
    fn value_variants<'a>() -> &'a [Self] {
        &KEY_PAIR_ALG_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()).hide(self.0.family() == Family::Hmac))
    }
}

impl From<KeyPairAlgArg> for Alg {
    fn from(arg: KeyPairAlgArg) -> Alg {
        arg.0
    }
}

/// `--type`: which token types `verify` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypeArg {
    /// Only `typ: at+jwt`
    Access,
    /// Only jwtctl refresh tokens (`typ: refresh+jwt`)
    Refresh,
    /// Every type, refresh tokens included
    Any,
}

impl From<TypeArg> for TokenType {
    fn from(arg: TypeArg) -> TokenType {
        match arg {
            TypeArg::Access => TokenType::Access,
            TypeArg::Refresh => TokenType::Refresh,
            TypeArg::Any => TokenType::Any,
        }
    }
}

/// `--secret-encoding`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum SecretEncodingArg {
    /// The text's bytes as they are (what Node's `jwt.sign(payload, string)` does)
    #[default]
    Raw,
    Hex,
    Base64,
    Base64url,
}

impl From<SecretEncodingArg> for SecretEncoding {
    fn from(arg: SecretEncodingArg) -> SecretEncoding {
        match arg {
            SecretEncodingArg::Raw => SecretEncoding::Raw,
            SecretEncodingArg::Hex => SecretEncoding::Hex,
            SecretEncodingArg::Base64 => SecretEncoding::Base64,
            SecretEncodingArg::Base64url => SecretEncoding::Base64url,
        }
    }
}

/// Why a value given to an option was refused, for the one-line message the error printer
/// makes of it: `--leeway: invalid duration ...`, or `--access-ttl must be longer than 0s`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub message: String,
    /// The message continues the option's name as a sentence instead of following a colon.
    pub continues: bool,
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValueError {}

fn invalid(message: String) -> ValueError {
    ValueError {
        message,
        continues: false,
    }
}

/// A duration in whole seconds: `90s`, `5m`, `6h`, `7d`, `1h 30m`.
pub fn seconds(text: &str) -> Result<i64, ValueError> {
    crate::jwt::time::parse_duration(text).map_err(invalid)
}

/// A token lifetime: a duration longer than zero.
pub fn ttl(text: &str) -> Result<i64, ValueError> {
    match seconds(text)? {
        0 => Err(ValueError {
            message: "must be longer than 0s".to_owned(),
            continues: true,
        }),
        seconds => Ok(seconds),
    }
}

/// `refresh --reuse-grace`: a duration of at most five minutes, 0 for none.
pub fn reuse_grace(text: &str) -> Result<i64, ValueError> {
    let grace = seconds(text)?;
    if grace > crate::store::MAX_REUSE_GRACE {
        return Err(ValueError {
            message: "must be at most 5m".to_owned(),
            continues: true,
        });
    }
    Ok(grace)
}

/// A store timeout: sub-second bounds (500ms) make sense, so the full duration is kept.
pub fn store_timeout(text: &str) -> Result<Duration, ValueError> {
    let timeout = humantime::parse_duration(text.trim()).map_err(|error| {
        invalid(format!(
            "invalid duration {text:?}: {error} (examples: 500ms, 3s)"
        ))
    })?;
    if timeout.is_zero() {
        return Err(ValueError {
            message: "must be longer than 0s".to_owned(),
            continues: true,
        });
    }
    Ok(timeout)
}

/// `--now`: unix seconds, or an RFC 3339 date such as 2026-11-27T02:15:00Z.
pub fn instant(text: &str) -> Result<i64, ValueError> {
    if let Ok(seconds) = text.trim().parse::<i64>() {
        return Ok(seconds);
    }
    // RFC 3339 with any offset (humantime reads only Z), then humantime's weak form (no offset: UTC).
    if let Ok(instant) = text.trim().parse::<jiff::Timestamp>() {
        return Ok(instant.as_second());
    }
    humantime::parse_rfc3339_weak(text.trim())
        .ok()
        .and_then(|instant| instant.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|elapsed| i64::try_from(elapsed.as_secs()).ok())
        .ok_or_else(|| ValueError {
            message: format!(
                "{text:?} is neither unix seconds nor an RFC 3339 date (2026-11-27T02:15:00Z)"
            ),
            continues: true,
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

// `defer`: only the arguments of the subcommand that runs are built, not those of all eleven,
// which was most of the time a short command spent before doing anything. (A doc comment here
// would become the root's description.) With `defer`, a doc comment on a flattened `Args` struct
// would replace the subcommand's own description, since clap applies it after the variant's: such
// structs have plain comments.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Print a new random secret (32 bytes from the OS CSPRNG, hex)
    #[command(after_help = GEN_SECRET_EXAMPLES)]
    GenSecret(GenSecretArgs),
    /// Issue an access token and a refresh token
    #[command(after_help = ISSUE_EXAMPLES)]
    Issue(IssueArgs),
    /// Verify a token's signature, expiry and claims, as an auth middleware would
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Show a token's header and payload WITHOUT verifying anything
    #[command(after_help = DECODE_EXAMPLES)]
    Decode(DecodeArgs),
    /// Trade a refresh token for a new pair (rotation with reuse detection)
    #[command(after_help = REFRESH_EXAMPLES)]
    Refresh(RefreshArgs),
    /// Revoke refresh tokens: a user's, a session family, one token's family, or all
    #[command(after_help = REVOKE_EXAMPLES)]
    Revoke(RevokeArgs),
    /// List live sessions, or prune expired records
    #[command(after_help = SESSIONS_EXAMPLES)]
    Sessions(SessionsArgs),
    /// Generate a key pair (RSA, EC or Ed25519) as PEM or JWK files
    #[command(after_help = GEN_KEY_EXAMPLES)]
    GenKey(GenKeyArgs),
    /// Convert a key between PEM and JWK, private or public only
    #[command(after_help = CONVERT_EXAMPLES)]
    Convert(ConvertArgs),
    /// Encrypt a plaintext (or a token, as a nested JWT) to a recipient key: a compact JWE
    #[command(after_help = ENCRYPT_EXAMPLES)]
    Encrypt(EncryptArgs),
    /// Decrypt a compact JWE with your key and print the plaintext bytes
    #[command(after_help = DECRYPT_EXAMPLES)]
    Decrypt(DecryptArgs),
    /// Print a JWKS (RFC 7517) of public keys, with RFC 7638 thumbprints as key ids
    #[command(after_help = JWKS_EXAMPLES)]
    Jwks(JwksArgs),
    /// Print a shell completion script, or write all of them to a directory
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Write man pages (one for jwtctl, one per subcommand) to a directory
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
}

const GEN_KEY_EXAMPLES: &str = "\
Examples:
  jwtctl gen-key --alg ES256 --out private.pem --public-out public.pem
  jwtctl gen-key --alg RS256 --bits 3072 --out rsa.pem      # and rsa.pub.pem
  jwtctl gen-key --alg ES512 --format jwk --out p521.jwk   # and p521.pub.jwk
  jwtctl gen-key --alg EdDSA --out ed.pem --json";

const CONVERT_EXAMPLES: &str = "\
Examples:
  jwtctl convert key.pem --to jwk --out key.jwk   # private JWK, mode 0600
  jwtctl convert key.pem --to jwk --public        # public JWK, thumbprint kid
  jwtctl convert downloaded.jwk --to pem --public > public.pem
  jwtctl convert jwks.json --kid 2024-05 --to pem --public
  jwtctl convert encrypted.pem --key-password-env KEY_PASSWORD \\
    --to jwk --out key.jwk

A private key is never printed to a terminal unless --force is given.";

const JWKS_EXAMPLES: &str = "\
Examples:
  jwtctl jwks public.pem > jwks.json
  jwtctl gen-key --alg PS256 --out rsa.pem       # and rsa.pub.pem
  jwtctl jwks rsa.pub.pem --alg PS256
  jwtctl verify --jwks https://auth.example.com/.well-known/jwks.json \"$TOKEN\"";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  mkdir -p ~/.local/share/bash-completion/completions
  jwtctl completions bash > ~/.local/share/bash-completion/completions/jwtctl
  jwtctl completions zsh > \"${fpath[1]}/_jwtctl\"
  jwtctl completions fish > ~/.config/fish/completions/jwtctl.fish";

const MAN_EXAMPLES: &str = "\
Examples:
  jwtctl man --dir target/man
  man target/man/jwtctl-verify.1";

#[derive(Debug, Args)]
pub struct GenKeyArgs {
    /// The algorithm the key is for
    #[arg(long, value_enum, value_name = "ALG")]
    pub alg: KeyPairAlgArg,
    /// RSA key size
    #[arg(long, default_value_t = 2048, value_name = "BITS", value_parser = rsa_bits)]
    pub bits: usize,
    /// Write the private key (PKCS#8 PEM or a private JWK, mode 0600) here
    #[arg(long, value_name = "PRIVATE.pem")]
    pub out: PathBuf,
    /// Write the public key (SPKI PEM or a public JWK) here [default: the --out name with
    /// .pub.pem for .pem (ec.pem -> ec.pub.pem), .pub.jwk for .jwk]
    #[arg(long, value_name = "PUBLIC.pem")]
    pub public_out: Option<PathBuf>,
    /// The files' form; a JWK carries alg, use and its RFC 7638 thumbprint as kid
    #[arg(long, value_enum, default_value_t = KeyFormat::Pem)]
    pub format: KeyFormat,
    /// What a JWK is for: sig (signing, with its alg) or enc (a JWE recipient's key, for
    /// encrypt --key-file and issue --encrypt-to; RS*, PS* and ES* keys)
    #[arg(long = "use", value_enum, default_value_t = KeyUseArg::Sig, value_name = "USE")]
    pub key_use: KeyUseArg,
    /// Overwrite existing files
    #[arg(long)]
    pub force: bool,
    /// Print {"alg","kid","private_key","public_key"} on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyUseArg {
    Sig,
    Enc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyFormat {
    /// PKCS#8 for a private key, SPKI for a public one
    Pem,
    /// A JSON Web Key (RFC 7517)
    Jwk,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The key: PEM (plain or encrypted PKCS#8, SEC1, PKCS#1, a certificate), a JWK, or a JWKS
    /// (with --kid)
    #[arg(value_name = "KEY")]
    pub key: PathBuf,
    /// The form to write
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: KeyFormat,
    /// Write only the public half
    #[arg(long)]
    pub public: bool,
    /// Write to FILE (mode 0600 for a private key) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite --out, or print a private key to a terminal
    #[arg(long)]
    pub force: bool,
    /// The algorithm to name in a JWK's alg [default: the key's own, or its usual one]
    #[arg(long, value_enum, value_name = "ALG")]
    pub alg: Option<AlgArg>,
    /// With a JWKS: the key to convert
    #[arg(long, value_name = "KID", allow_hyphen_values = true)]
    pub kid: Option<String>,
    /// Read the password of an encrypted KEY from PATH (- for standard input)
    #[arg(long, value_name = "PATH", conflicts_with = "key_password_env")]
    pub key_password_file: Option<PathBuf>,
    /// Read the password of an encrypted KEY from the environment variable NAME
    #[arg(long, value_name = "NAME")]
    pub key_password_env: Option<String>,
    /// Print {"format","private","kid","path"} on stdout when writing --out
    #[arg(long, requires = "out")]
    pub json: bool,
}

fn rsa_bits(text: &str) -> Result<usize, String> {
    match text {
        "2048" | "3072" | "4096" => text.parse().map_err(|_| "not a number".to_owned()),
        _ => Err("choose 2048, 3072 or 4096".to_owned()),
    }
}

#[derive(Debug, Args)]
pub struct JwksArgs {
    /// Public (or private) PEM key files
    #[arg(value_name = "KEY.pem", required = true)]
    pub keys: Vec<PathBuf>,
    /// The algorithm to announce for each key [default: the key's own: RS256, ES256, ES384, EdDSA]
    #[arg(long, value_enum, value_name = "ALG")]
    pub alg: Option<AlgArg>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum, required_unless_present = "dir")]
    pub shell: Option<clap_complete::Shell>,
    /// Write the scripts for every shell into DIR instead
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The directory to write the pages into (created if missing)
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
}

const REFRESH_EXAMPLES: &str = "\
Output: as for issue; the presented refresh token is spent (rotated), and presenting it again
revokes its whole session family.

Examples:
  { read -r ACCESS; read -r REFRESH; } < <(jwtctl refresh \"$REFRESH\")
  jwtctl refresh --output json < refresh.txt
  jwtctl refresh --no-rotate \"$REFRESH\"";

const REVOKE_EXAMPLES: &str = "\
Examples:
  jwtctl revoke --user alice
  jwtctl revoke --token - < refresh.txt
  jwtctl revoke --all --json";

const SESSIONS_EXAMPLES: &str = "\
Examples:
  jwtctl sessions
  jwtctl sessions --user alice --json
  jwtctl sessions prune";

// Where the revocation store lives.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Store options")]
pub struct StoreArgs {
    /// The store: a file path, or redis://[user:password@]host:port/db (also rediss://,
    /// redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a
    /// Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]
    #[arg(
        long,
        env = "JWTCTL_STORE",
        hide_env_values = true,
        value_name = "PATH|URL"
    )]
    pub store: Option<String>,
    #[command(flatten)]
    pub server: StoreServerArgs,
}

// Settings for a store on a server.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Store options")]
pub struct StoreServerArgs {
    /// Prefix of every key in a Redis store, so several apps can share one server
    #[arg(long, default_value = "jwtctl:", value_name = "PREFIX")]
    pub store_prefix: String,
    /// Bound on connecting to a Redis store and on each command, and on waiting for the lock of a
    /// file store
    #[arg(long, default_value = "3s", value_name = "DURATION", value_parser = store_timeout)]
    pub store_timeout: Duration,
    /// Write to a Redis server whose maxmemory-policy may evict keys (and with them
    /// revocations); refused by default
    #[arg(long)]
    pub store_allow_eviction: bool,
}

impl Default for StoreServerArgs {
    fn default() -> Self {
        StoreServerArgs {
            store_prefix: "jwtctl:".to_owned(),
            store_timeout: Duration::from_secs(3),
            store_allow_eviction: false,
        }
    }
}

#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// The refresh token, or - to read it from standard input [default: -]
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// The algorithm of the main key [default: HS256 for secrets, the key's own for PEM keys]
    #[arg(long, value_enum, value_name = "ALG")]
    pub alg: Option<AlgArg>,
    /// Lifetime of the new access token
    #[arg(long, default_value = "5m", value_name = "DURATION", value_parser = ttl)]
    pub access_ttl: i64,
    /// Lifetime of the new refresh token
    #[arg(long, default_value = "6h", value_name = "DURATION", value_parser = ttl)]
    pub refresh_ttl: i64,
    /// Keep the presented refresh token valid and issue only a new access token
    #[arg(long)]
    pub no_rotate: bool,
    /// Tolerate a client that presents the refresh token it just traded again, within DURATION
    /// of that trade (at most 5m) and while the new one is unused: it gets that same new refresh
    /// token and a fresh access token, instead of reuse revoking the session
    #[arg(
        long,
        env = "JWTCTL_REUSE_GRACE",
        default_value = "0s",
        value_name = "DURATION",
        value_parser = reuse_grace
    )]
    pub reuse_grace: i64,
    /// A claim of the new pair instead of the one carried from the presented token (a role
    /// changed since login): key=value for a string, key:=JSON for any JSON value (repeatable)
    #[arg(long = "claim", value_name = "KEY=VALUE", allow_hyphen_values = true)]
    pub claims: Vec<String>,
    /// A JSON object of claims for the new pair, over those carried from the presented token;
    /// @FILE to read it from a file, or - for standard input
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub payload: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = IssueOutput::Text)]
    pub output: IssueOutput,
    #[command(flatten)]
    pub key: KeyArgs,
    #[command(flatten)]
    pub refresh_key: RefreshKeyArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub nested: NestedArgs,
    #[command(flatten)]
    pub encrypt_to: EncryptToArgs,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).multiple(false))]
pub struct RevokeArgs {
    /// Every session of this subject, and its access tokens issued until now (see verify --check-revocation)
    #[arg(long, value_name = "SUB", group = "target", allow_hyphen_values = true)]
    pub user: Option<String>,
    /// The session family of this access or refresh token (verified first; only if the family
    /// belongs to the token's sub), or - for stdin
    #[arg(long, value_name = "TOKEN", group = "target")]
    pub token: Option<String>,
    /// One session family (the sid claim); on Redis it is looked for under every subject, a
    /// batch of keys at a time
    #[arg(long, value_name = "ID", group = "target", allow_hyphen_values = true)]
    pub family: Option<String>,
    /// Every session; on Redis one batch of sessions at a time, not one atomic step (a session
    /// started meanwhile may be missed)
    #[arg(long, group = "target")]
    pub all: bool,
    /// The algorithm of the main key, to verify --token
    #[arg(long, value_enum, value_name = "ALG")]
    pub alg: Option<AlgArg>,
    /// Print {"revoked": N}
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub key: KeyArgs,
    #[command(flatten)]
    pub refresh_key: RefreshKeyArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub nested: NestedArgs,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SessionsArgs {
    #[command(subcommand)]
    pub action: Option<SessionsAction>,
    /// Only this subject's sessions (without it, Redis is read one batch of sessions at a time,
    /// not in one atomic step)
    #[arg(long, value_name = "SUB", allow_hyphen_values = true)]
    pub user: Option<String>,
    /// Also list the revoked sessions whose revocation is still remembered, with when and why
    /// (reuse, family, user, all)
    #[arg(long)]
    pub include_revoked: bool,
    /// Print a JSON array
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Subcommand)]
pub enum SessionsAction {
    /// Drop records that can no longer matter and report how many (on Redis, one batch of
    /// sessions at a time)
    Prune(PruneArgs),
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Print {"pruned": N}
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

const GEN_SECRET_EXAMPLES: &str = "\
Examples:
  jwtctl gen-secret
  jwtctl gen-secret --out secret.txt && export JWTCTL_SECRET=\"$(cat secret.txt)\"
  jwtctl gen-secret --bytes 64 --encoding base64url
  jwtctl gen-secret --encoding jwk --out secret.jwk  # an oct JWK for --key-file";

const ISSUE_EXAMPLES: &str = "\
Output (text): the access token on the first line, the refresh token on the second.

Examples:
  TOKEN=\"$(jwtctl issue --sub alice --no-refresh)\"
  pair=\"$(jwtctl issue --sub alice --claim role=admin)\"
  jwtctl issue --sub ci --claim scopes:='[\"deploy\"]' --access-ttl 15m \\
    --output json
  jwtctl issue --no-refresh --sub alice --key-file p521.jwk   # ES512, JWK kid
  jwtctl issue --no-refresh --sub alice --key-file key.pem \\
    --key-password-env KEY_PASSWORD
  jwtctl issue --no-refresh --sub alice --key-file rsa.pem --x5c chain.pem
  jwtctl issue --no-refresh --sub alice --exp -5m --jti expired   # expired
  jwtctl issue --sub alice --no-refresh --encrypt-to api.pub.jwk  # nested JWE";

const VERIFY_EXAMPLES: &str = "\
Examples:
  jwtctl verify \"$TOKEN\"
  echo \"$AUTHORIZATION\" | jwtctl verify --aud api --iss \"$ISSUER\" --quiet
  jwtctl verify --key-file public.pem --alg RS256 --json < token.txt
  jwtctl verify --key-file jwks.json --kid 2024-05 \"$TOKEN\"   # one key of a set
  JWTCTL_SECRET=your-256-bit-secret \\
    jwtctl verify --allow-weak-secret --allow-no-exp \"$TOKEN\"  # jwt.io example
  jwtctl verify --oidc https://tenant.auth0.com/ --aud api \"$TOKEN\"
  jwtctl verify --jwks https://idp.example.com/keys --iss \"$ISSUER\" \"$TOKEN\"
  jwtctl verify --decrypt-key api.jwk \"$NESTED\"    # a JWE holding a signed JWT

Keys fetched with --oidc or --jwks URL are cached in
$XDG_CACHE_HOME/jwtctl/remote/ (see --no-cache, --offline); a token's header
never chooses where keys come from.";

const DECODE_EXAMPLES: &str = "\
Examples:
  jwtctl decode \"$TOKEN\"
  jwtctl decode --json < token.txt | jq .payload.sub
  echo \"$AUTHORIZATION\" | jwtctl decode --date local";

#[derive(Debug, Args)]
pub struct GenSecretArgs {
    /// Number of random bytes
    #[arg(long, default_value_t = 32, value_name = "N")]
    pub bytes: usize,
    /// How to write the bytes
    #[arg(long, value_enum, default_value_t = OutputEncoding::Hex)]
    pub encoding: OutputEncoding,
    /// Write the secret to FILE (created with mode 0600) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite FILE if it exists
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Allow fewer than 32 bytes
    #[arg(long)]
    pub allow_weak_secret: bool,
    /// Print a JSON object instead of the bare secret
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputEncoding {
    Hex,
    Base64,
    Base64url,
    /// An oct JWK (RFC 7517) with its RFC 7638 thumbprint as kid, for --key-file
    Jwk,
}

// Where the signing or verifying key comes from. The secret itself is never an argument.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Key options")]
pub struct KeyArgs {
    /// Read the HMAC secret from PATH (- for standard input)
    #[arg(long, value_name = "PATH", conflicts_with_all = ["secret_env", "key_file"])]
    pub secret_file: Option<PathBuf>,
    /// Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]
    #[arg(long, value_name = "NAME", conflicts_with = "key_file")]
    pub secret_env: Option<String>,
    /// How the secret's text is turned into key bytes; raw uses it as-is, like Node's jsonwebtoken
    #[arg(long, value_enum, default_value_t = SecretEncodingArg::Raw, value_name = "ENCODING")]
    pub secret_encoding: SecretEncodingArg,
    /// A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS;
    /// private to sign, public or certificate to verify. The form is read from the content
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// Read the password of an encrypted --key-file from PATH (- for standard input)
    #[arg(
        long,
        value_name = "PATH",
        requires = "key_file",
        conflicts_with = "key_password_env"
    )]
    pub key_password_file: Option<PathBuf>,
    /// Read the password of an encrypted --key-file from the environment variable NAME
    #[arg(long, value_name = "NAME", requires = "key_file")]
    pub key_password_env: Option<String>,
    /// Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning
    #[arg(long)]
    pub allow_weak_secret: bool,
}

// The separate key for refresh tokens; the main key when absent.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Key options")]
pub struct RefreshKeyArgs {
    /// Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]
    #[arg(long, value_name = "PATH", conflicts_with = "refresh_secret_env")]
    pub refresh_secret_file: Option<PathBuf>,
    /// Read the refresh-token secret from the environment variable NAME
    #[arg(long, value_name = "NAME")]
    pub refresh_secret_env: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IssueOutput {
    /// The access token, then the refresh token, one per line
    Text,
    /// An OAuth 2.0 token response (RFC 6749 section 5.1)
    Json,
    /// JWTCTL_ACCESS_TOKEN=... and JWTCTL_REFRESH_TOKEN=... lines
    Env,
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// The subject (sub claim); required when a refresh token is issued
    #[arg(long, value_name = "SUBJECT", allow_hyphen_values = true)]
    pub sub: Option<String>,
    /// A claim: key=value for a string, key:=JSON for any JSON value (repeatable)
    #[arg(long = "claim", value_name = "KEY=VALUE", allow_hyphen_values = true)]
    pub claims: Vec<String>,
    /// A JSON object of claims, @FILE to read it from a file, or - for standard input
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub payload: Option<String>,
    /// The issuer (iss claim)
    #[arg(long, value_name = "ISS", allow_hyphen_values = true)]
    pub iss: Option<String>,
    /// The audience (aud claim); repeat for several
    #[arg(long = "aud", value_name = "AUD", allow_hyphen_values = true)]
    pub aud: Vec<String>,
    /// The key id (kid header) [default: a JWK's own kid, else the key's RFC 7638 thumbprint];
    /// with a JWKS --key-file, the key to sign with
    #[arg(long, value_name = "KID", allow_hyphen_values = true)]
    pub kid: Option<String>,
    /// A header parameter for a standalone token: key=value for a string, key:=JSON for any
    /// JSON value (repeatable). typ is free with --no-refresh; alg, kid, crit, b64 and zip are
    /// jwtctl's own
    #[arg(long = "header", value_name = "KEY=VALUE", allow_hyphen_values = true)]
    pub headers: Vec<String>,
    /// A PEM certificate chain, leaf first, for the x5c and x5t#S256 headers; the leaf must
    /// hold the signing key
    #[arg(long, value_name = "CHAIN.pem", requires = "key_file")]
    pub x5c: Option<PathBuf>,
    /// exp of a standalone token: unix seconds, RFC 3339, or an offset from now (+90s, -5m, +1h)
    #[arg(
        long,
        value_name = "TIME",
        allow_hyphen_values = true,
        conflicts_with = "access_ttl"
    )]
    pub exp: Option<String>,
    /// nbf of a standalone token (the forms of --exp)
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub nbf: Option<String>,
    /// iat of a standalone token (the forms of --exp) [default: now]
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub iat: Option<String>,
    /// jti of a standalone token [default: random]
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub jti: Option<String>,
    /// The signing algorithm [default: HS256 for secrets, the key's own for PEM keys]
    #[arg(long, value_enum, value_name = "ALG")]
    pub alg: Option<AlgArg>,
    /// Lifetime of the access token (90s, 5m, 6h, 7d)
    #[arg(long, default_value = "5m", value_name = "DURATION", value_parser = ttl)]
    pub access_ttl: i64,
    /// Lifetime of the refresh token
    #[arg(long, default_value = "6h", value_name = "DURATION", value_parser = ttl)]
    pub refresh_ttl: i64,
    /// Issue only the access token (nothing is recorded in the store)
    #[arg(long)]
    pub no_refresh: bool,
    /// A label stored with the session (a device name, a CI job)
    #[arg(
        long,
        value_name = "TEXT",
        conflicts_with = "no_refresh",
        allow_hyphen_values = true
    )]
    pub session_label: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = IssueOutput::Text)]
    pub output: IssueOutput,
    /// Issue many: one JSON object of claims per line on standard input (the other claim options
    /// apply to every line), one token response per line on stdout (as --output json), in input
    /// order. A line that is not a JSON object, or has no sub when a refresh token is issued, gets
    /// {"error":{"kind":..,"line":N,"message":..}} (N counts from 1) and the exit status is 1 at
    /// the end. Refresh tokens are recorded in the store a chunk at a time, before that chunk is
    /// printed
    #[arg(long, conflicts_with_all = ["payload", "output"])]
    pub batch: bool,
    #[command(flatten)]
    pub key: KeyArgs,
    #[command(flatten)]
    pub refresh_key: RefreshKeyArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub threads: ThreadsArg,
    #[command(flatten)]
    pub encrypt_to: EncryptToArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The token, or - to read it from standard input [default: -]
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// An accepted algorithm (repeatable) [default: HS256 for secrets, the key's own for PEM keys]
    #[arg(long = "alg", value_enum, value_name = "ALG")]
    pub algs: Vec<AlgArg>,
    /// With a JWKS --key-file: the key to verify with (needed when it holds several)
    #[arg(
        long,
        value_name = "KID",
        requires = "key_file",
        allow_hyphen_values = true
    )]
    pub kid: Option<String>,
    /// Accept a token without exp (one that has exp is still checked)
    #[arg(long)]
    pub allow_no_exp: bool,
    /// Require this issuer (iss)
    #[arg(long, value_name = "ISS", allow_hyphen_values = true)]
    pub iss: Option<String>,
    /// Require this audience (aud); repeat to accept any of several. A token that names an
    /// audience is rejected without one (RFC 7519 section 4.1.3)
    #[arg(long = "aud", value_name = "AUD", allow_hyphen_values = true)]
    pub aud: Vec<String>,
    /// Accept a token whatever audience it names (for inspection, on purpose)
    #[arg(long, conflicts_with = "aud")]
    pub any_aud: bool,
    /// Require this subject (sub)
    #[arg(long, value_name = "SUB", allow_hyphen_values = true)]
    pub sub: Option<String>,
    /// Tolerance for clock skew on exp, nbf and iat
    #[arg(long, default_value = "0s", value_name = "DURATION", value_parser = seconds)]
    pub leeway: i64,
    /// Evaluate time claims at this instant (unix seconds or RFC 3339) instead of now
    #[arg(long, value_name = "TIMESTAMP", value_parser = instant, allow_hyphen_values = true)]
    pub now: Option<i64>,
    /// Which token type to accept [default: any type except a refresh token]
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub token_type: Option<TypeArg>,
    /// Require this claim to be present (repeatable)
    #[arg(long = "require", value_name = "CLAIM", allow_hyphen_values = true)]
    pub required: Vec<String>,
    /// Print a JSON result object on stdout, valid or not
    #[arg(long, conflicts_with = "quiet")]
    pub json: bool,
    /// Print nothing on stdout; the exit status tells
    #[arg(long, short)]
    pub quiet: bool,
    /// Verify many tokens: one per line on standard input, one JSON object per line on stdout (what
    /// --json prints, an error with the input line number as "line"), in input order; exit 0 only
    /// if every token is valid, else 1
    #[arg(long, conflicts_with_all = ["token", "quiet"])]
    pub batch: bool,
    /// Verify with the keys of this JWKS, chosen by kid: a file, - for standard input, or an
    /// https:// URL (fetched and cached; see --oidc)
    #[arg(long, value_name = "FILE|URL", conflicts_with_all = ["secret_file", "secret_env", "key_file"])]
    pub jwks: Option<PathBuf>,
    // Key options before store options, as in every other command's help.
    #[command(flatten)]
    pub key: KeyArgs,
    #[command(flatten)]
    pub refresh_key: RefreshKeyArgs,
    /// Also reject tokens whose session or user was revoked, as recorded in the store
    /// (--store, else $JWTCTL_STORE, else the default file); a store file that does not exist
    /// is an error (exit 4)
    #[arg(long, help_heading = "Store options")]
    pub check_revocation: bool,
    /// The store to check revocations in; implies --check-revocation
    #[arg(long, value_name = "PATH|URL", help_heading = "Store options")]
    pub store: Option<String>,
    #[command(flatten)]
    pub store_server: StoreServerArgs,
    #[command(flatten)]
    pub remote: RemoteKeyArgs,
    #[command(flatten)]
    pub threads: ThreadsArg,
    #[command(flatten)]
    pub nested: NestedArgs,
}

// Keys fetched from an identity provider: `--oidc`, and `--jwks URL`.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Remote key options")]
pub struct RemoteKeyArgs {
    /// Verify a token of this OpenID Provider: its keys are found by discovery
    /// (ISSUER/.well-known/openid-configuration), fetched and cached, and iss must equal ISSUER
    #[arg(
        long,
        value_name = "ISSUER",
        conflicts_with_all = ["jwks", "secret_file", "secret_env", "key_file"]
    )]
    pub oidc: Option<String>,
    /// Fetch the keys even when the cached copy is fresh; neither read nor write the cache
    #[arg(long, conflicts_with = "offline")]
    pub no_cache: bool,
    /// Never fetch: use the cached copy (at most a day old) or fail
    #[arg(long)]
    pub offline: bool,
    /// Bound on each fetch, redirects and body included
    #[arg(long, default_value = "5s", value_name = "DURATION")]
    pub fetch_timeout: String,
    /// Also trust the CA certificates in this PEM file for https (besides the system's, or
    /// $SSL_CERT_FILE's)
    #[arg(long, value_name = "PATH")]
    pub ca_file: Option<PathBuf>,
}

// How many threads `--batch` uses.
#[derive(Debug, Args, Clone, Default)]
pub struct ThreadsArg {
    /// Threads for --batch [default: one per core; at most 64]
    #[arg(
        long = "threads",
        hide = true,
        env = "JWTCTL_THREADS",
        value_name = "N"
    )]
    pub count: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateStyle {
    /// In UTC
    Utc,
    /// In the zone TZ names, else the system's (/etc/localtime); a zone file is at most 1 MiB
    Local,
}

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The token, or - to read it from standard input [default: -]
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// Print {"header":..,"payload":..,"signature":".."} for jq ({"error":{"kind":..,"message":..}}
    /// if the token does not decode)
    #[arg(long)]
    pub json: bool,
    /// How to show dates
    #[arg(long, value_enum, default_value_t = DateStyle::Utc)]
    pub date: DateStyle,
    /// Decode many tokens: one per line on standard input, one JSON object per line on stdout (what
    /// --json prints; {"error":{..,"line":N,..}} for line N if it does not decode), in input
    /// order; exit 0 only if every line decoded, else 1
    #[arg(long, conflicts_with = "token")]
    pub batch: bool,
    #[command(flatten)]
    pub threads: ThreadsArg,
    #[command(flatten)]
    pub nested: NestedArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn now_reads_unix_seconds_and_rfc_3339_with_any_offset() {
        assert_eq!(instant("1800000000").ok(), Some(1_800_000_000));
        assert_eq!(instant("2027-01-15T08:00:00Z").ok(), Some(1_800_000_000));
        assert_eq!(
            instant("2027-01-15T09:00:00+01:00").ok(),
            Some(1_800_000_000)
        );
        assert_eq!(
            instant("2027-01-15T03:30:00-04:30").ok(),
            Some(1_800_000_000)
        );
        assert_eq!(instant("2027-01-15T08:00:00").ok(), Some(1_800_000_000));
        assert_eq!(instant("-5").ok(), Some(-5));
        assert!(instant("tomorrow").is_err());
    }
}
