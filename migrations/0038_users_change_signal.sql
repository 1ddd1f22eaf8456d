-- Nothing on SQLite: migrations-pg/0029 makes PostgreSQL signal changes to sessions and accounts
-- (LISTEN/NOTIFY), which SQLite's data_version already does for another connection's commits.
SELECT 1;
