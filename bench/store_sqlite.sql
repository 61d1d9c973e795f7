-- store_sqlite.sql — the peer of kaohe's import into its store (bench/store.sh):
-- the sqlite3 shell loading values.csv into a table of a file database, run
-- in a workload's data folder:
--
--   sqlite3 -bail peer.db -init bench/store_sqlite.sql </dev/null
--
-- The table has the store's key, UNIQUE (unit, indicator, period), and the
-- file the store's settings: WAL with synchronous=FULL, so that the commit
-- is as durable as kaohe's. `.import` runs in one transaction of its own and
-- writes each row as it comes (text keys, no other index, no ids to look up,
-- no provenance, review state or audit: less work than kaohe does). Prints
-- `rows=N`, the rows stored, which bench/store.sh checks.
.bail on
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE value (unit TEXT NOT NULL, indicator TEXT NOT NULL, period TEXT NOT NULL,
                    value REAL, UNIQUE (unit, indicator, period));
.import --csv --skip 1 values.csv value
SELECT 'rows=' || count(*) FROM value;
