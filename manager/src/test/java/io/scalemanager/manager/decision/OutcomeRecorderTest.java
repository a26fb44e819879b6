package io.scalemanager.manager.decision;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.manager.decide.Block;
import io.scalemanager.manager.decide.Outcome;
import io.scalemanager.manager.decide.OutcomeKind;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.RulesetParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What the decision log keeps of the outcomes, on a real H2 file: changes, not the quiet start of every rule. */
class OutcomeRecorderTest {
    private static final long NOON = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();

    @TempDir
    Path dir;
    private Database database;
    private DecisionLog decisionLog;
    private DecisionWriter writer;
    private OutcomeRecorder recorder;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Rule cpuUp;

    @BeforeEach
    void open() throws Exception {
        database = TestDatabases.h2File(dir);
        decisionLog = new DecisionLog(database.dataSource());
        writer = new DecisionWriter(decisionLog, Duration.ofMillis(20), 1000, registry).start();
        recorder = new OutcomeRecorder(new LatestOutcomes(), writer, registry);
        cpuUp = RulesetParser.parse("""
                rules:
                  - name: cpu-up
                    when: load > 4
                    for: 20s
                    then: cpu +1
                    cooldown: 10m
                """, "rules.yaml").rule("cpu-up").orElseThrow();
    }

    @AfterEach
    void close() {
        writer.close();
        database.close();
    }

    private Outcome notHeld(long second) {
        return new Outcome.NotHeld(cpuUp, NOON + second * 1000, "load", 1.5, Long.MAX_VALUE, true);
    }

    private Outcome blocked(long second) {
        return new Outcome.Blocked(cpuUp, NOON + second * 1000,
                new Block(Block.Kind.COOLDOWN, 812L, "cpu-down", NOON + 900_000));
    }

    /** The rows written, oldest first, as "instance outcome". */
    private List<String> written() {
        writer.close(); // writes what was handed over, then stops
        List<Decision> rows = decisionLog.list(new DecisionLog.Query(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), 100));
        List<Decision> oldestFirst = new ArrayList<>(rows);
        Collections.reverse(oldestFirst);
        return oldestFirst.stream().map(d -> d.instance() + " " + d.outcome().wireName()).toList();
    }

    @Test
    void aQuietFirstOutcomeIsKeptInMemoryButNotWritten() {
        recorder.record("web-1", notHeld(0));
        recorder.record("web-2", new Outcome.Stale(cpuUp, NOON, Long.MIN_VALUE));

        assertThat(written()).isEmpty();
        // "why" still answers with it, since when it has lasted, and the metric counts it.
        LatestOutcomes.Entry why = recorder.latest().of("web-1").get("cpu-up");
        assertThat(why.outcome().kind()).isEqualTo(OutcomeKind.NOT_HELD);
        assertThat(why.sinceMs()).isEqualTo(NOON);
        assertThat(recorder.latest().of("web-2").get("cpu-up").outcome().kind()).isEqualTo(OutcomeKind.STALE);
        assertThat(registry.get("scalemanager_rule_outcomes").tag("outcome", "not_held").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void aFirstOutcomeThatIsNotQuietAndEveryLaterChangeAreWritten() {
        recorder.record("web-3", blocked(0));                                     // first, but not quiet
        recorder.record("web-4", new Outcome.TooOld(cpuUp, NOON, Duration.ofMinutes(10)));
        recorder.record("web-1", notHeld(0));                                     // quiet start: not written
        recorder.record("web-1", notHeld(10));                                    // no change
        recorder.record("web-1", blocked(20));                                    // a change
        recorder.record("web-1", notHeld(30));                                    // a change back to quiet
        recorder.record("web-2", new Outcome.Stale(cpuUp, NOON, Long.MIN_VALUE)); // quiet start: not written
        recorder.record("web-2", notHeld(40));                                    // stale → not_held: a change

        assertThat(written()).containsExactly("web-3 blocked", "web-4 too_old", "web-1 blocked", "web-1 not_held",
                "web-2 not_held");
        assertThat(recorder.latest().of("web-1").get("cpu-up").sinceMs()).isEqualTo(NOON + 30_000);
    }
}
