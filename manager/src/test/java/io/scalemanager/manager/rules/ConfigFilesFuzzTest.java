package io.scalemanager.manager.rules;

import io.scalemanager.manager.alert.config.AlertsConfigException;
import io.scalemanager.manager.alert.config.AlertsConfigParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The rules and alerts parsers against mutated files (Jazzer does not resolve here, so a seeded generator of
 * mutations of the example files): for a bounded time every text either parses or is refused with the parser's
 * own exception, whose message names file and line; no other exception, and no text takes long. A failure prints
 * the seed and the text (-Dfuzz.seed=N replays it).
 */
class ConfigFilesFuzzTest {
    private static final Duration BUDGET = Duration.ofSeconds(3);
    private static final String[] TOKENS = {":", "- ", "\n", "  ", "{", "}", "[", "]", "*", "&a", "*a", "!!binary",
        "when: ", "then: ", "for: ", "cooldown: ", "ratio: ", "all:", "any:", "p99(cpu)", "-1", "1e999", "99999999999",
        "\"", "'", "#", "\t", "null", "~", "web-[12]", "*a*a*a*a*a*b", "24:61", "Mars/Olympus", "? "};

    @Test
    void mutatedRulesAndAlertsFilesParseOrAreRefusedByTheirParser() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        String rules = Files.readString(Path.of("..", "config", "rules.example.yaml"));
        String alerts = Files.readString(Path.of("..", "config", "alerts.example.yaml"));
        Random random = new Random(seed);
        int[] runs = {0};
        assertTimeoutPreemptively(BUDGET.plusSeconds(20), () -> {
            long end = System.nanoTime() + BUDGET.toNanos();
            while (System.nanoTime() < end) {
                String rulesText = mutate(rules, random);
                timed(rulesText, seed, () -> {
                    try {
                        RulesetParser.parse(rulesText, "rules.yaml");
                    } catch (RulesetException e) {
                        assertThat(e.getMessage()).as("a ruleset error names the file").contains("rules.yaml");
                    }
                });
                String alertsText = mutate(alerts, random);
                timed(alertsText, seed, () -> {
                    try {
                        AlertsConfigParser.parse(alertsText, "alerts.yaml", Map.of("SMTP_PASSWORD", "x"));
                    } catch (AlertsConfigException e) {
                        assertThat(e.getMessage()).as("an alerts error names the file").contains("alerts.yaml");
                    }
                });
                runs[0]++;
            }
        }, () -> "a parse did not finish; seed " + seed);
        assertThat(runs[0]).as("texts tried with seed %d", seed).isGreaterThan(20);
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

    /** One to four mutations: flip a character, delete or duplicate a range, insert a YAML-ish token. */
    private static String mutate(String seed, Random random) {
        StringBuilder s = new StringBuilder(seed);
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            int at = s.length() == 0 ? 0 : random.nextInt(s.length());
            switch (random.nextInt(4)) {
                case 0 -> s.setCharAt(at, (char) (32 + random.nextInt(95)));
                case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(30)));
                case 2 -> s.insert(at, s.substring(at, Math.min(s.length(), at + 1 + random.nextInt(80))));
                default -> s.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
            }
        }
        return s.toString();
    }
}
