-- The cleaner's archive. Rows move here from event_log and action_log in chunks, one transaction per chunk
-- (copy, then delete exactly the rows copied), so a row is in the live table or in its archive, never both.

CREATE TABLE event_log_archive (
    seq      BIGINT           NOT NULL PRIMARY KEY,
    instance VARCHAR(255)     NOT NULL,
    type     VARCHAR(64)      NOT NULL,
    ts       BIGINT           NOT NULL,
    val      DOUBLE PRECISION NOT NULL
);
CREATE INDEX event_log_archive_instance_type_ts ON event_log_archive (instance, type, ts);

-- Downsampled EventLog (cleaner.downsample): one row per instance, type and minute of measurement time.
-- val_sum and cnt make merging a later chunk into the same minute exact; avg_val = val_sum / cnt.
CREATE TABLE event_log_minute (
    instance VARCHAR(255)     NOT NULL,
    type     VARCHAR(64)      NOT NULL,
    minute_start BIGINT           NOT NULL, -- epoch milliseconds of the minute's start
    min_val  DOUBLE PRECISION NOT NULL,
    avg_val  DOUBLE PRECISION NOT NULL,
    max_val  DOUBLE PRECISION NOT NULL,
    cnt      BIGINT           NOT NULL,
    val_sum  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (instance, type, minute_start)
);

CREATE TABLE action_log_archive (
    id          BIGINT           NOT NULL PRIMARY KEY,
    instance    VARCHAR(255)     NOT NULL,
    rule        VARCHAR(128)     NOT NULL,
    component   VARCHAR(16)      NOT NULL,
    mode        VARCHAR(16)      NOT NULL,
    val         DOUBLE PRECISION NOT NULL,
    from_value  BIGINT,
    to_value    BIGINT,
    status      VARCHAR(16)      NOT NULL,
    reason      VARCHAR(1000)    NOT NULL,
    created_at  BIGINT           NOT NULL,
    updated_at  BIGINT           NOT NULL,
    finished_at BIGINT,
    cooldown_ms BIGINT           NOT NULL,
    operation   VARCHAR(64),
    error       VARCHAR(2000),
    event_seq   BIGINT           NOT NULL,
    event_type  VARCHAR(64)      NOT NULL,
    event_value DOUBLE PRECISION NOT NULL,
    event_ts    BIGINT           NOT NULL
);
CREATE INDEX action_log_archive_instance ON action_log_archive (instance, id);

-- The cleaner walks finished actions by id; this index finds them without reading running ones.
CREATE INDEX action_log_finished ON action_log (status, finished_at);
