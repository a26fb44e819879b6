-- Change budgets (docs/rules.md, "budgets:"): starting an action locks the row of every budget that applies to
-- its instance, so managers count the budget's recent and running actions one at a time. alerted_until makes
-- "the budget is spent" one alert per period across managers: whoever moves it forward raises the alert.
CREATE TABLE action_budget (
    budget        VARCHAR(255) NOT NULL PRIMARY KEY,
    alerted_until BIGINT       NOT NULL
);
CREATE INDEX action_log_created ON action_log (created_at);
