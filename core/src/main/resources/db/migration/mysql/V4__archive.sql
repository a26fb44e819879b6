-- The schema of db/migration/h2/V4__archive.sql for MariaDB and MySQL (InnoDB): the cleaner's archive.

CREATE TABLE event_log_archive (
    seq      BIGINT       NOT NULL PRIMARY KEY,
    instance VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    type     VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    ts       BIGINT       NOT NULL,
    val      DOUBLE       NOT NULL,
    KEY event_log_archive_instance_type_ts (instance, type, ts)
) ENGINE = InnoDB;

CREATE TABLE event_log_minute (
    instance VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    type     VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    minute_start BIGINT       NOT NULL,
    min_val  DOUBLE       NOT NULL,
    avg_val  DOUBLE       NOT NULL,
    max_val  DOUBLE       NOT NULL,
    cnt      BIGINT       NOT NULL,
    val_sum  DOUBLE       NOT NULL,
    PRIMARY KEY (instance, type, minute_start)
) ENGINE = InnoDB;

CREATE TABLE action_log_archive (
    id          BIGINT        NOT NULL PRIMARY KEY,
    instance    VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    rule        VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    component   VARCHAR(16)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    mode        VARCHAR(16)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    val         DOUBLE        NOT NULL,
    from_value  BIGINT,
    to_value    BIGINT,
    status      VARCHAR(16)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    reason      VARCHAR(1000) NOT NULL,
    created_at  BIGINT        NOT NULL,
    updated_at  BIGINT        NOT NULL,
    finished_at BIGINT,
    cooldown_ms BIGINT        NOT NULL,
    operation   VARCHAR(64),
    error       VARCHAR(2000),
    event_seq   BIGINT        NOT NULL,
    event_type  VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    event_value DOUBLE        NOT NULL,
    event_ts    BIGINT        NOT NULL,
    KEY action_log_archive_instance (instance, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE INDEX action_log_finished ON action_log (status, finished_at);
