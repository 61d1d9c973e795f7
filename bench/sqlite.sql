-- sqlite.sql — the benchmark scheme (bench/gen.c) in SQL on SQLite, for the
-- sqlite3 shell, run in a workload's data folder (bench/run.sh):
--
--   sqlite3 :memory: < bench/sqlite.sql
--
-- Imports the same CSV files kaohe reads with .import, scores the period in
-- params.csv with window functions, and writes every unit's leaf scores
-- (out_sqlite_scores.csv: unit,leaf,score) and total, rank and tier
-- (out_sqlite_units.csv: unit,total,rank,tier), which bench/check.py
-- compares with kaohe's. Prints the phase times (import, score, write) in
-- seconds as one line: `sqlite import_s=… score_s=… write_s=…`.
--
-- The scheme is read as a table (leaves.csv: one row per leaf with its rule
-- family, points per category, direction and rank bands) — how one writes a
-- 100-indicator scheme in SQL. Each family's arithmetic follows kaohe's
-- (src/lib/engine/rules*.c) step for step, including the 1e-9 relative
-- tolerance kaohe uses at band edges.
.bail on
.mode csv
PRAGMA temp_store = MEMORY;
CREATE TABLE clock(phase TEXT, at REAL);
INSERT INTO clock VALUES ('start', julianday('now') * 86400);

CREATE TABLE units(id TEXT PRIMARY KEY, name TEXT, category TEXT);
CREATE TABLE vals(unit TEXT, indicator TEXT, period TEXT, value REAL);
CREATE TABLE targets(unit TEXT, indicator TEXT, period TEXT, target REAL);
CREATE TABLE events(unit TEXT, item TEXT, period TEXT, level TEXT, matter TEXT, shares TEXT);
CREATE TABLE leaves(leaf TEXT PRIMARY KEY, parent TEXT, kind TEXT, w_cat0 REAL, w_cat1 REAL,
                    lower INTEGER, band1 INTEGER, band2 INTEGER, band3 INTEGER);
CREATE TABLE params(period TEXT, year TEXT, cat0 TEXT, cat1 TEXT);
.import --csv --skip 1 units.csv units
.import --csv --skip 1 values.csv vals
.import --csv --skip 1 targets.csv targets
.import --csv --skip 1 events.csv events
.import --csv --skip 1 leaves.csv leaves
.import --csv --skip 1 params.csv params
INSERT INTO clock VALUES ('imported', julianday('now') * 86400);

-- Every unit × leaf with its value and target in the scored period.
CREATE TEMP TABLE cur AS
SELECT v.unit, v.indicator AS leaf, v.value AS x
FROM vals v, params p WHERE v.period = p.period;
CREATE INDEX cur_ul ON cur(unit, leaf);
CREATE TEMP TABLE tg AS
SELECT t.unit, t.indicator AS leaf, t.target AS t
FROM targets t, params p WHERE t.period = p.year;
CREATE INDEX tg_ul ON tg(unit, leaf);

CREATE TEMP TABLE base AS
SELECT u.id AS unit, u.category AS cat, l.leaf, l.parent, l.kind, l.lower, l.band1, l.band2,
       l.band3, CASE WHEN u.category = p.cat1 THEN l.w_cat1 ELSE l.w_cat0 END AS w,
       c.x, t.t
FROM units u CROSS JOIN params p CROSS JOIN leaves l
LEFT JOIN cur c ON c.unit = u.id AND c.leaf = l.leaf
LEFT JOIN tg t ON t.unit = u.id AND t.leaf = l.leaf;

-- Group statistics (per leaf and category) and ranks in one sort.
CREATE TEMP TABLE stats AS
SELECT b.*,
       MAX(x) OVER w AS gmax, MIN(x) OVER w AS gmin, AVG(x) OVER w AS gmean,
       RANK() OVER w AS rnk
FROM base b
WINDOW w AS (PARTITION BY leaf, cat ORDER BY x DESC
             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING);

