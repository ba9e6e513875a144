
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'jwtctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'jwtctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'jwtctl' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print the version, the target, the crypto backend and the commit')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print the version, the target, the crypto backend and the commit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('gen-secret', 'gen-secret', [CompletionResultType]::ParameterValue, 'Print a new random secret (32 bytes from the OS CSPRNG, hex)')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue an access token and a refresh token')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a token''s signature, expiry and claims, as an auth middleware would')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Show a token''s header and payload WITHOUT verifying anything')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Trade a refresh token for a new pair (rotation with reuse detection)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke refresh tokens: a user''s, a session family, one token''s family, or all')
            [CompletionResult]::new('sessions', 'sessions', [CompletionResultType]::ParameterValue, 'List live sessions, or prune expired records')
            [CompletionResult]::new('gen-key', 'gen-key', [CompletionResultType]::ParameterValue, 'Generate a key pair (RSA, EC or Ed25519) as PEM or JWK files')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Convert a key between PEM and JWK, private or public only')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a plaintext (or a token, as a nested JWT) to a recipient key: a compact JWE')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a compact JWE with your key and print the plaintext bytes')
            [CompletionResult]::new('jwks', 'jwks', [CompletionResultType]::ParameterValue, 'Print a JWKS (RFC 7517) of public keys, with RFC 7638 thumbprints as key ids')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script, or write all of them to a directory')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one for jwtctl, one per subcommand) to a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;gen-secret' {
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'Number of random bytes')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'How to write the bytes')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the secret to FILE (created with mode 0600) instead of standard output')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite FILE if it exists')
            [CompletionResult]::new('--allow-weak-secret', '--allow-weak-secret', [CompletionResultType]::ParameterName, 'Allow fewer than 32 bytes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON object instead of the bare secret')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;issue' {
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'The subject (sub claim); required when a refresh token is issued')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'A claim: key=value for a string, key:=JSON for any JSON value (repeatable)')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'A JSON object of claims, @FILE to read it from a file, or - for standard input')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'The issuer (iss claim)')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'The audience (aud claim); repeat for several')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'The key id (kid header) [default: a JWK''s own kid, else the key''s RFC 7638 thumbprint]; with a JWKS --key-file, the key to sign with')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A header parameter for a standalone token: key=value for a string, key:=JSON for any JSON value (repeatable). typ is free with --no-refresh; alg, kid, crit, b64 and zip are jwtctl''s own')
            [CompletionResult]::new('--x5c', '--x5c', [CompletionResultType]::ParameterName, 'A PEM certificate chain, leaf first, for the x5c and x5t#S256 headers; the leaf must hold the signing key')
            [CompletionResult]::new('--exp', '--exp', [CompletionResultType]::ParameterName, 'exp of a standalone token: unix seconds, RFC 3339, or an offset from now (+90s, -5m, +1h)')
            [CompletionResult]::new('--nbf', '--nbf', [CompletionResultType]::ParameterName, 'nbf of a standalone token (the forms of --exp)')
            [CompletionResult]::new('--iat', '--iat', [CompletionResultType]::ParameterName, 'iat of a standalone token (the forms of --exp) [default: now]')
            [CompletionResult]::new('--jti', '--jti', [CompletionResultType]::ParameterName, 'jti of a standalone token [default: random]')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'The signing algorithm [default: HS256 for secrets, the key''s own for PEM keys]')
            [CompletionResult]::new('--access-ttl', '--access-ttl', [CompletionResultType]::ParameterName, 'Lifetime of the access token (90s, 5m, 6h, 7d)')
            [CompletionResult]::new('--refresh-ttl', '--refresh-ttl', [CompletionResultType]::ParameterName, 'Lifetime of the refresh token')
            [CompletionResult]::new('--session-label', '--session-label', [CompletionResultType]::ParameterName, 'A label stored with the session (a device name, a CI job)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the HMAC secret from PATH (- for standard input)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'How the secret''s text is turned into key bytes; raw uses it as-is, like Node''s jsonwebtoken')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS; private to sign, public or certificate to verify. The form is read from the content')
            [CompletionResult]::new('--key-password-file', '--key-password-file', [CompletionResultType]::ParameterName, 'Read the password of an encrypted --key-file from PATH (- for standard input)')
            [CompletionResult]::new('--key-password-env', '--key-password-env', [CompletionResultType]::ParameterName, 'Read the password of an encrypted --key-file from the environment variable NAME')
            [CompletionResult]::new('--refresh-secret-file', '--refresh-secret-file', [CompletionResultType]::ParameterName, 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]')
            [CompletionResult]::new('--refresh-secret-env', '--refresh-secret-env', [CompletionResultType]::ParameterName, 'Read the refresh-token secret from the environment variable NAME')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]')
            [CompletionResult]::new('--store-prefix', '--store-prefix', [CompletionResultType]::ParameterName, 'Prefix of every key in a Redis store, so several apps can share one server')
            [CompletionResult]::new('--store-timeout', '--store-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt each token printed to this recipient key (a nested JWT, cty JWT): a JWK, PEM or DER key (public is enough), or an oct JWK')
            [CompletionResult]::new('--encrypt-alg', '--encrypt-alg', [CompletionResultType]::ParameterName, 'Key management for --encrypt-to [default: by the key''s type]')
            [CompletionResult]::new('--encrypt-enc', '--encrypt-enc', [CompletionResultType]::ParameterName, 'Content encryption for --encrypt-to [default: A256GCM]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('--no-refresh', '--no-refresh', [CompletionResultType]::ParameterName, 'Issue only the access token (nothing is recorded in the store)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Issue many: one JSON object of claims per line on standard input (the other claim options apply to every line), one token response per line on stdout (as --output json), in input order. A line that is not a JSON object, or has no sub when a refresh token is issued, gets {"error":{"kind":..,"line":N,"message":..}} (N counts from 1) and the exit status is 1 at the end. Refresh tokens are recorded in the store a chunk at a time, before that chunk is printed')
            [CompletionResult]::new('--allow-weak-secret', '--allow-weak-secret', [CompletionResultType]::ParameterName, 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning')
            [CompletionResult]::new('--store-allow-eviction', '--store-allow-eviction', [CompletionResultType]::ParameterName, 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;verify' {
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'An accepted algorithm (repeatable) [default: HS256 for secrets, the key''s own for PEM keys]')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'With a JWKS --key-file: the key to verify with (needed when it holds several)')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'Require this issuer (iss)')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Require this audience (aud); repeat to accept any of several. A token that names an audience is rejected without one (RFC 7519 section 4.1.3)')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'Require this subject (sub)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Tolerance for clock skew on exp, nbf and iat')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Evaluate time claims at this instant (unix seconds or RFC 3339) instead of now')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Which token type to accept [default: any type except a refresh token]')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'Require this claim to be present (repeatable)')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'Verify with the keys of this JWKS, chosen by kid: a file, - for standard input, or an https:// URL (fetched and cached; see --oidc)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the HMAC secret from PATH (- for standard input)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'How the secret''s text is turned into key bytes; raw uses it as-is, like Node''s jsonwebtoken')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS; private to sign, public or certificate to verify. The form is read from the content')
            [CompletionResult]::new('--key-password-file', '--key-password-file', [CompletionResultType]::ParameterName, 'Read the password of an encrypted --key-file from PATH (- for standard input)')
            [CompletionResult]::new('--key-password-env', '--key-password-env', [CompletionResultType]::ParameterName, 'Read the password of an encrypted --key-file from the environment variable NAME')
            [CompletionResult]::new('--refresh-secret-file', '--refresh-secret-file', [CompletionResultType]::ParameterName, 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]')
            [CompletionResult]::new('--refresh-secret-env', '--refresh-secret-env', [CompletionResultType]::ParameterName, 'Read the refresh-token secret from the environment variable NAME')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store to check revocations in; implies --check-revocation')
            [CompletionResult]::new('--store-prefix', '--store-prefix', [CompletionResultType]::ParameterName, 'Prefix of every key in a Redis store, so several apps can share one server')
            [CompletionResult]::new('--store-timeout', '--store-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store')
            [CompletionResult]::new('--oidc', '--oidc', [CompletionResultType]::ParameterName, 'Verify a token of this OpenID Provider: its keys are found by discovery (ISSUER/.well-known/openid-configuration), fetched and cached, and iss must equal ISSUER')
            [CompletionResult]::new('--fetch-timeout', '--fetch-timeout', [CompletionResultType]::ParameterName, 'Bound on each fetch, redirects and body included')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Also trust the CA certificates in this PEM file for https (besides the system''s, or $SSL_CERT_FILE''s)')
            [CompletionResult]::new('--decrypt-key', '--decrypt-key', [CompletionResultType]::ParameterName, 'The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key (or oct JWK) first, then check the signed token inside as usual')
            [CompletionResult]::new('--decrypt-alg', '--decrypt-alg', [CompletionResultType]::ParameterName, 'A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the key''s type implies]')
            [CompletionResult]::new('--decrypt-enc', '--decrypt-enc', [CompletionResultType]::ParameterName, 'A content encryption accepted with --decrypt-key (repeatable) [default: all six]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('--allow-no-exp', '--allow-no-exp', [CompletionResultType]::ParameterName, 'Accept a token without exp (one that has exp is still checked)')
            [CompletionResult]::new('--any-aud', '--any-aud', [CompletionResultType]::ParameterName, 'Accept a token whatever audience it names (for inspection, on purpose)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON result object on stdout, valid or not')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status tells')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; the exit status tells')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Verify many tokens: one per line on standard input, one JSON object per line on stdout (what --json prints, an error with the input line number as "line"), in input order; exit 0 only if every token is valid, else 1')
            [CompletionResult]::new('--allow-weak-secret', '--allow-weak-secret', [CompletionResultType]::ParameterName, 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning')
            [CompletionResult]::new('--check-revocation', '--check-revocation', [CompletionResultType]::ParameterName, 'Also reject tokens whose session or user was revoked, as recorded in the store (--store, else $JWTCTL_STORE, else the default file); a store file that does not exist is an error (exit 4)')
            [CompletionResult]::new('--store-allow-eviction', '--store-allow-eviction', [CompletionResultType]::ParameterName, 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Fetch the keys even when the cached copy is fresh; neither read nor write the cache')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never fetch: use the cached copy (at most a day old) or fail')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;decode' {
            [CompletionResult]::new('--date', '--date', [CompletionResultType]::ParameterName, 'How to show dates')
            [CompletionResult]::new('--decrypt-key', '--decrypt-key', [CompletionResultType]::ParameterName, 'The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key (or oct JWK) first, then check the signed token inside as usual')
            [CompletionResult]::new('--decrypt-alg', '--decrypt-alg', [CompletionResultType]::ParameterName, 'A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the key''s type implies]')
            [CompletionResult]::new('--decrypt-enc', '--decrypt-enc', [CompletionResultType]::ParameterName, 'A content encryption accepted with --decrypt-key (repeatable) [default: all six]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"header":..,"payload":..,"signature":".."} for jq ({"error":{"kind":..,"message":..}} if the token does not decode)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Decode many tokens: one per line on standard input, one JSON object per line on stdout (what --json prints; {"error":{..,"line":N,..}} for line N if it does not decode), in input order; exit 0 only if every line decoded, else 1')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;refresh' {
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'The algorithm of the main key [default: HS256 for secrets, the key''s own for PEM keys]')
            [CompletionResult]::new('--access-ttl', '--access-ttl', [CompletionResultType]::ParameterName, 'Lifetime of the new access token')
            [CompletionResult]::new('--refresh-ttl', '--refresh-ttl', [CompletionResultType]::ParameterName, 'Lifetime of the new refresh token')
            [CompletionResult]::new('--reuse-grace', '--reuse-grace', [CompletionResultType]::ParameterName, 'Tolerate a client that presents the refresh token it just traded again, within DURATION of that trade (at most 5m) and while the new one is unused: it gets that same new refresh token and a fresh access token, instead of reuse revoking the session')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'A claim of the new pair instead of the one carried from the presented token (a role changed since login): key=value for a string, key:=JSON for any JSON value (repeatable)')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'A JSON object of claims for the new pair, over those carried from the presented token; @FILE to read it from a file, or - for standard input')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the HMAC secret from PATH (- for standard input)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'How the secret''s text is turned into key bytes; raw uses it as-is, like Node''s jsonwebtoken')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS; private to sign, public or certificate to verify. The form is read from the content')
            [CompletionResult]::new('--key-password-file', '--key-password-file', [CompletionResultType]::ParameterName, 'Read the password of an encrypted --key-file from PATH (- for standard input)')
            [CompletionResult]::new('--key-password-env', '--key-password-env', [CompletionResultType]::ParameterName, 'Read the password of an encrypted --key-file from the environment variable NAME')
            [CompletionResult]::new('--refresh-secret-file', '--refresh-secret-file', [CompletionResultType]::ParameterName, 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]')
            [CompletionResult]::new('--refresh-secret-env', '--refresh-secret-env', [CompletionResultType]::ParameterName, 'Read the refresh-token secret from the environment variable NAME')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]')
            [CompletionResult]::new('--store-prefix', '--store-prefix', [CompletionResultType]::ParameterName, 'Prefix of every key in a Redis store, so several apps can share one server')
            [CompletionResult]::new('--store-timeout', '--store-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store')
            [CompletionResult]::new('--decrypt-key', '--decrypt-key', [CompletionResultType]::ParameterName, 'The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key (or oct JWK) first, then check the signed token inside as usual')
            [CompletionResult]::new('--decrypt-alg', '--decrypt-alg', [CompletionResultType]::ParameterName, 'A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the key''s type implies]')
            [CompletionResult]::new('--decrypt-enc', '--decrypt-enc', [CompletionResultType]::ParameterName, 'A content encryption accepted with --decrypt-key (repeatable) [default: all six]')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt each token printed to this recipient key (a nested JWT, cty JWT): a JWK, PEM or DER key (public is enough), or an oct JWK')
            [CompletionResult]::new('--encrypt-alg', '--encrypt-alg', [CompletionResultType]::ParameterName, 'Key management for --encrypt-to [default: by the key''s type]')
            [CompletionResult]::new('--encrypt-enc', '--encrypt-enc', [CompletionResultType]::ParameterName, 'Content encryption for --encrypt-to [default: A256GCM]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('--no-rotate', '--no-rotate', [CompletionResultType]::ParameterName, 'Keep the presented refresh token valid and issue only a new access token')
            [CompletionResult]::new('--allow-weak-secret', '--allow-weak-secret', [CompletionResultType]::ParameterName, 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning')
            [CompletionResult]::new('--store-allow-eviction', '--store-allow-eviction', [CompletionResultType]::ParameterName, 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;revoke' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Every session of this subject, and its access tokens issued until now (see verify --check-revocation)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The session family of this access or refresh token (verified first; only if the family belongs to the token''s sub), or - for stdin')
            [CompletionResult]::new('--family', '--family', [CompletionResultType]::ParameterName, 'One session family (the sid claim); on Redis it is looked for under every subject, a batch of keys at a time')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'The algorithm of the main key, to verify --token')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the HMAC secret from PATH (- for standard input)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the HMAC secret from the environment variable NAME [default: JWTCTL_SECRET]')
            [CompletionResult]::new('--secret-encoding', '--secret-encoding', [CompletionResultType]::ParameterName, 'How the secret''s text is turned into key bytes; raw uses it as-is, like Node''s jsonwebtoken')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'A key: PEM (RSA, EC or Ed25519; encrypted PKCS#8 with a password), a JWK or a JWKS; private to sign, public or certificate to verify. The form is read from the content')
            [CompletionResult]::new('--key-password-file', '--key-password-file', [CompletionResultType]::ParameterName, 'Read the password of an encrypted --key-file from PATH (- for standard input)')
            [CompletionResult]::new('--key-password-env', '--key-password-env', [CompletionResultType]::ParameterName, 'Read the password of an encrypted --key-file from the environment variable NAME')
            [CompletionResult]::new('--refresh-secret-file', '--refresh-secret-file', [CompletionResultType]::ParameterName, 'Read the refresh-token secret from PATH [default: $JWTCTL_REFRESH_SECRET, else the main key]')
            [CompletionResult]::new('--refresh-secret-env', '--refresh-secret-env', [CompletionResultType]::ParameterName, 'Read the refresh-token secret from the environment variable NAME')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]')
            [CompletionResult]::new('--store-prefix', '--store-prefix', [CompletionResultType]::ParameterName, 'Prefix of every key in a Redis store, so several apps can share one server')
            [CompletionResult]::new('--store-timeout', '--store-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store')
            [CompletionResult]::new('--decrypt-key', '--decrypt-key', [CompletionResultType]::ParameterName, 'The token is encrypted (a nested JWT): decrypt it with this private JWK, PEM or DER key (or oct JWK) first, then check the signed token inside as usual')
            [CompletionResult]::new('--decrypt-alg', '--decrypt-alg', [CompletionResultType]::ParameterName, 'A key-management algorithm accepted with --decrypt-key (repeatable) [default: what the key''s type implies]')
            [CompletionResult]::new('--decrypt-enc', '--decrypt-enc', [CompletionResultType]::ParameterName, 'A content encryption accepted with --decrypt-key (repeatable) [default: all six]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every session; on Redis one batch of sessions at a time, not one atomic step (a session started meanwhile may be missed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"revoked": N}')
            [CompletionResult]::new('--allow-weak-secret', '--allow-weak-secret', [CompletionResultType]::ParameterName, 'Accept an HMAC secret shorter than RFC 7518 requires (32/48/64 bytes), with a warning')
            [CompletionResult]::new('--store-allow-eviction', '--store-allow-eviction', [CompletionResultType]::ParameterName, 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;sessions' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Only this subject''s sessions (without it, Redis is read one batch of sessions at a time, not in one atomic step)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]')
            [CompletionResult]::new('--store-prefix', '--store-prefix', [CompletionResultType]::ParameterName, 'Prefix of every key in a Redis store, so several apps can share one server')
            [CompletionResult]::new('--store-timeout', '--store-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('--include-revoked', '--include-revoked', [CompletionResultType]::ParameterName, 'Also list the revoked sessions whose revocation is still remembered, with when and why (reuse, family, user, all)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON array')
            [CompletionResult]::new('--store-allow-eviction', '--store-allow-eviction', [CompletionResultType]::ParameterName, 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Drop records that can no longer matter and report how many (on Redis, one batch of sessions at a time)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;sessions;prune' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store: a file path, or redis://[user:password@]host:port/db (also rediss://, redis+unix://, and redis+cluster://host:port,host:port... or rediss+cluster:// for a Redis Cluster) [default: $XDG_DATA_HOME/jwtctl/sessions.json]')
            [CompletionResult]::new('--store-prefix', '--store-prefix', [CompletionResultType]::ParameterName, 'Prefix of every key in a Redis store, so several apps can share one server')
            [CompletionResult]::new('--store-timeout', '--store-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a Redis store and on each command, and on waiting for the lock of a file store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"pruned": N}')
            [CompletionResult]::new('--store-allow-eviction', '--store-allow-eviction', [CompletionResultType]::ParameterName, 'Write to a Redis server whose maxmemory-policy may evict keys (and with them revocations); refused by default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtctl;sessions;help' {
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Drop records that can no longer matter and report how many (on Redis, one batch of sessions at a time)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;sessions;help;prune' {
            break
        }
        'jwtctl;sessions;help;help' {
            break
        }
        'jwtctl;gen-key' {
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'The algorithm the key is for')
            [CompletionResult]::new('--bits', '--bits', [CompletionResultType]::ParameterName, 'RSA key size')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the private key (PKCS#8 PEM or a private JWK, mode 0600) here')
            [CompletionResult]::new('--public-out', '--public-out', [CompletionResultType]::ParameterName, 'Write the public key (SPKI PEM or a public JWK) here [default: the --out name with .pub.pem for .pem (ec.pem -> ec.pub.pem), .pub.jwk for .jwk]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The files'' form; a JWK carries alg, use and its RFC 7638 thumbprint as kid')
            [CompletionResult]::new('--use', '--use', [CompletionResultType]::ParameterName, 'What a JWK is for: sig (signing, with its alg) or enc (a JWE recipient''s key, for encrypt --key-file and issue --encrypt-to; RS*, PS* and ES* keys)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing files')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"alg","kid","private_key","public_key"} on stdout')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;convert' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The form to write')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write to FILE (mode 0600 for a private key) instead of standard output')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'The algorithm to name in a JWK''s alg [default: the key''s own, or its usual one]')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'With a JWKS: the key to convert')
            [CompletionResult]::new('--key-password-file', '--key-password-file', [CompletionResultType]::ParameterName, 'Read the password of an encrypted KEY from PATH (- for standard input)')
            [CompletionResult]::new('--key-password-env', '--key-password-env', [CompletionResultType]::ParameterName, 'Read the password of an encrypted KEY from the environment variable NAME')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('--public', '--public', [CompletionResultType]::ParameterName, 'Write only the public half')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite --out, or print a private key to a terminal')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"format","private","kid","path"} on stdout when writing --out')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jwtctl;encrypt' {
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The recipient''s key: a JWK, PEM or DER key (public is enough), or an oct JWK')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Key management [default: by the key''s type]')
            [CompletionResult]::new('--enc', '--enc', [CompletionResultType]::ParameterName, 'Content encryption [default: A256GCM, or the JWK''s own for a dir key]')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'The kid header parameter [default: the JWK''s kid, if it has one]')
            [CompletionResult]::new('--cty', '--cty', [CompletionResultType]::ParameterName, 'The cty header parameter: JWT for a nested token')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read a PBES2 password from PATH (- for standard input) instead of using a key')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read a PBES2 password from the environment variable NAME instead of using a key')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"jwe": ..., "alg": ..., "enc": ...} instead of the bare JWE')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtctl;decrypt' {
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Your key: a private JWK, PEM or DER key, or an oct JWK')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'An accepted key-management algorithm (repeatable) [default: what the key''s type implies]')
            [CompletionResult]::new('--enc', '--enc', [CompletionResultType]::ParameterName, 'An accepted content encryption (repeatable) [default: all six]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read a PBES2 password from PATH (- for standard input) instead of using a key')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read a PBES2 password from the environment variable NAME instead of using a key')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"header": ..., "plaintext": ...} (plaintext_base64url when it is not UTF-8)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtctl;jwks' {
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'The algorithm to announce for each key [default: the key''s own: RS256, ES256, ES384, EdDSA]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtctl;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write the scripts for every shell into DIR instead')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtctl;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The directory to write the pages into (created if missing)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto colours a stream that is a terminal, unless NO_COLOR is set or TERM is dumb')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jwtctl;help' {
            [CompletionResult]::new('gen-secret', 'gen-secret', [CompletionResultType]::ParameterValue, 'Print a new random secret (32 bytes from the OS CSPRNG, hex)')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue an access token and a refresh token')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a token''s signature, expiry and claims, as an auth middleware would')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Show a token''s header and payload WITHOUT verifying anything')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Trade a refresh token for a new pair (rotation with reuse detection)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke refresh tokens: a user''s, a session family, one token''s family, or all')
            [CompletionResult]::new('sessions', 'sessions', [CompletionResultType]::ParameterValue, 'List live sessions, or prune expired records')
            [CompletionResult]::new('gen-key', 'gen-key', [CompletionResultType]::ParameterValue, 'Generate a key pair (RSA, EC or Ed25519) as PEM or JWK files')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Convert a key between PEM and JWK, private or public only')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a plaintext (or a token, as a nested JWT) to a recipient key: a compact JWE')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a compact JWE with your key and print the plaintext bytes')
            [CompletionResult]::new('jwks', 'jwks', [CompletionResultType]::ParameterValue, 'Print a JWKS (RFC 7517) of public keys, with RFC 7638 thumbprints as key ids')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script, or write all of them to a directory')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one for jwtctl, one per subcommand) to a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jwtctl;help;gen-secret' {
            break
        }
        'jwtctl;help;issue' {
            break
        }
        'jwtctl;help;verify' {
            break
        }
        'jwtctl;help;decode' {
            break
        }
        'jwtctl;help;refresh' {
            break
        }
        'jwtctl;help;revoke' {
            break
        }
        'jwtctl;help;sessions' {
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Drop records that can no longer matter and report how many (on Redis, one batch of sessions at a time)')
            break
        }
        'jwtctl;help;sessions;prune' {
            break
        }
        'jwtctl;help;gen-key' {
            break
        }
        'jwtctl;help;convert' {
            break
        }
        'jwtctl;help;encrypt' {
            break
        }
        'jwtctl;help;decrypt' {
            break
        }
        'jwtctl;help;jwks' {
            break
        }
        'jwtctl;help;completions' {
            break
        }
        'jwtctl;help;man' {
            break
        }
        'jwtctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
