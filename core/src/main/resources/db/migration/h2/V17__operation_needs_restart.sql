-- A provider's result is a kind, not words (ResizeResult): an operation that succeeded but takes effect at the
-- instance's next restart says so in its own column. Until now the note's first words said it; rows written then
-- are read once here, so nothing reads the note for it again.
ALTER TABLE operation ADD COLUMN needs_restart BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE operation SET needs_restart = TRUE WHERE status = 'succeeded' AND note LIKE 'config only, needs a restart%';
