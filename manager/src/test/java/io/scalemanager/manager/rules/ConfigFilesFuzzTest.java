package io.scalemanager.manager.rules;

import io.scalemanager.manager.alert.config.AlertsConfigException;
import io.scalemanager.manager.alert.config.AlertsConfigParser;
import io.scalemanager.core.fuzz.FuzzRun;
import io.scalemanager.core.fuzz.Mutator;
import io.scalemanager.core.secret.KnownSecrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules and alerts parsers against mutated files (Jazzer does not resolve here, so core's seeded
 * {@link Mutator} of the example files): for a bounded time every text either parses or is refused with the parser's
 * own exception, whose message names file and line; no other exception, and no text takes long. A failure prints
 * the seed and the text (-Dfuzz.seed=N replays it).
 */
class ConfigFilesFuzzTest {
    private static final Mutator MUTATOR = Mutator.yaml(":", "- ", "\n", "  ", "{", "}", "[", "]", "*", "&a", "*a",
        "!!binary", "when: ", "then: ", "for: ", "cooldown: ", "ratio: ", "all:", "any:", "p99(cpu)", "-1", "1e999",
        "99999999999", "\"", "'", "#", "\t", "null", "~", "web-[12]", "*a*a*a*a*a*b", "24:61", "Mars/Olympus", "? ");

    @AfterAll
    static void forgetFuzzedSecrets() {
        KnownSecrets.forgetAll();
    }

    @Test
    void mutatedRulesAndAlertsFilesParseOrAreRefusedByTheirParser() throws Exception {
        String rules = Files.readString(Path.of("..", "config", "rules.example.yaml"));
        String alerts = Files.readString(Path.of("..", "config", "alerts.example.yaml"));
        FuzzRun run = new FuzzRun();
        long seed = run.seed();
        int rounds = run.forBudget(random -> {
            String rulesText = MUTATOR.mutate(rules, random);
            timed(rulesText, seed, () -> {
                try {
                    RulesetParser.parse(rulesText, "rules.yaml");
                } catch (RulesetException e) {
                    assertThat(e.getMessage()).as("a ruleset error names the file").contains("rules.yaml");
                }
            });
            String alertsText = MUTATOR.mutate(alerts, random);
            timed(alertsText, seed, () -> {
                try {
                    AlertsConfigParser.parse(alertsText, "alerts.yaml", Map.of("SMTP_PASSWORD", "x"));
                } catch (AlertsConfigException e) {
                    assertThat(e.getMessage()).as("an alerts error names the file").contains("alerts.yaml");
                }
            });
        });
        assertThat(rounds).as("texts tried with seed %d", seed).isGreaterThan(20);
    }

    private interface Parse {
        void run() throws Exception;
    }

    private static void timed(String text, long seed, Parse parse) {
        long started = System.nanoTime();
        try {
            parse.run();
        } catch (Exception | StackOverflowError e) {
            throw new AssertionError("seed " + seed + ": " + e + "\n--- text ---\n" + text, e);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("seed %d, text %s", seed, text)
                .isLessThan(Duration.ofSeconds(2));
    }
}
