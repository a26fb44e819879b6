-- How a succeeded resize took effect, as the provider said: "live", or "in the config only, needs a restart".
ALTER TABLE operation ADD COLUMN note VARCHAR(500);
