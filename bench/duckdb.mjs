// duckdb.mjs — the benchmark scheme (bench/gen.c) in SQL on DuckDB, through
// the @duckdb/node-api package (bench/package.json; `npm ci` in bench/).
// Run in a workload's data folder (bench/run.sh):
//
//   node bench/duckdb.mjs
//
// Imports the same CSV files kaohe reads with read_csv into an in-memory
// database, scores the period in params.csv with window functions, and
// writes every unit's leaf scores (out_duckdb_scores.csv: unit,leaf,score)
// and total, rank and tier (out_duckdb_units.csv: unit,total,rank,tier),
// which bench/check.py compares with kaohe's. Prints the phase times in
// seconds as one line: `duckdb import_s=… score_s=… write_s=…`.
//
// The SQL is bench/sqlite.sql's, in DuckDB's dialect (GREATEST/LEAST,
// FLOOR for integer quotas). DuckDB uses every core (2 here); kaohe one.
import { DuckDBInstance } from '@duckdb/node-api';

const t0 = performance.now();
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const run = (sql) => c.run(sql);

await run(`CREATE TABLE units AS SELECT * FROM read_csv('units.csv', header = true,
  columns = {'id': 'VARCHAR', 'name': 'VARCHAR', 'category': 'VARCHAR'})`);
await run(`CREATE TABLE vals AS SELECT * FROM read_csv('values.csv', header = true,
  columns = {'unit': 'VARCHAR', 'indicator': 'VARCHAR', 'period': 'VARCHAR', 'value': 'DOUBLE'})`);
await run(`CREATE TABLE targets AS SELECT * FROM read_csv('targets.csv', header = true,
  columns = {'unit': 'VARCHAR', 'indicator': 'VARCHAR', 'period': 'VARCHAR', 'target': 'DOUBLE'})`);
await run(`CREATE TABLE events AS SELECT * FROM read_csv('events.csv', header = true,
  columns = {'unit': 'VARCHAR', 'item': 'VARCHAR', 'period': 'VARCHAR', 'level': 'VARCHAR',
             'matter': 'VARCHAR', 'shares': 'INTEGER'})`);
await run(`CREATE TABLE leaves AS SELECT * FROM read_csv('leaves.csv', header = true,
  columns = {'leaf': 'VARCHAR', 'parent': 'VARCHAR', 'kind': 'VARCHAR', 'w_cat0': 'DOUBLE',
             'w_cat1': 'DOUBLE', 'lower': 'INTEGER', 'band1': 'INTEGER', 'band2': 'INTEGER',
             'band3': 'INTEGER'})`);
await run(`CREATE TABLE params AS SELECT * FROM read_csv('params.csv', header = true,
  columns = {'period': 'VARCHAR', 'year': 'VARCHAR', 'cat0': 'VARCHAR', 'cat1': 'VARCHAR'})`);
const t1 = performance.now();

await run(`CREATE TEMP TABLE base AS
WITH cur AS (SELECT v.unit, v.indicator AS leaf, v.value AS x
             FROM vals v, params p WHERE v.period = p.period),
     tg AS (SELECT t.unit, t.indicator AS leaf, t.target AS t
            FROM targets t, params p WHERE t.period = p.year)
SELECT u.id AS unit, u.category AS cat, l.leaf, l.parent, l.kind, l.lower, l.band1, l.band2,
       l.band3, CASE WHEN u.category = p.cat1 THEN l.w_cat1 ELSE l.w_cat0 END AS w,
       c.x, tg.t
FROM units u CROSS JOIN params p CROSS JOIN leaves l
LEFT JOIN cur c ON c.unit = u.id AND c.leaf = l.leaf
LEFT JOIN tg ON tg.unit = u.id AND tg.leaf = l.leaf`);

