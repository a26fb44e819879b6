-- Checked resizes (docs/rules.md "Checked resizes"): after the operation succeeded an action is 'verifying' until
-- the instance reports its new size, by verify_until (epoch ms); verified_at and verified_by ('instance' or
-- 'provider') say when and by whose reading it was confirmed. rollback_of names the action a rollback undoes.
ALTER TABLE action_log ADD COLUMN verify_until BIGINT;
ALTER TABLE action_log ADD COLUMN verified_at BIGINT;
ALTER TABLE action_log ADD COLUMN verified_by VARCHAR(16);
ALTER TABLE action_log ADD COLUMN rollback_of BIGINT;
