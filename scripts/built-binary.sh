#!/usr/bin/env bash
# Builds jwtctl and prints the path of the binary Cargo produced.
#
#   scripts/built-binary.sh              debug build: target/debug/jwtctl
#   scripts/built-binary.sh --release    release build: target/release/jwtctl
#   scripts/built-binary.sh --static     the binary `make dist`, `make install` and `make deb`
#                                        ship: release, for an explicit target ($TARGET, default
#                                        the host), and on Linux with glibc a static PIE
#
# Why static: most of a short command's time was the dynamic loader mapping libc and resolving
# aws-lc's symbols before main (docs/PERFORMANCE.md). A static PIE keeps ASLR and RELRO, and
# glibc 2.34+ has the `files` and `dns` name services built in, which is all a Redis host name
# needs. `crt-static` must not reach proc-macro crates (host code loaded as shared objects):
# naming the target keeps host artifacts out of RUSTFLAGS, and keeps the static build in its own
# directory, target/TARGET/release/, apart from the ordinary one.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--static" ]; then
    shift
    target=${TARGET:-$(rustc -vV | sed -n 's/^host: //p')}
    case "$target" in
        *-linux-gnu*) export RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" ;;
    esac
    set -- --release --target "$target" "$@"
fi
cargo build --locked --quiet --bin jwtctl --message-format=json-render-diagnostics "$@" |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1 | grep . ||
    { echo "built-binary: cargo reported no jwtctl executable" >&2; exit 2; }
