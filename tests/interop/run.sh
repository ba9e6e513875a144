#!/usr/bin/env bash
# Interop suite: tokens signed by jwtctl are verified by Node's `jsonwebtoken` (the library behind
# most Express APIs) and the other way round, for HS256, HS512, RS256, PS256 and ES256, with the
# secret exactly as `jwtctl gen-secret` prints it; and neither jsonwebtoken nor Python's PyJWT
# accepts a jwtctl refresh token as an access token. See node_check.js and pyjwt_check.py.
#
#   bash tests/interop/run.sh [JWTCTL_BINARY]     (default: builds and uses target/debug/jwtctl)
#
# jsonwebtoken@9 is installed from the npm registry into a scratch directory (with its own npm
# cache) that is removed at exit: nothing is written to the repository or to ~/.npm.
# Without node or npm the suite is skipped, loudly on stderr, and exit 0; when CI is set, that is a
# failure instead. JWTCTL_SKIP_INTEROP=1 skips it on purpose (also refused when CI is set).
# The last line of stdout is `interop: N passed, M failed`; the exit status is 0 only when M is 0.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

skip() {
    if [ -n "${CI:-}" ]; then
        echo "interop: FAILED: $1, and CI is set: the interop suite must run in CI" >&2
        echo "interop: (.ci/run installs node and npm; run it, or install them)" >&2
        exit 1
    fi
    {
        echo "************************************************************************"
        echo "interop: SKIPPED ($1)"
        echo "interop: jwtctl <-> Node jsonwebtoken interop was NOT tested."
        echo "interop: install node and npm (Debian: apt-get install nodejs npm) to run it."
        echo "************************************************************************"
    } >&2
    exit 0
}

if [ -n "${JWTCTL_SKIP_INTEROP:-}" ]; then
    skip "JWTCTL_SKIP_INTEROP is set"
fi
# Checked before anything is built or downloaded.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    skip "node/npm not installed"
fi
if ! command -v openssl >/dev/null 2>&1; then
    echo "interop: FAILED: openssl is needed to generate the test keys" >&2
    exit 1
fi

started=$SECONDS

if [ $# -ge 1 ]; then
    bin="$1"
else
    bin=$(bash "$root/scripts/built-binary.sh")
fi
case "$bin" in
    /*) ;;
    *) bin="$PWD/$bin" ;;
esac
if [ ! -x "$bin" ]; then
    echo "interop: FAILED: no jwtctl binary at $bin" >&2
    exit 1
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/jwtctl-interop.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
umask 077

# jsonwebtoken, in the scratch directory only.
printf '{"name": "jwtctl-interop-scratch", "private": true}\n' >"$scratch/package.json"
if ! (cd "$scratch" &&
    npm_config_cache="$scratch/npm-cache" npm_config_update_notifier=false \
        npm install --no-audit --no-fund --no-save --loglevel=error jsonwebtoken@9 \
        >"$scratch/npm.log" 2>&1); then
    cat "$scratch/npm.log" >&2
    echo "interop: FAILED: npm could not install jsonwebtoken@9 from the registry" >&2
    exit 1
fi

# PKCS#8 private keys to sign, SPKI public keys to verify.
mkdir "$scratch/keys"
keys="$scratch/keys"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$keys/rsa.key.pem" 2>/dev/null
openssl pkey -in "$keys/rsa.key.pem" -pubout -out "$keys/rsa.pub.pem"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$keys/ec.key.pem" 2>/dev/null
openssl pkey -in "$keys/ec.key.pem" -pubout -out "$keys/ec.pub.pem"
for key in rsa ec; do
    if ! grep -q -- '-----BEGIN PRIVATE KEY-----' "$keys/$key.key.pem"; then
        echo "interop: FAILED: openssl did not write a PKCS#8 $key key" >&2
        exit 1
    fi
done

# PyJWT (with cryptography, for ES256), from PyPI into the scratch directory only.
pyjwt_ok=""
if command -v python3 >/dev/null 2>&1 &&
    python3 -m pip install --quiet --disable-pip-version-check --no-cache-dir \
        --target "$scratch/py" 'pyjwt[crypto]>=2.8' >"$scratch/pip.log" 2>&1; then
    pyjwt_ok=1
elif [ -n "${CI:-}" ]; then
    cat "$scratch/pip.log" >&2 2>/dev/null || true
    echo "interop: FAILED: python3 and PyJWT from PyPI are needed, and CI is set" >&2
    exit 1
else
    echo "interop: PyJWT checks SKIPPED (python3 or pip install pyjwt failed)" >&2
fi

echo "# setup (jsonwebtoken and PyJWT install, keys) took $((SECONDS - started))s"
status=0
if [ -n "$pyjwt_ok" ]; then
    PYTHONPATH="$scratch/py" INTEROP_JWTCTL="$bin" INTEROP_SCRATCH="$scratch" \
        python3 "$here/pyjwt_check.py" || status=$?
fi
# Node last: its summary is the last line of stdout.
INTEROP_JWTCTL="$bin" INTEROP_SCRATCH="$scratch" node "$here/node_check.js" || status=$?
if [ "$status" -ne 0 ]; then
    echo "interop: FAILED (exit $status)" >&2
fi
exit "$status"
