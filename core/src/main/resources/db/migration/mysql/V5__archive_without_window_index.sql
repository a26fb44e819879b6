-- db/migration/h2/V5__archive_without_window_index.sql for MariaDB and MySQL: the EventLog archive keeps only
-- its primary key, which the cleaner appends to in order; the (instance, type, ts) index cost a random index
-- insert per archived row and served no query of ScaleManager.
ALTER TABLE event_log_archive DROP INDEX event_log_archive_instance_type_ts;
