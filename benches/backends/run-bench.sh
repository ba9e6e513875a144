#!/usr/bin/env bash
# Usage: [BENCH_CLOCK=cpu] ./run-bench.sh [aws_lc_rs|rust_crypto ...]   (default: both, in turn)
#   BENCH_CLOCK unset -> wall time; BENCH_CLOCK=cpu -> per-thread CPU time (robust to a busy machine).
# Prints criterion's median per benchmark (from estimates.json) after each backend.
set -euo pipefail
cd "$(dirname "$0")"
backends=("$@"); [ ${#backends[@]} -eq 0 ] && backends=(aws_lc_rs rust_crypto)
for be in "${backends[@]}"; do
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_BASE:-../../target/backends}/$be"
  group=$be; [ "${BENCH_CLOCK:-}" = cpu ] && group=$be-cpu
  echo "## $group  loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
  cargo bench --features "$be" --bench backends -- \
    --warm-up-time 1 --measurement-time 3 --noplot
  echo "## $group  loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 medians.py "$CARGO_TARGET_DIR/criterion" "$group"
done
