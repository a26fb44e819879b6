package io.scalemanager.manager.reload;

import io.micrometer.core.instrument.Gauge;
import io.scalemanager.core.yaml.YamlError;
import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.manager.alert.AlertKind;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.rules.CurrentRuleset;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetException;
import io.scalemanager.manager.rules.RulesetParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Reloads the rules file into the {@link CurrentRuleset} without a restart (SIGHUP, {@code POST
 * /v1/rules/reload}). An invalid or unreadable file keeps the ruleset in use and says why: in the log, in the
 * answer, in {@code scalemanager_ruleset_reloads_total{result="invalid"}} and in a critical alert, resolved by the
 * next good reload. The ruleset's hash is in {@code scalemanager_ruleset{hash} (1)}.
 */
public final class RulesReloader {
    private static final Logger log = LoggerFactory.getLogger(RulesReloader.class);

    /** What a reload came to. */
    public sealed interface Result {
        /** The new ruleset is in place. */
        record Reloaded(CurrentRuleset.Loaded loaded) implements Result {
        }

        /** The file was refused; the old ruleset stays. {@code errors} name line and rule where they can. */
        record Refused(String message, List<YamlError> errors) implements Result {
        }
    }

    private final Optional<Path> file;
    private final CurrentRuleset current;
    private final AlertLog alerts;
    private final Clock clock;
    private final MeterRegistry registry;
    private Gauge info;

    /**
     * @param file the rules file; empty when the manager runs a built-in ruleset (the demo's), which cannot be
     *             reloaded
     */
    public RulesReloader(Optional<Path> file, CurrentRuleset current, AlertLog alerts, Clock clock,
                         MeterRegistry registry) {
        this.file = file;
        this.current = current;
        this.alerts = alerts;
        this.clock = clock;
        this.registry = registry;
        publish(current.loaded().hash());
    }

    public synchronized Result reload() {
        if (file.isEmpty()) {
            return refused("this manager runs a built-in ruleset; start it with --rules FILE to reload rules",
                    List.of());
        }
        Path path = file.get();
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return refused("cannot read the rules file " + path + ": " + e.getMessage(), List.of());
        }
        Ruleset ruleset;
        try {
            ruleset = RulesetParser.parse(text, path.toString());
        } catch (RulesetException e) {
            return refused("the rules file " + path + " is invalid; keeping the ruleset in use ("
                    + current.loaded().hash().substring(0, 12) + "):\n" + e.getMessage(), e.errors());
        }
        CurrentRuleset.Loaded loaded = current.replace(ruleset, CurrentRuleset.hash(text), clock.millis());
        registry.counter("scalemanager_ruleset_reloads", "result", "ok").increment();
        publish(loaded.hash());
        log.info("Reloaded {}: {} rules, hash {}", path, ruleset.rules().size(), loaded.hash());
        try {
            alerts.resolve(null, null, AlertKind.RULESET_INVALID);
        } catch (RuntimeException e) {
            log.warn("Could not resolve the alert of the refused rules file: {}", e.getMessage());
        }
        return new Result.Reloaded(loaded);
    }

    private Result refused(String message, List<YamlError> errors) {
        registry.counter("scalemanager_ruleset_reloads", "result", "invalid").increment();
        log.error("Rules reload refused: {}", message);
        try {
            alerts.raise(Severity.CRITICAL, null, null, AlertKind.RULESET_INVALID, "rules reload refused: " + message);
        } catch (RuntimeException e) {
            log.warn("Could not raise the alert of the refused rules file: {}", e.getMessage());
        }
        return new Result.Refused(message, errors);
    }

    /** One series, labelled with the hash in use: managers that disagree show as different labels. */
    private void publish(String hash) {
        if (info != null) {
            registry.remove(info);
        }
        info = Gauge.builder("scalemanager_ruleset", () -> 1).tag("hash", hash)
                .description("The ruleset in use, by the SHA-256 of its file").register(registry);
    }
}
