#!/bin/sh
# make demo: the whole life of a session, against a throw-away file store, each step printed.
#
#   sh scripts/demo.sh [JWTCTL_BINARY]        (default: jwtctl on PATH)
#
# POSIX sh. Each step states the exit status it expects; any other status stops the demo with
# `demo: FAILED` and exit 1. Nothing outside the temporary directory is read or written: the
# JWTCTL_* variables of the caller's environment are ignored.
set -u

jwtctl=${1:-jwtctl}
case "$jwtctl" in
    */*) [ -x "$jwtctl" ] || { echo "demo: FAILED: no jwtctl binary at $jwtctl" >&2; exit 1; } ;;
    *) command -v "$jwtctl" >/dev/null 2>&1 ||
        { echo "demo: FAILED: jwtctl is not on PATH (or give its path)" >&2; exit 1; } ;;
esac

scratch=$(mktemp -d "${TMPDIR:-/tmp}/jwtctl-demo.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
trap 'exit 1' HUP INT TERM
unset JWTCTL_SECRET JWTCTL_REFRESH_SECRET JWTCTL_THREADS
JWTCTL_STORE="$scratch/sessions.json"
export JWTCTL_STORE

step=0
# run EXPECTED_STATUS DESCRIPTION COMMAND...: prints the step and the command, runs it (its
# stdout to $scratch/out, shown, and its stderr shown), and stops the demo on another status.
run() {
    expected=$1
    step=$((step + 1))
    printf '\n== %s. %s\n$ jwtctl' "$step" "$2"
    shift 2
    for arg in "$@"; do
        case "$arg" in
            eyJ*) printf ' %s' "\"\$$(token_name "$arg")\"" ;;
            *) printf ' %s' "$arg" ;;
        esac
    done
    printf '\n'
    status=0
    "$jwtctl" "$@" >"$scratch/out" 2>"$scratch/err" || status=$?
    # A whole token is noise on a screen: its first characters and its length are enough.
    awk '/^eyJ[A-Za-z0-9_.-]+$/ && length($0) > 60 {
             printf "  %s... (%d characters)\n", substr($0, 1, 40), length($0); next }
         { print "  " $0 }' "$scratch/out"
    sed 's/^/  /' "$scratch/err"
    if [ "$status" -ne "$expected" ]; then
        echo "demo: FAILED at step $step: jwtctl exited with $status, expected $expected" >&2
        exit 1
    fi
    echo "  (exit $status, as expected)"
}

# The variable a token is held in, to print instead of the whole token.
token_name() {
    case "$1" in
        "${OLD_REFRESH:-}") echo OLD_REFRESH ;;
        "${ACCESS:-}") echo ACCESS ;;
        "${REFRESH:-}") echo REFRESH ;;
        *) echo TOKEN ;;
    esac
}

line() { sed -n "$1p" "$scratch/out"; }

echo "jwtctl demo: $("$jwtctl" --version)"
echo "store: $JWTCTL_STORE (removed at the end)"

run 0 "A new HMAC secret (shown here only because it is thrown away)" gen-secret
JWTCTL_SECRET=$(line 1)
export JWTCTL_SECRET

run 0 "An access token (5 minutes) and a refresh token (6 hours) for alice" \
    issue --sub alice --claim role=admin
ACCESS=$(line 1)
REFRESH=$(line 2)
[ -n "$ACCESS" ] && [ -n "$REFRESH" ] || { echo "demo: FAILED: issue printed no pair" >&2; exit 1; }

run 0 "Verify the access token as an API would: signature, expiry, type" verify "$ACCESS"

run 0 "Decode it: header and payload, dates made human, nothing verified" decode "$ACCESS"

OLD_REFRESH=$REFRESH
run 0 "Trade the refresh token for a new pair (rotation)" refresh "$OLD_REFRESH"
ACCESS=$(line 1)
REFRESH=$(line 2)

run 1 "Someone replays the old refresh token: reuse detected, the session is revoked" \
    refresh "$OLD_REFRESH"

run 1 "The pair issued by the rotation died with its session" refresh "$REFRESH"

run 0 "A second session for alice" issue --sub alice
ACCESS=$(line 1)

run 0 "Log alice out everywhere" revoke --user alice

run 1 "Her access token is refused wherever revocation is checked" \
    verify --check-revocation "$ACCESS"

run 0 "No live session is left" sessions

printf '\ndemo: passed (%s steps)\n' "$step"
