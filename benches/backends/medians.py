#!/usr/bin/env python3
"""Print criterion median (ns) for <criterion_dir>/<backend>_<ALG>/<op>/new/estimates.json."""
import json, sys
from pathlib import Path
root, be = Path(sys.argv[1]), sys.argv[2]  # be: criterion group prefix, e.g. aws_lc_rs or aws_lc_rs-cpu
for alg in ("HS256", "ES256", "RS256"):
    for op in ("sign", "verify"):
        m = json.loads((root / f"{be}_{alg}" / op / "new" / "estimates.json").read_text())["median"]
        print(f"MEDIAN {be} {alg} {op} {m['point_estimate']:.1f} ns "
              f"[{m['confidence_interval']['lower_bound']:.1f}, {m['confidence_interval']['upper_bound']:.1f}]")
