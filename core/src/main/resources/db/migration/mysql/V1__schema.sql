-- The schema of db/migration/h2/V1__schema.sql for MariaDB and MySQL (InnoDB). Identifiers (instance ids,
-- types, rule names) are ASCII with a binary collation: compared exactly, as everywhere else, and small in
-- indexes. Times are epoch milliseconds in BIGINT, as on H2.

CREATE TABLE event_log (
    seq      BIGINT       NOT NULL PRIMARY KEY,
    instance VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    type     VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    ts       BIGINT       NOT NULL,
    val      DOUBLE       NOT NULL,
    KEY event_log_instance_type_ts (instance, type, ts)
) ENGINE = InnoDB;

CREATE TABLE queue_offset (
    consumer     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    partition_no INT         NOT NULL,
    seq          BIGINT      NOT NULL,
    PRIMARY KEY (consumer, partition_no)
) ENGINE = InnoDB;

CREATE TABLE action_log (
    id          BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
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
    CONSTRAINT action_log_trigger UNIQUE (rule, instance, event_seq),
    KEY action_log_instance (instance, id),
    KEY action_log_status (status, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE action_lock (
    instance      VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    component     VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    action_id     BIGINT       NOT NULL,
    blocked_until BIGINT,
    PRIMARY KEY (instance, component)
) ENGINE = InnoDB;

CREATE TABLE alert_log (
    id       BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    time     BIGINT        NOT NULL,
    severity VARCHAR(16)   NOT NULL,
    instance VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin,
    rule     VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin,
    kind     VARCHAR(64)   NOT NULL,
    message  VARCHAR(4000) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE operation (
    id              VARCHAR(36)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    instance        VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    component       VARCHAR(16)  NOT NULL,
    mode            VARCHAR(16)  NOT NULL,
    val             DOUBLE       NOT NULL,
    from_value      BIGINT       NOT NULL,
    to_value        BIGINT       NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    error           VARCHAR(2000),
    idempotency_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    created_at      BIGINT       NOT NULL,
    started_at      BIGINT,
    finished_at     BIGINT,
    -- The instance while the operation is pending or running, else NULL: unique, so one active per instance.
    active_instance VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin
                    AS (CASE WHEN status IN ('pending', 'running') THEN instance END) STORED,
    CONSTRAINT operation_idempotency_key UNIQUE (idempotency_key),
    CONSTRAINT operation_one_active UNIQUE (active_instance),
    KEY operation_instance_status (instance, status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE simulated_instance (
    instance VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    cpu      BIGINT       NOT NULL,
    ram      BIGINT       NOT NULL,
    storage  BIGINT       NOT NULL
) ENGINE = InnoDB;
