#!/usr/bin/env bash
# Runs each fuzz target in turn for a bounded time: `make fuzz`, or
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh [TARGET...]
#
# One target at a time, one job, one worker: this must not take over a shared machine.
# The working corpus lives in fuzz/corpus/TARGET (gitignored) and starts from the committed seeds
# in fuzz/seeds/TARGET; crashes land in fuzz/artifacts/TARGET. Each target's last libFuzzer lines
# (executions, cov, ft) go to fuzz/logs/TARGET.log. Exits non-zero if any target found a crash.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On stable Rust, RUSTC_BOOTSTRAP=1 lets it use the
# nightly-only sanitizer flags; FUZZ_SANITIZER=none builds without AddressSanitizer.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${FUZZ_SECONDS:-60}
sanitizer=${FUZZ_SANITIZER:-address}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(decode verify claims store_load jwe_decrypt)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: cargo-fuzz is not installed; run: cargo install cargo-fuzz" >&2
    exit 2
fi
export RUSTC_BOOTSTRAP=1

mkdir -p logs
failed=()
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    echo "== $target: ${seconds}s"
    log="logs/$target.log"
    rm -f fuzz-0.log
    # With -jobs, libFuzzer runs the fuzzing in a child process that writes fuzz-0.log.
    status=0
    cargo fuzz run --sanitizer "$sanitizer" "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -jobs=1 -workers=1 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"logs/$target.driver.log" 2>&1 || status=$?
    if [ -f fuzz-0.log ]; then
        mv fuzz-0.log "$log"
    else
        cp "logs/$target.driver.log" "$log"
    fi
    if [ "$status" -eq 0 ] && ! grep -qE '^==[0-9]+==ERROR|panicked at|^SUMMARY' "$log"; then
        grep -E '^#[0-9]+.*DONE|^stat::(number_of_executed_units|peak_rss_mb)' "$log" || tail -n 3 "$log"
    else
        failed+=("$target")
        echo "fuzz.sh: $target failed (status $status); see fuzz/$log and fuzz/artifacts/$target" >&2
        tail -n 30 "$log" >&2
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: crashes or errors in: ${failed[*]}" >&2
    exit 1
fi
