-- A schedule's dry-run occurrences recorded (docs/rules.md "Scheduled sizes"): one row per (occurrence, schedule,
-- instance, component), written in the transaction that writes its would_fire row to decision_log. Its primary key
-- makes a dry occurrence recorded once across restarts and managers, as action_log's unique key does for a live
-- one. Rows of occurrences past every catch_up are deleted by the managers' schedulers.
CREATE TABLE schedule_dry_run (
    occurrence BIGINT       NOT NULL, -- epoch milliseconds of the occurrence
    schedule   VARCHAR(128) NOT NULL,
    instance   VARCHAR(255) NOT NULL,
    component  VARCHAR(16)  NOT NULL,
    PRIMARY KEY (occurrence, schedule, instance, component)
);
