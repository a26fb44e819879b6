-- The EventLog archive keeps only its primary key. Nothing in ScaleManager reads event_log_archive (the History
-- API and the rules read event_log); it is exported by operators, by seq. Its (instance, type, ts) index cost the
-- cleaner a random index insert per archived row, about a quarter of the time of a chunk on MariaDB. Operators
-- who query the archive by instance can create the index on their copy (docs/operations.md, "Indexes").
DROP INDEX event_log_archive_instance_type_ts;
