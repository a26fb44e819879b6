-- db/migration/h2/V12__audit.sql for MariaDB and MySQL.
CREATE TABLE audit_log (
    id      BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    time    BIGINT        NOT NULL,
    who     VARCHAR(128)  NOT NULL,
    client  VARCHAR(128)  NOT NULL,
    action  VARCHAR(255)  NOT NULL,
    target  VARCHAR(1000) NOT NULL,
    result  VARCHAR(1000) NOT NULL,
    INDEX audit_log_time (time)
);

CREATE TABLE audit_log_archive (
    id      BIGINT        NOT NULL PRIMARY KEY,
    time    BIGINT        NOT NULL,
    who     VARCHAR(128)  NOT NULL,
    client  VARCHAR(128)  NOT NULL,
    action  VARCHAR(255)  NOT NULL,
    target  VARCHAR(1000) NOT NULL,
    result  VARCHAR(1000) NOT NULL
);
