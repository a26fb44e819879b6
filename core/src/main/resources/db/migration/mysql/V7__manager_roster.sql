-- The managers sharing this database and where each answers HTTP. Each manager knows only the instances of its
-- own Kafka partitions; with the roster any of them can show the whole fleet by asking the others. A member
-- renews seen_at while it lives and removes its row when it stops.
CREATE TABLE manager_roster (
    member  VARCHAR(64)  NOT NULL PRIMARY KEY,
    url     VARCHAR(512) NOT NULL,
    seen_at BIGINT       NOT NULL
) ENGINE = InnoDB;
