package io.scalemanager.server.wiring;

import io.scalemanager.manager.rules.CurrentRuleset;
import io.scalemanager.manager.rules.Ruleset;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The ruleset a process starts with, the hash of its text, and the file it came from (empty for the demo's
 * built-in ruleset and for no ruleset at all), which a reload reads again.
 */
record RulesSource(Ruleset ruleset, String hash, Optional<Path> file) {

    CurrentRuleset current(Clock clock) {
        return new CurrentRuleset(ruleset, hash, clock.millis());
    }
}