await run(`CREATE TEMP TABLE scores AS
WITH stats AS (
  SELECT b.*, MAX(x) OVER w AS gmax, MIN(x) OVER w AS gmin, AVG(x) OVER w AS gmean,
         RANK() OVER w AS rnk
  FROM base b
  WINDOW w AS (PARTITION BY leaf, cat ORDER BY x DESC NULLS LAST
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT unit, cat, leaf, parent,
  CASE kind
  WHEN 'ratio_cap' THEN w * GREATEST(LEAST(x / t, 1.2), 0)
  WHEN 'ratio_lower' THEN w * GREATEST(LEAST(t / x, 1), 0.6)
  WHEN 'ratio_missing' THEN CASE WHEN x IS NULL THEN 0 ELSE w * GREATEST(LEAST(x / t, 1), 0) END
  WHEN 'steps_target' THEN GREATEST(CASE WHEN x > t THEN w + LEAST((x - t) * 0.2, 1)
                                         WHEN x < t THEN w - (t - x) * 0.5 ELSE w END, 0)
  WHEN 'steps_mean' THEN GREATEST(CASE WHEN x > gmean THEN w + LEAST((x - gmean) * 0.05, 0.5)
                                       WHEN x < gmean THEN w - (gmean - x) * 0.1 ELSE w END, 0)
  WHEN 'rank_list' THEN CASE WHEN rnk <= 10 THEN w * (20 - (rnk - 1)) / 20 ELSE w * 0.5 END
  WHEN 'rank_bands' THEN CASE WHEN rnk <= band1 THEN w WHEN rnk <= band2 THEN w * 0.8
                              WHEN rnk <= band3 THEN w * 0.6 ELSE w * 0.4 END
  WHEN 'proportional' THEN CASE WHEN lower = 1 THEN w * gmin / x ELSE w * x / gmax END
  WHEN 'efficacy' THEN CASE WHEN lower = 1 THEN w * (60 + 40 * (x - gmax) / (gmin - gmax)) / 100
                            ELSE w * (60 + 40 * (x - gmin) / (gmax - gmin)) / 100 END
  WHEN 'bands_ratio' THEN
    CASE WHEN x / t >= 1 OR abs(x / t - 1) <= 1e-9 * GREATEST(1, abs(x / t)) THEN w
         WHEN x / t >= 0.9 OR abs(x / t - 0.9) <= 1e-9 * GREATEST(1, abs(x / t)) THEN w * 0.8
         WHEN x / t >= 0.8 OR abs(x / t - 0.8) <= 1e-9 * GREATEST(1, abs(x / t)) THEN w * 0.5
         ELSE 0 END
  END::DOUBLE AS score
FROM stats`);

await run(`CREATE TEMP TABLE result AS
WITH ev AS (SELECT e.* FROM events e, params p WHERE e.period = p.period),
honour AS (
  SELECT unit, LEAST(SUM(best), 3) AS h FROM (
    SELECT unit, matter, MAX(CASE level WHEN '国家级' THEN 1 WHEN '省级' THEN 0.8
                                        WHEN '市级' THEN 0.6 WHEN '县级' THEN 0.3 END) AS best
    FROM ev WHERE item = '表彰' GROUP BY unit, matter)
  GROUP BY unit),
info AS (
  SELECT unit, LEAST(SUM(0.5 / COALESCE(shares, 1)), 2) AS i
  FROM ev WHERE item = '信息' GROUP BY unit),
bonus AS (
  SELECT u.id AS unit, LEAST(COALESCE(honour.h, 0) + COALESCE(info.i, 0), 5) AS b
  FROM units u LEFT JOIN honour ON honour.unit = u.id LEFT JOIN info ON info.unit = u.id),
totals AS (
  SELECT s.unit, any_value(s.cat) AS cat, SUM(s.score) + any_value(b.b) AS total
  FROM scores s JOIN bonus b ON b.unit = s.unit GROUP BY s.unit),
ranked AS (
  SELECT unit, cat, total,
         RANK() OVER (PARTITION BY cat ORDER BY total DESC) AS rnk,
         COUNT(*) OVER (PARTITION BY cat, total) AS ntied,
         COUNT(*) OVER (PARTITION BY cat) AS n
  FROM totals),
tier_a AS (
  SELECT *, (rnk + ntied - 1 <= FLOOR(ROUND(0.15 * n, 9)))::INTEGER AS is_a FROM ranked),
counted AS (SELECT *, SUM(is_a) OVER (PARTITION BY cat) AS na FROM tier_a)
SELECT unit, total, rnk,
       CASE WHEN is_a = 1 THEN '优秀'
            WHEN rnk - na + ntied - 1 <= FLOOR(ROUND(0.35 * n, 9) + 0.5) THEN '良好'
            ELSE '一般' END AS tier
FROM counted`);
const t2 = performance.now();

await run(`COPY (SELECT unit, leaf, score FROM scores) TO 'out_duckdb_scores.csv' (HEADER)`);
await run(`COPY (SELECT unit, total, rnk AS rank, tier FROM result) TO 'out_duckdb_units.csv'
  (HEADER)`);
const t3 = performance.now();
c.closeSync();
const s = (ms) => (ms / 1000).toFixed(3);
console.log(`duckdb import_s=${s(t1 - t0)} score_s=${s(t2 - t1)} write_s=${s(t3 - t2)}`);
