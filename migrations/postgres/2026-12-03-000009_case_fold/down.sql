-- Keys stay folded the new way: the old fold was the inconsistent one.
DROP TABLE store_tasks;
