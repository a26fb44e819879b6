-- db/migration/h2/V2__alerts.sql for MariaDB and MySQL (see docs/operations.md, "Alerts").

CREATE TABLE alert_state (
    instance    VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    rule        VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    kind        VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    severity    VARCHAR(16)   NOT NULL,
    message     VARCHAR(4000) NOT NULL,
    first_time  BIGINT        NOT NULL,
    last_time   BIGINT        NOT NULL,
    notified_at BIGINT,
    resolved_at BIGINT,
    PRIMARY KEY (instance, rule, kind)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE alert_outbox (
    id         BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    channel    VARCHAR(64)   NOT NULL,
    status     VARCHAR(16)   NOT NULL,
    alert_id   BIGINT,
    time       BIGINT        NOT NULL,
    severity   VARCHAR(16)   NOT NULL,
    instance   VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin,
    rule       VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin,
    kind       VARCHAR(64)   NOT NULL,
    message    VARCHAR(4000) NOT NULL,
    due_at     BIGINT        NOT NULL,
    attempts   INT           NOT NULL DEFAULT 0,
    last_error VARCHAR(1000),
    sent_at    BIGINT,
    KEY alert_outbox_pending (channel, sent_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE alert_silence (
    id         BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    instances  VARCHAR(255)  NOT NULL,
    rule       VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin,
    kind       VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin,
    comment    VARCHAR(1000) NOT NULL,
    created_at BIGINT        NOT NULL,
    ends_at    BIGINT        NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
