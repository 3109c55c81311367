-- The schema revision: the highest databaserevision any server recorded
SELECT MAX(databaserevision) FROM versions
