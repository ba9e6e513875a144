#!/usr/bin/env bash
# make audit: dependency hygiene that works with no network beyond the package registries.
#
# 1. Duplicated major versions (`cargo tree -d`): each one must be listed below with the reason
#    it cannot be avoided; a new one fails the audit.
# 2. Crates known to be unmaintained or to carry an unfixed advisory that affects us: none may be
#    in the tree. The list is kept by hand from the RustSec advisories we know of; the full
#    database (cargo audit / cargo deny) needs GitHub, which CI here cannot reach. When
#    `cargo audit` is installed and its database is present, it runs too.
# 3. Yanked versions in Cargo.lock: cargo refuses to resolve them with --locked, so a build that
#    passes `cargo metadata --locked` has none that the registry index marks yanked.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0

# name@major: why it is duplicated.
allowed_duplicates=(
    "syn@2 serde_derive and friends are on syn 2; clap_derive moved to syn 3"
    "syn@3 see syn@2"
    "untrusted@0 aws-lc-rs itself depends on untrusted 0.7 and 0.9"
)
denied_crates=(
    "atty unmaintained (RUSTSEC-2024-0375), std::io::IsTerminal replaces it"
    "parse_duration unmaintained with a denial-of-service advisory (RUSTSEC-2021-0041)"
    "ansi_term unmaintained (RUSTSEC-2021-0139)"
    "rsa Marvin timing attack without a fix (RUSTSEC-2023-0071)"
    "failure unmaintained (RUSTSEC-2020-0036)"
    "dotenv unmaintained (RUSTSEC-2021-0141)"
    "net2 unmaintained (RUSTSEC-2020-0016)"
    "tempdir unmaintained (RUSTSEC-2018-0017)"
    "term unmaintained (RUSTSEC-2018-0015)"
    "yaml-rust unmaintained (RUSTSEC-2024-0320)"
    "proc-macro-error unmaintained (RUSTSEC-2024-0370)"
    "instant unmaintained (RUSTSEC-2024-0384)"
    "paste unmaintained (RUSTSEC-2024-0436)"
    "derivative unmaintained (RUSTSEC-2024-0388)"
    "serde_cbor unmaintained (RUSTSEC-2021-0127)"
)

echo "== duplicated major versions"
mapfile -t duplicates < <(cargo tree --locked -d -e normal,build --depth 0 --prefix none 2>/dev/null \
    | awk 'NF >= 2 && $2 ~ /^v/ {split(substr($2, 2), v, "."); major = (v[1] == "0") ? "0" : v[1]; print $1 "@" major}' \
    | sort -u)
for duplicate in "${duplicates[@]}"; do
    reason=""
    for entry in "${allowed_duplicates[@]}"; do
        [ "${entry%% *}" = "$duplicate" ] && reason="${entry#* }"
    done
    if [ -n "$reason" ]; then
        echo "  ok      $duplicate: $reason"
    else
        echo "  FAILED  $duplicate is duplicated and not explained in scripts/audit.sh"
        status=1
    fi
done

echo "== unmaintained or vulnerable crates"
tree=$(cargo tree --locked -e normal,build --prefix none 2>/dev/null | awk '{print $1}' | sort -u)
for entry in "${denied_crates[@]}"; do
    name="${entry%% *}"
    if grep -qx "$name" <<<"$tree"; then
        echo "  FAILED  $name is in the dependency tree: ${entry#* }"
        status=1
    fi
done
[ "$status" = 0 ] && echo "  ok      none of ${#denied_crates[@]} known-bad crates is used"

echo "== lock file"
if cargo metadata --locked --format-version 1 >/dev/null; then
    echo "  ok      Cargo.lock resolves with --locked"
else
    echo "  FAILED  Cargo.lock does not resolve with --locked"
    status=1
fi

if cargo audit --version >/dev/null 2>&1; then
    echo "== cargo audit"
    cargo audit --no-fetch || status=1
else
    echo "== cargo audit: not installed (its advisory database needs GitHub); the lists above stand in"
fi

if [ "$status" = 0 ]; then echo "audit: passed"; else echo "audit: FAILED"; fi
exit "$status"
