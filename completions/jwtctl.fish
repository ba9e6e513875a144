# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_jwtctl_global_optspecs
    string join \n color= V/version h/help
end

function __fish_jwtctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_jwtctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_jwtctl_using_subcommand
    set -l cmd (__fish_jwtctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c jwtctl -n "__fish_jwtctl_needs_command" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_needs_command" -s V -l version -d 'Print the version, the target, the crypto backend and the commit'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -s h -l help -d 'Print help'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "gen-secret" -d 'Print a new random secret (32 bytes from the OS CSPRNG, hex)'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "issue" -d 'Issue an access token and a refresh token'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "verify" -d 'Verify a token\'s signature, expiry and claims, as an auth middleware would'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "decode" -d 'Show a token\'s header and payload WITHOUT verifying anything'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "refresh" -d 'Trade a refresh token for a new pair (rotation with reuse detection)'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "revoke" -d 'Revoke refresh tokens: a user\'s, a session family, one token\'s family, or all'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "sessions" -d 'List live sessions, or prune expired records'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "gen-key" -d 'Generate a key pair (RSA, EC or Ed25519) as PEM or JWK files'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "convert" -d 'Convert a key between PEM and JWK, private or public only'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "encrypt" -d 'Encrypt a plaintext (or a token, as a nested JWT) to a recipient key: a compact JWE'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "decrypt" -d 'Decrypt a compact JWE with your key and print the plaintext bytes'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "jwks" -d 'Print a JWKS (RFC 7517) of public keys, with RFC 7638 thumbprints as key ids'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "completions" -d 'Print a shell completion script, or write all of them to a directory'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "man" -d 'Write man pages (one for jwtctl, one per subcommand) to a directory'
complete -c jwtctl -n "__fish_jwtctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-secret" -l bytes -d 'Number of random bytes' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-secret" -l encoding -d 'How to write the bytes' -r -f -a "hex\t''
base64\t''
base64url\t''
jwk\t'An oct JWK (RFC 7517) with its RFC 7638 thumbprint as kid, for --key-file'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-secret" -l out -d 'Write the secret to FILE (created with mode 0600) instead of standard output' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-secret" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-secret" -l force -d 'Overwrite FILE if it exists'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-secret" -l allow-weak-secret -d 'Allow fewer than 32 bytes'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-secret" -l json -d 'Print a JSON object instead of the bare secret'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-secret" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l sub -d 'The subject (sub claim); required when a refresh token is issued' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l claim -d 'A claim: key=value for a string, key:=JSON for any JSON value (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l payload -d 'A JSON object of claims, @FILE to read it from a file, or - for standard input' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l iss -d 'The issuer (iss claim)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l aud -d 'The audience (aud claim); repeat for several' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l kid -d 'The key id (kid header) [default: a JWK\'s own kid, else the key\'s RFC 7638 thumbprint]; with a JWKS --key-file, the key to sign with' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l header -d 'A header parameter for a standalone token: key=value for a string, key:=JSON for any JSON value (repeatable). typ is free with --no-refresh; alg, kid, crit, b64 and zip are jwtctl\'s own' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l x5c -d 'A PEM certificate chain, leaf first, for the x5c and x5t#S256 headers; the leaf must hold the signing key' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l exp -d 'exp of a standalone token: unix seconds, RFC 3339, or an offset from now (+90s, -5m, +1h)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l nbf -d 'nbf of a standalone token (the forms of --exp)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l iat -d 'iat of a standalone token (the forms of --exp) [default: now]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l jti -d 'jti of a standalone token [default: random]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l alg -d 'The signing algorithm [default: HS256 for secrets, the key\'s own for PEM keys]' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l access-ttl -d 'Lifetime of the access token (90s, 5m, 6h, 7d)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l refresh-ttl -d 'Lifetime of the refresh token' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l session-label -d 'A label stored with the session (a device name, a CI job)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l output -d 'Output format' -r -f -a "text\t'The access token, then the refresh token, one per line'
json\t'An OAuth 2.0 token response (RFC 6749 section 5.1)'
env\t'JWTCTL_ACCESS_TOKEN=... and JWTCTL_REFRESH_TOKEN=... lines'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l secret-file -d 'Read the HMAC secret from PATH (- for standard input)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l secret-env -d 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l secret-encoding -d 'How the secret\'s text is turned into key bytes; raw uses it as-is, like Node\'s jsonwebtoken' -r -f -a "raw\t'The text\'s bytes as they are (what Node\'s `jwt.sign(payload, string)` does)'
hex\t''
base64\t''
base64url\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l key-file -d 'A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS; private to sign, public or certificate to verify. The form is read from the content' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l key-password-file -d 'Read the password of an encrypted --key-file from PATH (- for standard input)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l key-password-env -d 'Read the password of an encrypted --key-file from the environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l refresh-secret-file -d 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l refresh-secret-env -d 'Read the refresh-token secret from the environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l store -d 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l store-prefix -d 'Prefix of every key in a Redis store, so several apps can share one server' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l store-timeout -d 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l encrypt-to -d 'Encrypt each token printed to this recipient key (a nested JWT, cty JWT): a JWK, PEM or DER key (public is enough), or an oct JWK' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l encrypt-alg -d 'Key management for --encrypt-to [default: by the key\'s type]' -r -f -a "RSA-OAEP\t''
RSA-OAEP-256\t''
A128KW\t''
A192KW\t''
A256KW\t''
dir\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l encrypt-enc -d 'Content encryption for --encrypt-to [default: A256GCM]' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l no-refresh -d 'Issue only the access token (nothing is recorded in the store)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l batch -d 'Issue many: one JSON object of claims per line on standard input (the other claim options apply to every line), one token response per line on stdout (as --output json), in input order. A line that is not a JSON object, or has no sub when a refresh token is issued, gets {"error":{"kind":..,"line":N,"message":..}} (N counts from 1) and the exit status is 1 at the end. Refresh tokens are recorded in the store a chunk at a time, before that chunk is printed'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l allow-weak-secret -d 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -l store-allow-eviction -d 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand issue" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l alg -d 'An accepted algorithm (repeatable) [default: HS256 for secrets, the key\'s own for PEM keys]' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l kid -d 'With a JWKS --key-file: the key to verify with (needed when it holds several)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l iss -d 'Require this issuer (iss)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l aud -d 'Require this audience (aud); repeat to accept any of several. A token that names an audience is rejected without one (RFC 7519 section 4.1.3)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l sub -d 'Require this subject (sub)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l leeway -d 'Tolerance for clock skew on exp, nbf and iat' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l now -d 'Evaluate time claims at this instant (unix seconds or RFC 3339) instead of now' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l type -d 'Which token type to accept [default: any type except a refresh token]' -r -f -a "access\t'Only `typ: at+jwt`'
refresh\t'Only jwtctl refresh tokens (`typ: refresh+jwt`)'
any\t'Every type, refresh tokens included'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l require -d 'Require this claim to be present (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l jwks -d 'Verify with the keys of this JWKS, chosen by kid: a file, - for standard input, or an https:// URL (fetched and cached; see --oidc)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l secret-file -d 'Read the HMAC secret from PATH (- for standard input)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l secret-env -d 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l secret-encoding -d 'How the secret\'s text is turned into key bytes; raw uses it as-is, like Node\'s jsonwebtoken' -r -f -a "raw\t'The text\'s bytes as they are (what Node\'s `jwt.sign(payload, string)` does)'
hex\t''
base64\t''
base64url\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l key-file -d 'A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS; private to sign, public or certificate to verify. The form is read from the content' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l key-password-file -d 'Read the password of an encrypted --key-file from PATH (- for standard input)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l key-password-env -d 'Read the password of an encrypted --key-file from the environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l refresh-secret-file -d 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l refresh-secret-env -d 'Read the refresh-token secret from the environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l store -d 'The store to check revocations in; implies --check-revocation' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l store-prefix -d 'Prefix of every key in a Redis store, so several apps can share one server' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l store-timeout -d 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l oidc -d 'Verify a token of this OpenID Provider: its keys are found by discovery (ISSUER/.well-known/openid-configuration), fetched and cached, and iss must equal ISSUER' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l fetch-timeout -d 'Bound on each fetch, redirects and body included' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l ca-file -d 'Also trust the CA certificates in this PEM file for https (besides the system\'s, or $SSL_CERT_FILE\'s)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l decrypt-key -d 'The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key (or oct JWK) first, then check the signed token inside as usual' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l decrypt-alg -d 'A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the key\'s type implies]' -r -f -a "RSA-OAEP\t''
RSA-OAEP-256\t''
A128KW\t''
A192KW\t''
A256KW\t''
dir\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l decrypt-enc -d 'A content encryption accepted with --decrypt-key (repeatable) [default: all six]' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l allow-no-exp -d 'Accept a token without exp (one that has exp is still checked)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l any-aud -d 'Accept a token whatever audience it names (for inspection, on purpose)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l json -d 'Print a JSON result object on stdout, valid or not'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -s q -l quiet -d 'Print nothing on stdout; the exit status tells'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l batch -d 'Verify many tokens: one per line on standard input, one JSON object per line on stdout (what --json prints, an error with the input line number as "line"), in input order; exit 0 only if every token is valid, else 1'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l allow-weak-secret -d 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l check-revocation -d 'Also reject tokens whose session or user was revoked, as recorded in the store (--store, else $JWTCTL_STORE, else the default file); a store file that does not exist is an error (exit 4)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l store-allow-eviction -d 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l no-cache -d 'Fetch the keys even when the cached copy is fresh; neither read nor write the cache'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -l offline -d 'Never fetch: use the cached copy (at most a day old) or fail'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l date -d 'How to show dates' -r -f -a "utc\t'In UTC'
local\t'In the zone TZ names, else the system\'s (/etc/localtime); a zone file is at most 1 MiB'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l decrypt-key -d 'The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key (or oct JWK) first, then check the signed token inside as usual' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l decrypt-alg -d 'A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the key\'s type implies]' -r -f -a "RSA-OAEP\t''
RSA-OAEP-256\t''
A128KW\t''
A192KW\t''
A256KW\t''
dir\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l decrypt-enc -d 'A content encryption accepted with --decrypt-key (repeatable) [default: all six]' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l json -d 'Print {"header":..,"payload":..,"signature":".."} for jq ({"error":{"kind":..,"message":..}} if the token does not decode)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -l batch -d 'Decode many tokens: one per line on standard input, one JSON object per line on stdout (what --json prints; {"error":{..,"line":N,..}} for line N if it does not decode), in input order; exit 0 only if every line decoded, else 1'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decode" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l alg -d 'The algorithm of the main key [default: HS256 for secrets, the key\'s own for PEM keys]' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l access-ttl -d 'Lifetime of the new access token' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l refresh-ttl -d 'Lifetime of the new refresh token' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l reuse-grace -d 'Tolerate a client that presents the refresh token it just traded again, within DURATION of that trade (at most 5m) and while the new one is unused: it gets that same new refresh token and a fresh access token, instead of reuse revoking the session' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l claim -d 'A claim of the new pair instead of the one carried from the presented token (a role changed since login): key=value for a string, key:=JSON for any JSON value (repeatable)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l payload -d 'A JSON object of claims for the new pair, over those carried from the presented token; @FILE to read it from a file, or - for standard input' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l output -d 'Output format' -r -f -a "text\t'The access token, then the refresh token, one per line'
json\t'An OAuth 2.0 token response (RFC 6749 section 5.1)'
env\t'JWTCTL_ACCESS_TOKEN=... and JWTCTL_REFRESH_TOKEN=... lines'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l secret-file -d 'Read the HMAC secret from PATH (- for standard input)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l secret-env -d 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l secret-encoding -d 'How the secret\'s text is turned into key bytes; raw uses it as-is, like Node\'s jsonwebtoken' -r -f -a "raw\t'The text\'s bytes as they are (what Node\'s `jwt.sign(payload, string)` does)'
hex\t''
base64\t''
base64url\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l key-file -d 'A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS; private to sign, public or certificate to verify. The form is read from the content' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l key-password-file -d 'Read the password of an encrypted --key-file from PATH (- for standard input)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l key-password-env -d 'Read the password of an encrypted --key-file from the environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l refresh-secret-file -d 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l refresh-secret-env -d 'Read the refresh-token secret from the environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l store -d 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l store-prefix -d 'Prefix of every key in a Redis store, so several apps can share one server' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l store-timeout -d 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l decrypt-key -d 'The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key (or oct JWK) first, then check the signed token inside as usual' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l decrypt-alg -d 'A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the key\'s type implies]' -r -f -a "RSA-OAEP\t''
RSA-OAEP-256\t''
A128KW\t''
A192KW\t''
A256KW\t''
dir\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l decrypt-enc -d 'A content encryption accepted with --decrypt-key (repeatable) [default: all six]' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l encrypt-to -d 'Encrypt each token printed to this recipient key (a nested JWT, cty JWT): a JWK, PEM or DER key (public is enough), or an oct JWK' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l encrypt-alg -d 'Key management for --encrypt-to [default: by the key\'s type]' -r -f -a "RSA-OAEP\t''
RSA-OAEP-256\t''
A128KW\t''
A192KW\t''
A256KW\t''
dir\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l encrypt-enc -d 'Content encryption for --encrypt-to [default: A256GCM]' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l no-rotate -d 'Keep the presented refresh token valid and issue only a new access token'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l allow-weak-secret -d 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -l store-allow-eviction -d 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand refresh" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l user -d 'Every session of this subject, and its access tokens issued until now (see verify --check-revocation)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l token -d 'The session family of this access or refresh token (verified first; only if the family belongs to the token\'s sub), or - for stdin' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l family -d 'One session family (the sid claim); on Redis it is looked for under every subject, a batch of keys at a time' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l alg -d 'The algorithm of the main key, to verify --token' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l secret-file -d 'Read the HMAC secret from PATH (- for standard input)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l secret-env -d 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l secret-encoding -d 'How the secret\'s text is turned into key bytes; raw uses it as-is, like Node\'s jsonwebtoken' -r -f -a "raw\t'The text\'s bytes as they are (what Node\'s `jwt.sign(payload, string)` does)'
hex\t''
base64\t''
base64url\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l key-file -d 'A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS; private to sign, public or certificate to verify. The form is read from the content' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l key-password-file -d 'Read the password of an encrypted --key-file from PATH (- for standard input)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l key-password-env -d 'Read the password of an encrypted --key-file from the environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l refresh-secret-file -d 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l refresh-secret-env -d 'Read the refresh-token secret from the environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l store -d 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l store-prefix -d 'Prefix of every key in a Redis store, so several apps can share one server' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l store-timeout -d 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l decrypt-key -d 'The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key (or oct JWK) first, then check the signed token inside as usual' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l decrypt-alg -d 'A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the key\'s type implies]' -r -f -a "RSA-OAEP\t''
RSA-OAEP-256\t''
A128KW\t''
A192KW\t''
A256KW\t''
dir\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l decrypt-enc -d 'A content encryption accepted with --decrypt-key (repeatable) [default: all six]' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l all -d 'Every session; on Redis one batch of sessions at a time, not one atomic step (a session started meanwhile may be missed)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l json -d 'Print {"revoked": N}'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l allow-weak-secret -d 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -l store-allow-eviction -d 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and not __fish_seen_subcommand_from prune help" -l user -d 'Only this subject\'s sessions (without it, Redis is read one batch of sessions at a time, not in one atomic step)' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and not __fish_seen_subcommand_from prune help" -l store -d 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and not __fish_seen_subcommand_from prune help" -l store-prefix -d 'Prefix of every key in a Redis store, so several apps can share one server' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and not __fish_seen_subcommand_from prune help" -l store-timeout -d 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and not __fish_seen_subcommand_from prune help" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and not __fish_seen_subcommand_from prune help" -l include-revoked -d 'Also list the revoked sessions whose revocation is still remembered, with when and why (reuse, family, user, all)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and not __fish_seen_subcommand_from prune help" -l json -d 'Print a JSON array'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and not __fish_seen_subcommand_from prune help" -l store-allow-eviction -d 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and not __fish_seen_subcommand_from prune help" -s h -l help -d 'Print help'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and not __fish_seen_subcommand_from prune help" -f -a "prune" -d 'Drop records that can no longer matter and report how many (on Redis, one batch of sessions at a time)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and not __fish_seen_subcommand_from prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l store -d 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l store-prefix -d 'Prefix of every key in a Redis store, so several apps can share one server' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l store-timeout -d 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l json -d 'Print {"pruned": N}'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and __fish_seen_subcommand_from prune" -l store-allow-eviction -d 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Drop records that can no longer matter and report how many (on Redis, one batch of sessions at a time)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-key" -l alg -d 'The algorithm the key is for' -r -f -a "RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-key" -l bits -d 'RSA key size' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-key" -l out -d 'Write the private key (PKCS#8 PEM or a private JWK, mode 0600) here' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-key" -l public-out -d 'Write the public key (SPKI PEM or a public JWK) here [default: the --out name with .pub.pem for .pem (ec.pem -> ec.pub.pem), .pub.jwk for .jwk]' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-key" -l format -d 'The files\' form; a JWK carries alg, use and its RFC 7638 thumbprint as kid' -r -f -a "pem\t'PKCS#8 for a private key, SPKI for a public one'
jwk\t'A JSON Web Key (RFC 7517)'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-key" -l use -d 'What a JWK is for: sig (signing, with its alg) or enc (a JWE recipient\'s key, for encrypt --key-file and issue --encrypt-to; RS*, PS* and ES* keys)' -r -f -a "sig\t''
enc\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-key" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-key" -l force -d 'Overwrite existing files'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-key" -l json -d 'Print {"alg","kid","private_key","public_key"} on stdout'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand gen-key" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand convert" -l to -d 'The form to write' -r -f -a "pem\t'PKCS#8 for a private key, SPKI for a public one'
jwk\t'A JSON Web Key (RFC 7517)'"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand convert" -l out -d 'Write to FILE (mode 0600 for a private key) instead of standard output' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand convert" -l alg -d 'The algorithm to name in a JWK\'s alg [default: the key\'s own, or its usual one]' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand convert" -l kid -d 'With a JWKS: the key to convert' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand convert" -l key-password-file -d 'Read the password of an encrypted KEY from PATH (- for standard input)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand convert" -l key-password-env -d 'Read the password of an encrypted KEY from the environment variable NAME' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand convert" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand convert" -l public -d 'Write only the public half'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand convert" -l force -d 'Overwrite --out, or print a private key to a terminal'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand convert" -l json -d 'Print {"format","private","kid","path"} on stdout when writing --out'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l key-file -d 'The recipient\'s key: a JWK, PEM or DER key (public is enough), or an oct JWK' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l alg -d 'Key management [default: by the key\'s type]' -r -f -a "RSA-OAEP\t''
RSA-OAEP-256\t''
A128KW\t''
A192KW\t''
A256KW\t''
dir\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l enc -d 'Content encryption [default: A256GCM, or the JWK\'s own for a dir key]' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l kid -d 'The kid header parameter [default: the JWK\'s kid, if it has one]' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l cty -d 'The cty header parameter: JWT for a nested token' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l password-file -d 'Read a PBES2 password from PATH (- for standard input) instead of using a key' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l password-env -d 'Read a PBES2 password from the environment variable NAME instead of using a key' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -l json -d 'Print {"jwe": ..., "alg": ..., "enc": ...} instead of the bare JWE'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand encrypt" -s h -l help -d 'Print help'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l key-file -d 'Your key: a private JWK, PEM or DER key, or an oct JWK' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l alg -d 'An accepted key-management algorithm (repeatable) [default: what the key\'s type implies]' -r -f -a "RSA-OAEP\t''
RSA-OAEP-256\t''
A128KW\t''
A192KW\t''
A256KW\t''
dir\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l enc -d 'An accepted content encryption (repeatable) [default: all six]' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l password-file -d 'Read a PBES2 password from PATH (- for standard input) instead of using a key' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l password-env -d 'Read a PBES2 password from the environment variable NAME instead of using a key' -r
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -l json -d 'Print {"header": ..., "plaintext": ...} (plaintext_base64url when it is not UTF-8)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand decrypt" -s h -l help -d 'Print help'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l alg -d 'The algorithm to announce for each key [default: the key\'s own: RS256, ES256, ES384, EdDSA]' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand jwks" -s h -l help -d 'Print help'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -l dir -d 'Write the scripts for every shell into DIR instead' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -l dir -d 'The directory to write the pages into (created if missing)' -r -F
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -l color -d 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jwtctl -n "__fish_jwtctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "gen-secret" -d 'Print a new random secret (32 bytes from the OS CSPRNG, hex)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "issue" -d 'Issue an access token and a refresh token'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "verify" -d 'Verify a token\'s signature, expiry and claims, as an auth middleware would'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "decode" -d 'Show a token\'s header and payload WITHOUT verifying anything'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "refresh" -d 'Trade a refresh token for a new pair (rotation with reuse detection)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "revoke" -d 'Revoke refresh tokens: a user\'s, a session family, one token\'s family, or all'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "sessions" -d 'List live sessions, or prune expired records'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "gen-key" -d 'Generate a key pair (RSA, EC or Ed25519) as PEM or JWK files'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "convert" -d 'Convert a key between PEM and JWK, private or public only'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "encrypt" -d 'Encrypt a plaintext (or a token, as a nested JWT) to a recipient key: a compact JWE'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "decrypt" -d 'Decrypt a compact JWE with your key and print the plaintext bytes'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "jwks" -d 'Print a JWKS (RFC 7517) of public keys, with RFC 7638 thumbprints as key ids'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "completions" -d 'Print a shell completion script, or write all of them to a directory'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "man" -d 'Write man pages (one for jwtctl, one per subcommand) to a directory'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and not __fish_seen_subcommand_from gen-secret issue verify decode refresh revoke sessions gen-key convert encrypt decrypt jwks completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jwtctl -n "__fish_jwtctl_using_subcommand help; and __fish_seen_subcommand_from sessions" -f -a "prune" -d 'Drop records that can no longer matter and report how many (on Redis, one batch of sessions at a time)'
