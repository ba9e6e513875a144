//! The options of `encrypt` and `decrypt`, and the JWE options other commands share
//! (`--decrypt-key` for nested tokens, `issue --encrypt-to`).

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, ValueEnum};

use crate::jwt::jwe::{ContentAlg, KeyAlg};

/// A key-management algorithm as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyAlgArg(pub KeyAlg);

const KEY_ALG_ARGS: [KeyAlgArg; KeyAlg::ALL.len()] = {
    let mut args = [KeyAlgArg(KeyAlg::Dir); KeyAlg::ALL.len()];
    let mut index = 0;
    while index < KeyAlg::ALL.len() {
        args[index] = KeyAlgArg(KeyAlg::ALL[index]);
        index += 1;
    }
    args
};

impl ValueEnum for KeyAlgArg {
    fn value_variants<'a>() -> &'a [Self] {
        &KEY_ALG_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()))
    }
}

/// A content-encryption algorithm as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentAlgArg(pub ContentAlg);

const CONTENT_ALG_ARGS: [ContentAlgArg; ContentAlg::ALL.len()] = {
    let mut args = [ContentAlgArg(ContentAlg::A256Gcm); ContentAlg::ALL.len()];
    let mut index = 0;
    while index < ContentAlg::ALL.len() {
        args[index] = ContentAlgArg(ContentAlg::ALL[index]);
        index += 1;
    }
    args
};

impl ValueEnum for ContentAlgArg {
    fn value_variants<'a>() -> &'a [Self] {
        &CONTENT_ALG_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()))
    }
}

pub const ENCRYPT_EXAMPLES: &str = "\
Keys: a JWK (RSA, EC P-256/P-384/P-521, OKP X25519, or oct for AES key wrap and dir), or a PEM or
DER key; the public half is enough. Algorithms by default: RSA-OAEP-256 for RSA keys,
ECDH-ES+A256KW for EC and X25519 keys, A128KW/A192KW/A256KW for 16/24/32-byte oct keys; A256GCM.
RSA1_5 is not offered.

Examples:
  jwtctl encrypt --key-file recipient.pub.jwk 'hello' > message.jwe
  jwtctl issue --sub alice --no-refresh |
    jwtctl encrypt --key-file rsa.pub.pem --cty JWT
  JWTCTL_PASSWORD=... \\
    jwtctl encrypt --password-env JWTCTL_PASSWORD --json < notes.txt";

pub const DECRYPT_EXAMPLES: &str = "\
Output: the plaintext bytes, exactly, on standard output (nothing when decryption fails);
on a terminal, control and invisible characters are shown escaped instead.
Every failure of the cryptography is the same error and exit 1: wrong key, bad tag, bad unwrap.
The accepted algorithms are the --alg and --enc values, by default what the key's type implies;
RSA1_5, zip and crit are refused, and so is a PBES2 iteration count over 1,000,000.

Examples:
  jwtctl decrypt --key-file private.jwk < message.jwe
  jwtctl decrypt --key-file ec.pem --alg ECDH-ES+A256KW --enc A256GCM \"$JWE\"
  jwtctl decrypt --key-file private.jwk --json < message.jwe | jq .header";

// Where the password of PBES2 comes from: a file or a variable, never the command line.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Password options (PBES2)")]
pub struct PasswordArgs {
    /// Read a PBES2 password from PATH (- for standard input) instead of using a key
    #[arg(long, value_name = "PATH", conflicts_with_all = ["password_env", "key_file"])]
    pub password_file: Option<PathBuf>,
    /// Read a PBES2 password from the environment variable NAME instead of using a key
    #[arg(long, value_name = "NAME", conflicts_with = "key_file")]
    pub password_env: Option<String>,
}

#[derive(Debug, Args)]
pub struct EncryptArgs {
    /// The plaintext, or - to read it from standard input [default: -]
    #[arg(value_name = "PLAINTEXT")]
    pub plaintext: Option<String>,
    /// The recipient's key: a JWK, PEM or DER key (public is enough), or an oct JWK
    #[arg(long, value_name = "PATH", required_unless_present_any = ["password_file", "password_env"])]
    pub key_file: Option<PathBuf>,
    /// Key management [default: by the key's type]
    #[arg(long, value_enum, value_name = "ALG")]
    pub alg: Option<KeyAlgArg>,
    /// Content encryption [default: A256GCM, or the JWK's own for a dir key]
    #[arg(long, value_enum, value_name = "ENC")]
    pub enc: Option<ContentAlgArg>,
    /// The kid header parameter [default: the JWK's kid, if it has one]
    #[arg(long, value_name = "KID", allow_hyphen_values = true)]
    pub kid: Option<String>,
    /// The cty header parameter: JWT for a nested token
    #[arg(long, value_name = "CTY", allow_hyphen_values = true)]
    pub cty: Option<String>,
    /// Print {"jwe": ..., "alg": ..., "enc": ...} instead of the bare JWE
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// The compact JWE, or - to read it from standard input [default: -]
    #[arg(value_name = "JWE")]
    pub jwe: Option<String>,
    /// Your key: a private JWK, PEM or DER key, or an oct JWK
    #[arg(long, value_name = "PATH", required_unless_present_any = ["password_file", "password_env"])]
    pub key_file: Option<PathBuf>,
    /// An accepted key-management algorithm (repeatable) [default: what the key's type implies]
    #[arg(long = "alg", value_enum, value_name = "ALG")]
    pub algs: Vec<KeyAlgArg>,
    /// An accepted content encryption (repeatable) [default: all six]
    #[arg(long = "enc", value_enum, value_name = "ENC")]
    pub encs: Vec<ContentAlgArg>,
    /// Print {"header": ..., "plaintext": ...} (plaintext_base64url when it is not UTF-8)
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
}

// A nested JWT (RFC 7519 section 11.2): decrypt first, then check the signed token inside.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Encrypted tokens")]
pub struct NestedArgs {
    /// The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key
    /// (or oct JWK) first, then check the signed token inside as usual
    #[arg(long, value_name = "PATH")]
    pub decrypt_key: Option<PathBuf>,
    /// A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the
    /// key's type implies]
    #[arg(
        long = "decrypt-alg",
        value_enum,
        value_name = "ALG",
        requires = "decrypt_key"
    )]
    pub decrypt_algs: Vec<KeyAlgArg>,
    /// A content encryption accepted with --decrypt-key (repeatable) [default: all six]
    #[arg(
        long = "decrypt-enc",
        value_enum,
        value_name = "ENC",
        requires = "decrypt_key"
    )]
    pub decrypt_encs: Vec<ContentAlgArg>,
}

// `issue --encrypt-to`: every token printed is encrypted to this recipient (cty JWT).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Encrypted tokens")]
pub struct EncryptToArgs {
    /// Encrypt each token printed to this recipient key (a nested JWT, cty JWT): a JWK, PEM or
    /// DER key (public is enough), or an oct JWK
    #[arg(long, value_name = "PATH")]
    pub encrypt_to: Option<PathBuf>,
    /// Key management for --encrypt-to [default: by the key's type]
    #[arg(long, value_enum, value_name = "ALG", requires = "encrypt_to")]
    pub encrypt_alg: Option<KeyAlgArg>,
    /// Content encryption for --encrypt-to [default: A256GCM]
    #[arg(long, value_enum, value_name = "ENC", requires = "encrypt_to")]
    pub encrypt_enc: Option<ContentAlgArg>,
}
