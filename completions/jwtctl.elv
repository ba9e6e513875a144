
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
            cand gen-key 'Generate a key pair (RSA, EC or Ed25519) as PEM files'
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
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtctl;issue'= {
            cand --sub 'The subject (sub claim); required when a refresh token is issued'
            cand --claim 'A claim: key=value for a string, key:=JSON for any JSON value (repeatable)'
            cand --payload 'A JSON object of claims, @FILE to read it from a file, or - for standard input'
            cand --iss 'The issuer (iss claim)'
            cand --aud 'The audience (aud claim); repeat for several'
            cand --kid 'The key id (kid header)'
            cand --alg 'The signing algorithm [default: HS256 for secrets, the key''s own for PEM keys]'
            cand --access-ttl 'Lifetime of the access token (90s, 5m, 6h, 7d)'
            cand --refresh-ttl 'Lifetime of the refresh token'
            cand --session-label 'A label stored with the session (a device name, a CI job)'
            cand --output 'Output format'
            cand --secret-file 'Read the HMAC secret from PATH (- for standard input)'
            cand --secret-env 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]'
            cand --secret-encoding 'How the secret''s text is turned into key bytes; raw uses it as-is, like Node''s jsonwebtoken'
            cand --key-file 'A PEM key (RSA, EC or Ed25519): private to sign, public or certificate to verify'
            cand --refresh-secret-file 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]'
            cand --refresh-secret-env 'Read the refresh-token secret from the environment variable NAME'
            cand --store 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://) [default: $XDG_DATA_HOME/jwtctl/sessions.json]'
            cand --store-prefix 'Prefix of every key in a Redis store, so several apps can share one server'
            cand --store-timeout 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --no-refresh 'Issue only the access token (nothing is recorded in the store)'
            cand --batch 'Issue many: one JSON object of claims per line on standard input (the other claim options apply to every line), one token response per line on stdout (as --output json), in input order. A line that is not a JSON object, or has no sub when a refresh token is issued, gets {"error":{"kind":..,"message":..}} and the exit status is 1 at the end. Refresh tokens are recorded in the store a chunk at a time, before that chunk is printed'
            cand --allow-weak-secret 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;verify'= {
            cand --alg 'An accepted algorithm (repeatable) [default: HS256 for secrets, the key''s own for PEM keys]'
            cand --iss 'Require this issuer (iss)'
            cand --aud 'Require this audience (aud); repeat to accept any of several. A token that names an audience is rejected without one (RFC 7519 section 4.1.3)'
            cand --sub 'Require this subject (sub)'
            cand --leeway 'Tolerance for clock skew on exp, nbf and iat'
            cand --now 'Evaluate time claims at this instant (unix seconds or RFC 3339) instead of now'
            cand --type 'Which token type to accept [default: any type except a refresh token]'
            cand --require 'Require this claim to be present (repeatable)'
            cand --jwks 'Verify with the keys of this JWKS document (- for standard input), chosen by kid'
            cand --secret-file 'Read the HMAC secret from PATH (- for standard input)'
            cand --secret-env 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]'
            cand --secret-encoding 'How the secret''s text is turned into key bytes; raw uses it as-is, like Node''s jsonwebtoken'
            cand --key-file 'A PEM key (RSA, EC or Ed25519): private to sign, public or certificate to verify'
            cand --refresh-secret-file 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]'
            cand --refresh-secret-env 'Read the refresh-token secret from the environment variable NAME'
            cand --store 'The store to check revocations in; implies --check-revocation'
            cand --store-prefix 'Prefix of every key in a Redis store, so several apps can share one server'
            cand --store-timeout 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --any-aud 'Accept a token whatever audience it names (for inspection, on purpose)'
            cand --json 'Print a JSON result object on stdout, valid or not'
            cand -q 'Print nothing on stdout; the exit status tells'
            cand --quiet 'Print nothing on stdout; the exit status tells'
            cand --batch 'Verify many tokens: one per line on standard input, one JSON object per line on stdout (what --json prints), in input order; exit 0 only if every token is valid, else 1'
            cand --allow-weak-secret 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning'
            cand --check-revocation 'Also reject tokens whose session or user was revoked, as recorded in the store (--store, else $JWTCTL_STORE, else the default file); a store file that does not exist is an error (exit 4)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;decode'= {
            cand --date 'How to show dates'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --json 'Print {"header":..,"payload":..,"signature":".."} for jq ({"error":{"kind":..,"message":..}} if the token does not decode)'
            cand --batch 'Decode many tokens: one per line on standard input, one JSON object per line on stdout (what --json prints; {"error":..} for a line that does not decode), in input order; exit 0 only if every line decoded, else 1'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtctl;refresh'= {
            cand --alg 'The algorithm of the main key [default: HS256 for secrets, the key''s own for PEM keys]'
            cand --access-ttl 'Lifetime of the new access token'
            cand --refresh-ttl 'Lifetime of the new refresh token'
            cand --output 'Output format'
            cand --secret-file 'Read the HMAC secret from PATH (- for standard input)'
            cand --secret-env 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]'
            cand --secret-encoding 'How the secret''s text is turned into key bytes; raw uses it as-is, like Node''s jsonwebtoken'
            cand --key-file 'A PEM key (RSA, EC or Ed25519): private to sign, public or certificate to verify'
            cand --refresh-secret-file 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]'
            cand --refresh-secret-env 'Read the refresh-token secret from the environment variable NAME'
            cand --store 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://) [default: $XDG_DATA_HOME/jwtctl/sessions.json]'
            cand --store-prefix 'Prefix of every key in a Redis store, so several apps can share one server'
            cand --store-timeout 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --no-rotate 'Keep the presented refresh token valid and issue only a new access token'
            cand --allow-weak-secret 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;revoke'= {
            cand --user 'Every session of this subject, and its access tokens issued until now (see verify --check-revocation)'
            cand --token 'The session family of this access or refresh token (verified first; only if the family belongs to the token''s sub), or - for stdin'
            cand --family 'One session family (the sid claim)'
            cand --alg 'The algorithm of the main key, to verify --token'
            cand --secret-file 'Read the HMAC secret from PATH (- for standard input)'
            cand --secret-env 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]'
            cand --secret-encoding 'How the secret''s text is turned into key bytes; raw uses it as-is, like Node''s jsonwebtoken'
            cand --key-file 'A PEM key (RSA, EC or Ed25519): private to sign, public or certificate to verify'
            cand --refresh-secret-file 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]'
            cand --refresh-secret-env 'Read the refresh-token secret from the environment variable NAME'
            cand --store 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://) [default: $XDG_DATA_HOME/jwtctl/sessions.json]'
            cand --store-prefix 'Prefix of every key in a Redis store, so several apps can share one server'
            cand --store-timeout 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --all 'Every session'
            cand --json 'Print {"revoked": N}'
            cand --allow-weak-secret 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'jwtctl;sessions'= {
            cand --user 'Only this subject''s sessions'
            cand --store 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://) [default: $XDG_DATA_HOME/jwtctl/sessions.json]'
            cand --store-prefix 'Prefix of every key in a Redis store, so several apps can share one server'
            cand --store-timeout 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --json 'Print a JSON array'
            cand -h 'Print help'
            cand --help 'Print help'
            cand prune 'Drop records that can no longer matter and report how many'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;sessions;prune'= {
            cand --store 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://) [default: $XDG_DATA_HOME/jwtctl/sessions.json]'
            cand --store-prefix 'Prefix of every key in a Redis store, so several apps can share one server'
            cand --store-timeout 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --json 'Print {"pruned": N}'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'jwtctl;sessions;help'= {
            cand prune 'Drop records that can no longer matter and report how many'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jwtctl;sessions;help;prune'= {
        }
        &'jwtctl;sessions;help;help'= {
        }
        &'jwtctl;gen-key'= {
            cand --alg 'The algorithm the key is for'
            cand --bits 'RSA key size'
            cand --out 'Write the private key (PKCS#8 PEM, mode 0600) here'
            cand --public-out 'Write the public key (SPKI PEM) here [default: the --out name with .pub.pem for .pem, as in ec.pem -> ec.pub.pem]'
            cand --color 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb'
            cand --force 'Overwrite existing files'
            cand --json 'Print {"alg","kid","private_key","public_key"} on stdout'
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
            cand gen-key 'Generate a key pair (RSA, EC or Ed25519) as PEM files'
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
            cand prune 'Drop records that can no longer matter and report how many'
        }
        &'jwtctl;help;sessions;prune'= {
        }
        &'jwtctl;help;gen-key'= {
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
