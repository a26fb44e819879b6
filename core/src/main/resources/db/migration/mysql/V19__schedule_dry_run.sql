-- The schema of db/migration/h2/V19__schedule_dry_run.sql for MariaDB and MySQL (InnoDB): a schedule's dry-run
-- occurrences recorded, once each.
CREATE TABLE schedule_dry_run (
    occurrence BIGINT       NOT NULL,
    schedule   VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    instance   VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    component  VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (occurrence, schedule, instance, component)
) ENGINE = InnoDB;
