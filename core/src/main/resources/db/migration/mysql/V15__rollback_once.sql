-- Rollback (docs/rules.md "Rollback"): at most one action undoes another, whichever manager sees the condition
-- first and however often it is seen again after a restart.
CREATE UNIQUE INDEX action_log_rollback_of ON action_log (rollback_of);