CREATE TEMP TABLE scores AS
SELECT unit, cat, leaf, parent,
  CASE kind
  WHEN 'ratio_cap' THEN w * MAX(MIN(x / t, 1.2), 0)
  WHEN 'ratio_lower' THEN w * MAX(MIN(t / x, 1), 0.6)
  WHEN 'ratio_missing' THEN CASE WHEN x IS NULL THEN 0 ELSE w * MAX(MIN(x / t, 1), 0) END
  WHEN 'steps_target' THEN MAX(CASE WHEN x > t THEN w + MIN((x - t) * 0.2, 1)
                                    WHEN x < t THEN w - (t - x) * 0.5 ELSE w END, 0)
  WHEN 'steps_mean' THEN MAX(CASE WHEN x > gmean THEN w + MIN((x - gmean) * 0.05, 0.5)
                                  WHEN x < gmean THEN w - (gmean - x) * 0.1 ELSE w END, 0)
  WHEN 'rank_list' THEN CASE WHEN rnk <= 10 THEN w * (20 - (rnk - 1)) / 20 ELSE w * 0.5 END
  WHEN 'rank_bands' THEN CASE WHEN rnk <= band1 THEN w WHEN rnk <= band2 THEN w * 0.8
                              WHEN rnk <= band3 THEN w * 0.6 ELSE w * 0.4 END
  WHEN 'proportional' THEN CASE WHEN lower THEN w * gmin / x ELSE w * x / gmax END
  WHEN 'efficacy' THEN CASE WHEN lower THEN w * (60 + 40 * (x - gmax) / (gmin - gmax)) / 100
                            ELSE w * (60 + 40 * (x - gmin) / (gmax - gmin)) / 100 END
  WHEN 'bands_ratio' THEN
    CASE WHEN x / t >= 1 OR abs(x / t - 1) <= 1e-9 * MAX(1, abs(x / t)) THEN w
         WHEN x / t >= 0.9 OR abs(x / t - 0.9) <= 1e-9 * MAX(1, abs(x / t)) THEN w * 0.8
         WHEN x / t >= 0.8 OR abs(x / t - 0.8) <= 1e-9 * MAX(1, abs(x / t)) THEN w * 0.5
         ELSE 0 END
  END AS score
FROM stats;

-- Bonus items in the period: honours by level, the best per matter, cap 3;
-- articles 0.5 each split among co-authors, cap 2; the family capped at 5.
CREATE TEMP TABLE bonus AS
WITH ev AS (SELECT e.* FROM events e, params p WHERE e.period = p.period),
honour AS (
  SELECT unit, MIN(SUM(best), 3) AS h FROM (
    SELECT unit, matter, MAX(CASE level WHEN '国家级' THEN 1 WHEN '省级' THEN 0.8
                                        WHEN '市级' THEN 0.6 WHEN '县级' THEN 0.3 END) AS best
    FROM ev WHERE item = '表彰' GROUP BY unit, matter)
  GROUP BY unit),
info AS (
  SELECT unit, MIN(SUM(0.5 / COALESCE(NULLIF(shares, ''), 1)), 2) AS i
  FROM ev WHERE item = '信息' GROUP BY unit)
SELECT u.id AS unit, MIN(COALESCE(honour.h, 0) + COALESCE(info.i, 0), 5) AS b
FROM units u LEFT JOIN honour ON honour.unit = u.id LEFT JOIN info ON info.unit = u.id;

-- Totals, ranks within the category (competition, exact totals) and tiers
-- by quota (15% floor, 35% round, the rest; ties at a quota's edge are
-- excluded: a tie group gets the tier only if it fits whole).
CREATE TEMP TABLE totals AS
SELECT s.unit, s.cat, SUM(s.score) + b.b AS total
FROM scores s JOIN bonus b ON b.unit = s.unit GROUP BY s.unit;
CREATE TEMP TABLE ranked AS
SELECT unit, cat, total,
       RANK() OVER (PARTITION BY cat ORDER BY total DESC) AS rnk,
       COUNT(*) OVER (PARTITION BY cat, total) AS ntied,
       COUNT(*) OVER (PARTITION BY cat) AS n
FROM totals;
CREATE TEMP TABLE tierA AS
SELECT unit, cat, total, rnk, ntied, n,
       rnk + ntied - 1 <= CAST(ROUND(0.15 * n, 9) AS INTEGER) AS is_a
FROM ranked;
CREATE TEMP TABLE result AS
SELECT unit, total, rnk,
       CASE WHEN is_a THEN '优秀'
            WHEN rnk - na + ntied - 1 <= CAST(ROUND(0.35 * n, 9) + 0.5 AS INTEGER) THEN '良好'
            ELSE '一般' END AS tier
FROM (SELECT *, SUM(is_a) OVER (PARTITION BY cat) AS na FROM tierA);
INSERT INTO clock VALUES ('scored', julianday('now') * 86400);

.headers on
.once out_sqlite_scores.csv
SELECT unit, leaf, printf('%!.17g', score) AS score FROM scores;
.once out_sqlite_units.csv
SELECT unit, printf('%!.17g', total) AS total, rnk AS rank, tier FROM result;
INSERT INTO clock VALUES ('written', julianday('now') * 86400);
.headers off
.mode list
.separator ""
SELECT 'sqlite import_s=' || printf('%.3f', i.at - s.at) || ' score_s=' ||
       printf('%.3f', c.at - i.at) || ' write_s=' || printf('%.3f', w.at - c.at)
FROM clock s, clock i, clock c, clock w
WHERE s.phase = 'start' AND i.phase = 'imported' AND c.phase = 'scored' AND w.phase = 'written';
