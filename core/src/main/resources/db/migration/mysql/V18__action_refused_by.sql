-- An action the manager refused itself before sending anything says by what: 'guard' when the shrink guard found
-- the projected utilization too high. It ends 'failed' (the contract's statuses), but it changed nothing, so it
-- spends no change budget and raises no failure alert; NULL for every action whose command was sent or failed.
-- Refusals written before this column said so only in their error; they are marked here once. The archive keeps it.
ALTER TABLE action_log ADD COLUMN refused_by VARCHAR(32);
ALTER TABLE action_log_archive ADD COLUMN refused_by VARCHAR(32);
UPDATE action_log SET refused_by = 'guard'
    WHERE status = 'failed' AND error LIKE 'not carried out: the shrink guard refused it:%';
UPDATE action_log_archive SET refused_by = 'guard'
    WHERE status = 'failed' AND error LIKE 'not carried out: the shrink guard refused it:%';
-- An action an operator released (POST /v1/actions/{id}/release) used to keep its status (verifying, unverified,
-- needs_restart) with finished_at set, so the cleaner, which archives succeeded and failed actions, never moved it.
-- A release now ends the action 'failed' (its new size was never seen); the ones released before are ended so here.
UPDATE action_log SET status = 'failed'
    WHERE status IN ('verifying', 'unverified', 'needs_restart') AND finished_at IS NOT NULL;
