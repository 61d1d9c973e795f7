#!/usr/bin/env python3
"""pandas_peer.py — the benchmark scheme (bench/gen.c) in pandas (Debian's
python3-pandas), run in a workload's data folder (bench/run.sh):

    python3 bench/pandas_peer.py

Reads the same CSV files kaohe reads with read_csv, scores the period in
params.csv with vectorised column operations (groupby transforms for the
group statistics and ranks), and writes every unit's leaf scores
(out_pandas_scores.csv: unit,leaf,score) and total, rank and tier
(out_pandas_units.csv: unit,total,rank,tier), which bench/check.py compares
with kaohe's. Prints the phase times in seconds as one line:
`pandas import_s=… score_s=… write_s=…`.

The arithmetic of each rule family follows kaohe's
(src/lib/engine/rules*.c), as bench/sqlite.sql does.
"""
import time

import numpy as np
import pandas as pd

t0 = time.perf_counter()
str_cols = {"unit": "category", "indicator": "category", "period": "category"}
units = pd.read_csv("units.csv", dtype={"id": str, "name": str, "category": str})
vals = pd.read_csv("values.csv", dtype={**str_cols, "value": np.float64})
targets = pd.read_csv("targets.csv", dtype={**str_cols, "target": np.float64})
events = pd.read_csv("events.csv", dtype={"unit": str, "item": str, "period": str, "level": str,
                                          "matter": str, "shares": np.float64})
leaves = pd.read_csv("leaves.csv", dtype={"leaf": str, "parent": str, "kind": str})
params = pd.read_csv("params.csv", dtype=str).iloc[0]
t1 = time.perf_counter()

# Every unit × leaf with its value and target in the scored period.
cur = vals.loc[vals["period"] == params["period"], ["unit", "indicator", "value"]]
cur = cur.rename(columns={"indicator": "leaf", "value": "x"})
tg = targets.loc[targets["period"] == params["year"], ["unit", "indicator", "target"]]
tg = tg.rename(columns={"indicator": "leaf", "target": "t"})
for df in (cur, tg):
    df["unit"] = df["unit"].astype(str)
    df["leaf"] = df["leaf"].astype(str)
u = units[["id", "category"]].rename(columns={"id": "unit", "category": "cat"})
b = u.merge(leaves, how="cross")
b = b.merge(cur, on=["unit", "leaf"], how="left").merge(tg, on=["unit", "leaf"], how="left")
b["w"] = np.where(b["cat"] == params["cat1"], b["w_cat1"], b["w_cat0"])

# Group statistics and ranks per leaf and category.
g = b.groupby(["leaf", "cat"], sort=False)["x"]
gmax = g.transform("max").to_numpy()
gmin = g.transform("min").to_numpy()
gmean = g.transform("mean").to_numpy()
rnk = g.rank(method="min", ascending=False).to_numpy()

x = b["x"].to_numpy()
t = b["t"].to_numpy()
w = b["w"].to_numpy()
lower = b["lower"].to_numpy() == 1
kind = b["kind"].to_numpy()
band1, band2, band3 = (b[c].to_numpy() for c in ("band1", "band2", "band3"))


def steps(x, ref, w, up, max_up, down):
    """steps with measure: points, partial: continuous, min: 0."""
    s = np.where(x > ref, w + np.minimum((x - ref) * up, max_up),
                 np.where(x < ref, w - (ref - x) * down, w))
    return np.maximum(s, 0)


def at_least(q, v):
    """kaohe's q >= v with its 1e-9 relative tolerance (kh_rule_cmp)."""
    return (q >= v) | (np.abs(q - v) <= 1e-9 * np.maximum(1, np.maximum(np.abs(q), abs(v))))


with np.errstate(divide="ignore", invalid="ignore"):
    q = x / t
    choices = {
        "ratio_cap": w * np.maximum(np.minimum(x / t, 1.2), 0),
        "ratio_lower": w * np.maximum(np.minimum(t / x, 1), 0.6),
        "ratio_missing": np.where(np.isnan(x), 0, w * np.maximum(np.minimum(x / t, 1), 0)),
        "steps_target": steps(x, t, w, 0.2, 1, 0.5),
        "steps_mean": steps(x, gmean, w, 0.05, 0.5, 0.1),
        "rank_list": np.where(rnk <= 10, w * (20 - (rnk - 1)) / 20, w * 0.5),
        "rank_bands": np.select([rnk <= band1, rnk <= band2, rnk <= band3],
                                [w, w * 0.8, w * 0.6], w * 0.4),
        "proportional": np.where(lower, w * gmin / x, w * x / gmax),
        "efficacy": np.where(lower, w * (60 + 40 * (x - gmax) / (gmin - gmax)) / 100,
                             w * (60 + 40 * (x - gmin) / (gmax - gmin)) / 100),
        "bands_ratio": np.select([at_least(q, 1), at_least(q, 0.9), at_least(q, 0.8)],
                                 [w, w * 0.8, w * 0.5], 0),
    }
    score = np.full(len(b), np.nan)
    for k, v in choices.items():
        m = kind == k
        score[m] = v[m]
b["score"] = score

# Bonus items in the period: honours by level, the best per matter, cap 3;
# articles 0.5 each split among co-authors, cap 2; the family capped at 5.
ev = events[events["period"] == params["period"]]
lv = {"国家级": 1, "省级": 0.8, "市级": 0.6, "县级": 0.3}
h = ev[ev["item"] == "表彰"].assign(v=lambda d: d["level"].map(lv))
h = h.groupby(["unit", "matter"])["v"].max().groupby("unit").sum().clip(upper=3)
i = ev[ev["item"] == "信息"]
i = (0.5 / i["shares"].fillna(1)).groupby(i["unit"]).sum().clip(upper=2)
bonus = (h.reindex(u["unit"], fill_value=0) + i.reindex(u["unit"], fill_value=0)).clip(upper=5)

# Totals, ranks within the category (competition, exact totals) and tiers
# by quota (15% floor, 35% round, the rest; a tie group at a quota's edge
# gets the tier only if it fits whole).
tot = b.groupby("unit", sort=False)["score"].sum()
r = u.set_index("unit")
r["total"] = tot.reindex(r.index) + bonus.reindex(r.index)
gc = r.groupby("cat")["total"]
r["rank"] = gc.rank(method="min", ascending=False).astype(int)
r["ntied"] = r.groupby(["cat", "total"])["total"].transform("size")
r["n"] = gc.transform("size")
cap_a = np.floor(np.round(0.15 * r["n"], 9))
cap_b = np.floor(np.round(0.35 * r["n"], 9) + 0.5)
is_a = (r["rank"] + r["ntied"] - 1) <= cap_a
na = is_a.groupby(r["cat"]).transform("sum")
is_b = ~is_a & ((r["rank"] - na + r["ntied"] - 1) <= cap_b)
r["tier"] = np.select([is_a, is_b], ["优秀", "良好"], "一般")
t2 = time.perf_counter()

b[["unit", "leaf", "score"]].to_csv("out_pandas_scores.csv", index=False, float_format="%.17g")
r[["total", "rank", "tier"]].to_csv("out_pandas_units.csv", index_label="unit",
                                     float_format="%.17g")
t3 = time.perf_counter()
print("pandas import_s=%.3f score_s=%.3f write_s=%.3f" % (t1 - t0, t2 - t1, t3 - t2))
