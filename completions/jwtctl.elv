
use builtin;
use str;

set edit:completion:arg-completer[jwtctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'jwtctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'jwtctl'= {
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand -V 'Print the version, the target, the crypto backend and the commit'
            cand --version 'Print the version, the target, the crypto backend and the commit'
            cand -h 'Print help'
            cand --help 'Print help'
            cand gen-secret 'Print a new random secret (32 bytes from the OS CSPRNG, hex)'
            cand issue 'Issue an access token and a refresh token'
            cand verify 'Verify a token''s signature, expiry and claims, as an auth middleware would'
            cand decode 'Show a token''s header and payload WITHOUT verifying anything'
            cand refresh 'Trade a refresh token for a new pair (rotation with reuse detection)'
            cand revoke 'Revoke refresh tokens: a user''s, a session family, one token''s family, or all'
            cand sessions 'List live sessions, or prune expired records'
            cand gen-key 'Generate a key pair (RSA, EC or Ed25519) as PEM or JWK files'
            cand convert 'Convert a key between PEM and JWK, private or public only'
            cand encrypt 'Encrypt a plaintext (or a token, as a nested JWT) to a recipient key: a compact JWE'
            cand decrypt 'Decrypt a compact JWE with your key and print the plaintext bytes'
            cand jwks 'Print a JWKS (RFC 7517) of public keys, with RFC 7638 thumbprints as key ids'
            cand completions 'Print a shell completion script, or write all of them to a directory'
            cand man 'Write man pages (one for jwtctl, one per subcommand) to a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;gen-secret'= {
            cand --bytes 'Number of random bytes'
            cand --encoding 'How to write the bytes'
            cand --out 'Write the secret to FILE (created with mode 0600) instead of standard output'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --force 'Overwrite FILE if it exists'
            cand --allow-weak-secret 'Allow fewer than 32 bytes'
            cand --json 'Print a JSON object instead of the bare secret'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;issue'= {
            cand --sub 'The subject (sub claim); required when a refresh token is issued'
            cand --claim 'A claim: key=value for a string, key:=JSON for any JSON value (repeatable)'
            cand --payload 'A JSON object of claims, @FILE to read it from a file, or - for standard input'
            cand --iss 'The issuer (iss claim)'
            cand --aud 'The audience (aud claim); repeat for several'
            cand --kid 'The key id (kid header) [default: a JWK''s own kid, else the key''s RFC 7638 thumbprint]; with a JWKS --key-file, the key to sign with'
            cand --header 'A header parameter for a standalone token: key=value for a string, key:=JSON for any JSON value (repeatable). typ is free with --no-refresh; alg, kid, crit, b64 and zip are jwtctl''s own'
            cand --x5c 'A PEM certificate chain, leaf first, for the x5c and x5t#S256 headers; the leaf must hold the signing key'
            cand --exp 'exp of a standalone token: unix seconds, RFC 3339, or an offset from now (+90s, -5m, +1h)'
            cand --nbf 'nbf of a standalone token (the forms of --exp)'
            cand --iat 'iat of a standalone token (the forms of --exp) [default: now]'
            cand --jti 'jti of a standalone token [default: random]'
            cand --alg 'The signing algorithm [default: HS256 for secrets, the key''s own for PEM keys]'
            cand --access-ttl 'Lifetime of the access token (90s, 5m, 6h, 7d)'
            cand --refresh-ttl 'Lifetime of the refresh token'
            cand --session-label 'A label stored with the session (a device name, a CI job)'
            cand --output 'Output format'
            cand --secret-file 'Read the HMAC secret from PATH (- for standard input)'
            cand --secret-env 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]'
            cand --secret-encoding 'How the secret''s text is turned into key bytes; raw uses it as-is, like Node''s jsonwebtoken'
            cand --key-file 'A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS; private to sign, public or certificate to verify. The form is read from the content'
            cand --key-password-file 'Read the password of an encrypted --key-file from PATH (- for standard input)'
            cand --key-password-env 'Read the password of an encrypted --key-file from the environment variable NAME'
            cand --refresh-secret-file 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]'
            cand --refresh-secret-env 'Read the refresh-token secret from the environment variable NAME'
            cand --store 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]'
            cand --store-prefix 'Prefix of every key in a Redis store, so several apps can share one server'
            cand --store-timeout 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store'
            cand --encrypt-to 'Encrypt each token printed to this recipient key (a nested JWT, cty JWT): a JWK, PEM or DER key (public is enough), or an oct JWK'
            cand --encrypt-alg 'Key management for --encrypt-to [default: by the key''s type]'
            cand --encrypt-enc 'Content encryption for --encrypt-to [default: A256GCM]'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --no-refresh 'Issue only the access token (nothing is recorded in the store)'
            cand --batch 'Issue many: one JSON object of claims per line on standard input (the other claim options apply to every line), one token response per line on stdout (as --output json), in input order. A line that is not a JSON object, or has no sub when a refresh token is issued, gets {"error":{"kind":..,"line":N,"message":..}} (N counts from 1) and the exit status is 1 at the end. Refresh tokens are recorded in the store a chunk at a time, before that chunk is printed'
            cand --allow-weak-secret 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning'
            cand --store-allow-eviction 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;verify'= {
            cand --alg 'An accepted algorithm (repeatable) [default: HS256 for secrets, the key''s own for PEM keys]'
            cand --kid 'With a JWKS --key-file: the key to verify with (needed when it holds several)'
            cand --iss 'Require this issuer (iss)'
            cand --aud 'Require this audience (aud); repeat to accept any of several. A token that names an audience is rejected without one (RFC 7519 section 4.1.3)'
            cand --sub 'Require this subject (sub)'
            cand --leeway 'Tolerance for clock skew on exp, nbf and iat'
            cand --now 'Evaluate time claims at this instant (unix seconds or RFC 3339) instead of now'
            cand --type 'Which token type to accept [default: any type except a refresh token]'
            cand --require 'Require this claim to be present (repeatable)'
            cand --jwks 'Verify with the keys of this JWKS, chosen by kid: a file, - for standard input, or an https:// URL (fetched and cached; see --oidc)'
            cand --secret-file 'Read the HMAC secret from PATH (- for standard input)'
            cand --secret-env 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]'
            cand --secret-encoding 'How the secret''s text is turned into key bytes; raw uses it as-is, like Node''s jsonwebtoken'
            cand --key-file 'A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS; private to sign, public or certificate to verify. The form is read from the content'
            cand --key-password-file 'Read the password of an encrypted --key-file from PATH (- for standard input)'
            cand --key-password-env 'Read the password of an encrypted --key-file from the environment variable NAME'
            cand --refresh-secret-file 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]'
            cand --refresh-secret-env 'Read the refresh-token secret from the environment variable NAME'
            cand --store 'The store to check revocations in; implies --check-revocation'
            cand --store-prefix 'Prefix of every key in a Redis store, so several apps can share one server'
            cand --store-timeout 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store'
            cand --oidc 'Verify a token of this OpenID Provider: its keys are found by discovery (ISSUER/.well-known/openid-configuration), fetched and cached, and iss must equal ISSUER'
            cand --fetch-timeout 'Bound on each fetch, redirects and body included'
            cand --ca-file 'Also trust the CA certificates in this PEM file for https (besides the system''s, or $SSL_CERT_FILE''s)'
            cand --decrypt-key 'The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key (or oct JWK) first, then check the signed token inside as usual'
            cand --decrypt-alg 'A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the key''s type implies]'
            cand --decrypt-enc 'A content encryption accepted with --decrypt-key (repeatable) [default: all six]'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --allow-no-exp 'Accept a token without exp (one that has exp is still checked)'
            cand --any-aud 'Accept a token whatever audience it names (for inspection, on purpose)'
            cand --json 'Print a JSON result object on stdout, valid or not'
            cand -q 'Print nothing on stdout; the exit status tells'
            cand --quiet 'Print nothing on stdout; the exit status tells'
            cand --batch 'Verify many tokens: one per line on standard input, one JSON object per line on stdout (what --json prints, an error with the input line number as "line"), in input order; exit 0 only if every token is valid, else 1'
            cand --allow-weak-secret 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning'
            cand --check-revocation 'Also reject tokens whose session or user was revoked, as recorded in the store (--store, else $JWTCTL_STORE, else the default file); a store file that does not exist is an error (exit 4)'
            cand --store-allow-eviction 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default'
            cand --no-cache 'Fetch the keys even when the cached copy is fresh; neither read nor write the cache'
            cand --offline 'Never fetch: use the cached copy (at most a day old) or fail'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;decode'= {
            cand --date 'How to show dates'
            cand --decrypt-key 'The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key (or oct JWK) first, then check the signed token inside as usual'
            cand --decrypt-alg 'A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the key''s type implies]'
            cand --decrypt-enc 'A content encryption accepted with --decrypt-key (repeatable) [default: all six]'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --json 'Print {"header":..,"payload":..,"signature":".."} for jq ({"error":{"kind":..,"message":..}} if the token does not decode)'
            cand --batch 'Decode many tokens: one per line on standard input, one JSON object per line on stdout (what --json prints; {"error":{..,"line":N,..}} for line N if it does not decode), in input order; exit 0 only if every line decoded, else 1'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;refresh'= {
            cand --alg 'The algorithm of the main key [default: HS256 for secrets, the key''s own for PEM keys]'
            cand --access-ttl 'Lifetime of the new access token'
            cand --refresh-ttl 'Lifetime of the new refresh token'
            cand --reuse-grace 'Tolerate a client that presents the refresh token it just traded again, within DURATION of that trade (at most 5m) and while the new one is unused: it gets that same new refresh token and a fresh access token, instead of reuse revoking the session'
            cand --claim 'A claim of the new pair instead of the one carried from the presented token (a role changed since login): key=value for a string, key:=JSON for any JSON value (repeatable)'
            cand --payload 'A JSON object of claims for the new pair, over those carried from the presented token; @FILE to read it from a file, or - for standard input'
            cand --output 'Output format'
            cand --secret-file 'Read the HMAC secret from PATH (- for standard input)'
            cand --secret-env 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]'
            cand --secret-encoding 'How the secret''s text is turned into key bytes; raw uses it as-is, like Node''s jsonwebtoken'
            cand --key-file 'A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS; private to sign, public or certificate to verify. The form is read from the content'
            cand --key-password-file 'Read the password of an encrypted --key-file from PATH (- for standard input)'
            cand --key-password-env 'Read the password of an encrypted --key-file from the environment variable NAME'
            cand --refresh-secret-file 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]'
            cand --refresh-secret-env 'Read the refresh-token secret from the environment variable NAME'
            cand --store 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]'
            cand --store-prefix 'Prefix of every key in a Redis store, so several apps can share one server'
            cand --store-timeout 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store'
            cand --decrypt-key 'The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key (or oct JWK) first, then check the signed token inside as usual'
            cand --decrypt-alg 'A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the key''s type implies]'
            cand --decrypt-enc 'A content encryption accepted with --decrypt-key (repeatable) [default: all six]'
            cand --encrypt-to 'Encrypt each token printed to this recipient key (a nested JWT, cty JWT): a JWK, PEM or DER key (public is enough), or an oct JWK'
            cand --encrypt-alg 'Key management for --encrypt-to [default: by the key''s type]'
            cand --encrypt-enc 'Content encryption for --encrypt-to [default: A256GCM]'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --no-rotate 'Keep the presented refresh token valid and issue only a new access token'
            cand --allow-weak-secret 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning'
            cand --store-allow-eviction 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;revoke'= {
            cand --user 'Every session of this subject, and its access tokens issued until now (see verify --check-revocation)'
            cand --token 'The session family of this access or refresh token (verified first; only if the family belongs to the token''s sub), or - for stdin'
            cand --family 'One session family (the sid claim); on Redis it is looked for under every subject, a batch of keys at a time'
            cand --alg 'The algorithm of the main key, to verify --token'
            cand --secret-file 'Read the HMAC secret from PATH (- for standard input)'
            cand --secret-env 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]'
            cand --secret-encoding 'How the secret''s text is turned into key bytes; raw uses it as-is, like Node''s jsonwebtoken'
            cand --key-file 'A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS; private to sign, public or certificate to verify. The form is read from the content'
            cand --key-password-file 'Read the password of an encrypted --key-file from PATH (- for standard input)'
            cand --key-password-env 'Read the password of an encrypted --key-file from the environment variable NAME'
            cand --refresh-secret-file 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]'
            cand --refresh-secret-env 'Read the refresh-token secret from the environment variable NAME'
            cand --store 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]'
            cand --store-prefix 'Prefix of every key in a Redis store, so several apps can share one server'
            cand --store-timeout 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store'
            cand --decrypt-key 'The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key (or oct JWK) first, then check the signed token inside as usual'
            cand --decrypt-alg 'A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the key''s type implies]'
            cand --decrypt-enc 'A content encryption accepted with --decrypt-key (repeatable) [default: all six]'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --all 'Every session; on Redis one batch of sessions at a time, not one atomic step (a session started meanwhile may be missed)'
            cand --json 'Print {"revoked": N}'
            cand --allow-weak-secret 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning'
            cand --store-allow-eviction 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;sessions'= {
            cand --user 'Only this subject''s sessions (without it, Redis is read one batch of sessions at a time, not in one atomic step)'
            cand --store 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]'
            cand --store-prefix 'Prefix of every key in a Redis store, so several apps can share one server'
            cand --store-timeout 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --include-revoked 'Also list the revoked sessions whose revocation is still remembered, with when and why (reuse, family, user, all)'
            cand --json 'Print a JSON array'
            cand --store-allow-eviction 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default'
            cand -h 'Print help'
            cand --help 'Print help'
            cand prune 'Drop records that can no longer matter and report how many (on Redis, one batch of sessions at a time)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;sessions;prune'= {
            cand --store 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]'
            cand --store-prefix 'Prefix of every key in a Redis store, so several apps can share one server'
            cand --store-timeout 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --json 'Print {"pruned": N}'
            cand --store-allow-eviction 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtctl;sessions;help'= {
            cand prune 'Drop records that can no longer matter and report how many (on Redis, one batch of sessions at a time)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;sessions;help;prune'= {
        }
        &'jwtctl;sessions;help;help'= {
        }
        &'jwtctl;gen-key'= {
            cand --alg 'The algorithm the key is for'
            cand --bits 'RSA key size'
            cand --out 'Write the private key (PKCS#8 PEM or a private JWK, mode 0600) here'
            cand --public-out 'Write the public key (SPKI PEM or a public JWK) here [default: the --out name with .pub.pem for .pem (ec.pem -> ec.pub.pem), .pub.jwk for .jwk]'
            cand --format 'The files'' form; a JWK carries alg, use and its RFC 7638 thumbprint as kid'
            cand --use 'What a JWK is for: sig (signing, with its alg) or enc (a JWE recipient''s key, for encrypt --key-file and issue --encrypt-to; RS*, PS* and ES* keys)'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --force 'Overwrite existing files'
            cand --json 'Print {"alg","kid","private_key","public_key"} on stdout'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;convert'= {
            cand --to 'The form to write'
            cand --out 'Write to FILE (mode 0600 for a private key) instead of standard output'
            cand --alg 'The algorithm to name in a JWK''s alg [default: the key''s own, or its usual one]'
            cand --kid 'With a JWKS: the key to convert'
            cand --key-password-file 'Read the password of an encrypted KEY from PATH (- for standard input)'
            cand --key-password-env 'Read the password of an encrypted KEY from the environment variable NAME'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --public 'Write only the public half'
            cand --force 'Overwrite --out, or print a private key to a terminal'
            cand --json 'Print {"format","private","kid","path"} on stdout when writing --out'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;encrypt'= {
            cand --key-file 'The recipient''s key: a JWK, PEM or DER key (public is enough), or an oct JWK'
            cand --alg 'Key management [default: by the key''s type]'
            cand --enc 'Content encryption [default: A256GCM, or the JWK''s own for a dir key]'
            cand --kid 'The kid header parameter [default: the JWK''s kid, if it has one]'
            cand --cty 'The cty header parameter: JWT for a nested token'
            cand --password-file 'Read a PBES2 password from PATH (- for standard input) instead of using a key'
            cand --password-env 'Read a PBES2 password from the environment variable NAME instead of using a key'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --json 'Print {"jwe": ..., "alg": ..., "enc": ...} instead of the bare JWE'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtctl;decrypt'= {
            cand --key-file 'Your key: a private JWK, PEM or DER key, or an oct JWK'
            cand --alg 'An accepted key-management algorithm (repeatable) [default: what the key''s type implies]'
            cand --enc 'An accepted content encryption (repeatable) [default: all six]'
            cand --password-file 'Read a PBES2 password from PATH (- for standard input) instead of using a key'
            cand --password-env 'Read a PBES2 password from the environment variable NAME instead of using a key'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --json 'Print {"header": ..., "plaintext": ...} (plaintext_base64url when it is not UTF-8)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtctl;jwks'= {
            cand --alg 'The algorithm to announce for each key [default: the key''s own: RS256, ES256, ES384, EdDSA]'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtctl;completions'= {
            cand --dir 'Write the scripts for every shell into DIR instead'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtctl;man'= {
            cand --dir 'The directory to write the pages into (created if missing)'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtctl;help'= {
            cand gen-secret 'Print a new random secret (32 bytes from the OS CSPRNG, hex)'
            cand issue 'Issue an access token and a refresh token'
            cand verify 'Verify a token''s signature, expiry and claims, as an auth middleware would'
            cand decode 'Show a token''s header and payload WITHOUT verifying anything'
            cand refresh 'Trade a refresh token for a new pair (rotation with reuse detection)'
            cand revoke 'Revoke refresh tokens: a user''s, a session family, one token''s family, or all'
            cand sessions 'List live sessions, or prune expired records'
            cand gen-key 'Generate a key pair (RSA, EC or Ed25519) as PEM or JWK files'
            cand convert 'Convert a key between PEM and JWK, private or public only'
            cand encrypt 'Encrypt a plaintext (or a token, as a nested JWT) to a recipient key: a compact JWE'
            cand decrypt 'Decrypt a compact JWE with your key and print the plaintext bytes'
            cand jwks 'Print a JWKS (RFC 7517) of public keys, with RFC 7638 thumbprints as key ids'
            cand completions 'Print a shell completion script, or write all of them to a directory'
            cand man 'Write man pages (one for jwtctl, one per subcommand) to a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;help;gen-secret'= {
        }
        &'jwtctl;help;issue'= {
        }
        &'jwtctl;help;verify'= {
        }
        &'jwtctl;help;decode'= {
        }
        &'jwtctl;help;refresh'= {
        }
        &'jwtctl;help;revoke'= {
        }
        &'jwtctl;help;sessions'= {
            cand prune 'Drop records that can no longer matter and report how many (on Redis, one batch of sessions at a time)'
        }
        &'jwtctl;help;sessions;prune'= {
        }
        &'jwtctl;help;gen-key'= {
        }
        &'jwtctl;help;convert'= {
        }
        &'jwtctl;help;encrypt'= {
        }
        &'jwtctl;help;decrypt'= {
        }
        &'jwtctl;help;jwks'= {
        }
        &'jwtctl;help;completions'= {
        }
        &'jwtctl;help;man'= {
        }
        &'jwtctl;help;help'= {
        }
    ]
    $completions[$command]
}
