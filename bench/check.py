#!/usr/bin/env python3
"""check.py — is a peer's output the same as kaohe's? (bench/run.sh)

usage: check.py KAOHE_CSV PEER_SCORES_CSV PEER_UNITS_CSV PEER_NAME

KAOHE_CSV is `kaohe score --format csv` (one row per unit: every node's
score rounded to the scheme's 6 decimals, total, rank, tier). The peer
writes every unit's leaf scores in long form (unit,leaf,score) and every
unit's total, rank and tier (unit,total,rank,tier) at full precision.

Every leaf score and total must agree within 1e-6 (kaohe's output is rounded
half-up at 6 decimals, so the two differ by at most 5e-7 plus noise), every
rank and tier exactly, and both must list the same units and leaves. Prints
one line saying so and exits 0, or prints the first differences and exits 1
— a mismatch fails the run before the peer's time counts.
"""
import sys

import numpy as np
import pandas as pd

TOL = 1e-6


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    kfile, sfile, ufile, name = sys.argv[1:]
    k = pd.read_csv(kfile, dtype={"unit": str, "tier": str}, keep_default_na=False,
                    na_values=[""])
    k = k.set_index("unit")
    leaves = [c for c in k.columns if c.startswith("i") and c[1:].isdigit()]
    s = pd.read_csv(sfile, dtype={"unit": str, "leaf": str, "score": np.float64})
    u = pd.read_csv(ufile, dtype={"unit": str, "tier": str}).set_index("unit")
    problems = []

    wide = s.pivot(index="unit", columns="leaf", values="score")
    if set(wide.index) != set(k.index) or set(u.index) != set(k.index):
        problems.append("the peer does not list the same units as kaohe")
    if set(wide.columns) != set(leaves):
        problems.append("the peer does not list the same leaves as kaohe: %s"
                        % sorted(set(wide.columns) ^ set(leaves))[:10])
    if not problems:
        wide = wide.reindex(index=k.index, columns=leaves)
        kv = k[leaves].to_numpy(dtype=np.float64)
        pv = wide.to_numpy(dtype=np.float64)
        diff = np.abs(kv - pv)
        bad = ~(diff <= TOL)
        if bad.any():
            rows, cols = np.nonzero(bad)
            problems.append("%d leaf scores differ by more than %g" % (len(rows), TOL))
            for r, c in list(zip(rows, cols))[:8]:
                problems.append("  unit %s leaf %s: kaohe %r, %s %r"
                                % (k.index[r], leaves[c], kv[r, c], name, pv[r, c]))
        u = u.reindex(k.index)
        dt = np.abs(k["total"].to_numpy(np.float64) - u["total"].to_numpy(np.float64))
        if (~(dt <= TOL)).any():
            idx = np.nonzero(~(dt <= TOL))[0]
            problems.append("%d totals differ, e.g. unit %s: kaohe %r, %s %r"
                            % (len(idx), k.index[idx[0]], k["total"].iloc[idx[0]], name,
                               u["total"].iloc[idx[0]]))
        dr = k["rank"].to_numpy() != u["rank"].to_numpy()
        if dr.any():
            idx = np.nonzero(dr)[0]
            problems.append("%d ranks differ, e.g. unit %s: kaohe %s, %s %s"
                            % (len(idx), k.index[idx[0]], k["rank"].iloc[idx[0]], name,
                               u["rank"].iloc[idx[0]]))
        tiers = u["tier"].fillna("").to_numpy()
        dtier = k["tier"].fillna("").to_numpy() != tiers
        if dtier.any():
            idx = np.nonzero(dtier)[0]
            problems.append("%d tiers differ, e.g. unit %s: kaohe %s, %s %s"
                            % (len(idx), k.index[idx[0]], k["tier"].iloc[idx[0]], name,
                               tiers[idx[0]]))
    if problems:
        print("check %s: MISMATCH" % name)
        for p in problems:
            print("  " + p)
        return 1
    print("check %s: same as kaohe (%d units × %d leaves within %g; totals, ranks, tiers)"
          % (name, len(k.index), len(leaves), TOL))
    return 0


if __name__ == "__main__":
    sys.exit(main())
