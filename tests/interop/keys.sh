#!/usr/bin/env bash
# Interop for the ECDSA curves beyond P-256/P-384 and for JWK key files: tokens signed by jwtctl
# are verified by Node's `jose` (ES512) and Python's PyJWT (ES512, ES256K), and the other way
# round, with PEM and JWK keys. See jose_check.js and pyjwt_keys.py for the checks.
#
#   bash tests/interop/keys.sh [JWTCTL_BINARY]     (default: builds and uses target/debug/jwtctl)
#
# jose@5 comes from the npm registry and PyJWT with `cryptography` from PyPI, both into a scratch
# directory (with its own caches) that is removed at exit: nothing is written to the repository,
# ~/.npm or the user's Python. Without node/npm or python3 the suite is skipped, loudly on stderr,
# and exit 0; when CI is set, that is a failure instead. JWTCTL_SKIP_INTEROP=1 skips it on purpose
# (also refused when CI is set).
# The last line of stdout is `interop: N passed, M failed`; the exit status is 0 only when M is 0.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

skip() {
    if [ -n "${CI:-}" ]; then
        echo "interop: FAILED: $1, and CI is set: the interop suite must run in CI" >&2
        echo "interop: (.ci/run installs node, npm and python3; run it, or install them)" >&2
        exit 1
    fi
    {
        echo "************************************************************************"
        echo "interop: SKIPPED ($1)"
        echo "interop: jwtctl <-> Node jose / PyJWT key interop was NOT tested."
        echo "interop: install node, npm and python3 with venv to run it."
        echo "************************************************************************"
    } >&2
    exit 0
}

if [ -n "${JWTCTL_SKIP_INTEROP:-}" ]; then
    skip "JWTCTL_SKIP_INTEROP is set"
fi
for tool in node npm python3 openssl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        skip "$tool not installed"
    fi
done
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    skip "python3 has no venv/ensurepip (Debian: apt-get install python3-venv)"
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

scratch="$(mktemp -d "${TMPDIR:-/tmp}/jwtctl-interop-keys.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
umask 077

printf '{"name": "jwtctl-interop-keys-scratch", "private": true}\n' >"$scratch/package.json"
if ! (cd "$scratch" &&
    npm_config_cache="$scratch/npm-cache" npm_config_update_notifier=false \
        npm install --no-audit --no-fund --no-save --loglevel=error jose@5 \
        >"$scratch/npm.log" 2>&1); then
    cat "$scratch/npm.log" >&2
    echo "interop: FAILED: npm could not install jose@5 from the registry" >&2
    exit 1
fi
if ! (python3 -m venv "$scratch/venv" &&
    PIP_CACHE_DIR="$scratch/pip-cache" PIP_DISABLE_PIP_VERSION_CHECK=1 \
        "$scratch/venv/bin/pip" install --quiet 'pyjwt[crypto]>=2.8,<3' \
        >"$scratch/pip.log" 2>&1); then
    cat "$scratch/pip.log" >&2
    echo "interop: FAILED: pip could not install PyJWT with cryptography from PyPI" >&2
    exit 1
fi

mkdir "$scratch/keys"
keys="$scratch/keys"
for curve in P-521:p521 secp256k1:k256; do
    name="${curve#*:}"
    openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${curve%%:*}" \
        -out "$keys/$name.key.pem" 2>/dev/null
    openssl pkey -in "$keys/$name.key.pem" -pubout -out "$keys/$name.pub.pem"
done

echo "# setup (jose and PyJWT installs, keys) took $((SECONDS - started))s"
status=0
results="$scratch/results.txt"
INTEROP_JWTCTL="$bin" INTEROP_SCRATCH="$scratch" node "$here/jose_check.js" | tee -a "$results" ||
    status=1
INTEROP_JWTCTL="$bin" INTEROP_SCRATCH="$scratch" "$scratch/venv/bin/python" "$here/pyjwt_keys.py" |
    tee -a "$results" || status=1
passed=$(grep -c '^ok ' "$results" || true)
failed=$(grep -c '^not ok ' "$results" || true)
if [ "$passed" -eq 0 ]; then
    status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
fi
echo "interop: $passed passed, $failed failed"
exit "$status"
