-- Keys stay folded the new way: the old fold was the inconsistent one.
DELETE FROM sqlite_stat1 WHERE tbl = 'store_tasks';
DROP TABLE store_tasks;
