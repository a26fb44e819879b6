-- The schema of db/migration/h2/V8__decisions.sql for MariaDB and MySQL (InnoDB): decisions and pauses.
CREATE TABLE decision_log (
    id       BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    time     BIGINT        NOT NULL,
    instance VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    rule     VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    outcome  VARCHAR(32)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    reason   VARCHAR(1000) NOT NULL,
    action   BIGINT,
    KEY decision_log_instance (instance, id),
    KEY decision_log_time (time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE decision_log_archive (
    id       BIGINT        NOT NULL PRIMARY KEY,
    time     BIGINT        NOT NULL,
    instance VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    rule     VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    outcome  VARCHAR(32)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    reason   VARCHAR(1000) NOT NULL,
    action   BIGINT,
    KEY decision_log_archive_instance (instance, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE rule_pause (
    id         BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    instances  VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    rule       VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    until_ms   BIGINT        NOT NULL,
    note       VARCHAR(1000) NOT NULL, -- the comment given with it
    created_at BIGINT        NOT NULL,
    created_by VARCHAR(255)  NOT NULL,
    KEY rule_pause_until (until_ms)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
