-- Cooldowns per direction (docs/rules.md): blocked_until (NULL while an action is pending or running) blocks every
-- action on the component; down_blocked_until blocks scale-downs only, so a scale-down's cooldown no longer holds
-- back a scale-up, while a scale-down still waits for the cooldown of any earlier action.
ALTER TABLE action_lock ADD COLUMN down_blocked_until BIGINT;
