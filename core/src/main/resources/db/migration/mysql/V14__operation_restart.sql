-- "Needs a restart" (docs/rules.md "Checked resizes"): whether an operation may be a change that takes effect only
-- at the instance's next restart ('allowed'), or must be refused by the provider before anything changes ('never',
-- a rule's restart: never). Kept with the operation so a resumed operation is carried out under the same policy.
ALTER TABLE operation ADD COLUMN restart_policy VARCHAR(8) DEFAULT 'allowed' NOT NULL;
