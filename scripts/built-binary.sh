#!/usr/bin/env bash
# Builds jwtctl and prints the path of the binary Cargo produced, wherever the target directory
# and the target tuple put it. Usage: scripts/built-binary.sh [--release]   (debug by default)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --quiet --bin jwtctl --message-format=json-render-diagnostics "$@" |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1 | grep . ||
    { echo "built-binary: cargo reported no jwtctl executable" >&2; exit 2; }
