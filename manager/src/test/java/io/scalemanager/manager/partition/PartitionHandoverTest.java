package io.scalemanager.manager.partition;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.core.time.MutableClock;
import io.scalemanager.manager.Manager;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.command.ActionFinisher;
import io.scalemanager.manager.command.CommandExecutor;
import io.scalemanager.manager.command.CommandSettings;
import io.scalemanager.manager.command.InstanceApiClient;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.decision.DecisionLog;
import io.scalemanager.manager.decision.DecisionWriter;
import io.scalemanager.manager.decision.LatestOutcomes;
import io.scalemanager.manager.decision.OutcomeRecorder;
import io.scalemanager.manager.pause.Pauses;
import io.scalemanager.manager.rules.CurrentRuleset;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetParser;
import io.scalemanager.queue.ReplaySource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** A manager that gains a partition decides as if it had seen the partition's recent events itself. */
class PartitionHandoverTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(NOW);
    private final List<Event> history = new ArrayList<>();
    private final Fleet fleet = new Fleet();
    private Database database;
    private ActionLog actionLog;
    private CommandExecutor executor;
    private Manager manager;
    private PartitionHandover handover;

    @BeforeEach
    void open() throws Exception {
        database = TestDatabases.h2File(dir);
        Ruleset ruleset = RulesetParser.parse("""
                rules:
                  - name: ram-up
                    when: ram > 80
                    for: 20s
                    then: ram +1024
                    cooldown: 10m
                """, "rules.yaml");
        actionLog = new ActionLog(database.dataSource(), clock);
        AlertLog alerts = new AlertLog(database.dataSource(), clock);
        ActionLocks locks = new ActionLocks();
        // Nothing answers there: the test looks at decisions, not at their commands.
        InstanceApiClient nowhere = new InstanceApiClient(() -> URI.create("http://127.0.0.1:9"), Optional.empty(),
                Duration.ofMillis(200));
        executor = new CommandExecutor(actionLog, ActionFinisher.withLockCache(actionLog, alerts, locks, clock,
                new SimpleMeterRegistry()), nowhere, ruleset::limits, clock,
                new CommandSettings(Duration.ofSeconds(1), Duration.ofMinutes(1), 1, Duration.ofMinutes(15)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        manager = new Manager(CurrentRuleset.of(ruleset), PARTITIONS, actionLog, locks, executor, alerts, fleet, clock,
                Duration.ofMinutes(10), Duration.ofMinutes(2), Manager.DEFAULT_FORGET_AFTER, registry,
                new OutcomeRecorder(new LatestOutcomes(),
                new DecisionWriter(new DecisionLog(database.dataSource()), Duration.ofMillis(50), 1000, registry),
                registry), new Pauses(database.dataSource(), clock), false);
        handover = new PartitionHandover(manager, fleet, executor, alerts, inMemory(history), PartitionHandoverTest::partitionOf,
                Duration.ofMinutes(12), clock);
    }

    @AfterEach
    void close() {
        executor.close();
        database.close();
    }

    private static int partitionOf(String instance) {
        return Math.floorMod(instance.hashCode(), PARTITIONS);
    }

    /** ram at 90 for the last 30 seconds, as another manager saw it before it died. */
    private void highRamFor30s(String instance) {
        for (int s = 30; s >= 1; s--) {
            long t = NOW.toEpochMilli() - s * 1000L;
            history.add(new Event(EventSequence.firstAt(t) + history.size() % 64, new State(instance, "ram", 90, t)));
        }
    }

    private Event nowHigh(String instance) {
        return new Event(EventSequence.firstAt(NOW.toEpochMilli()), new State(instance, "ram", 90, NOW.toEpochMilli()));
    }

    private List<Action> actionsOn(String instance) {
        return actionLog.list(Optional.of(instance), Optional.empty(), 10);
    }

    @Test
    void aGainedPartitionsWindowsAreRebuiltFromTheHistorySoAHeldConditionFiresAtOnce() {
        highRamFor30s("web-1");
        int p = partitionOf("web-1");

        handover.assigned(List.of(p));
        manager.handle(p, nowHigh("web-1"));

        assertThat(actionsOn("web-1")).singleElement()
                .satisfies(a -> assertThat(a.rule()).isEqualTo("ram-up"));
        assertThat(fleet.list(null, 10)).extracting(Fleet.InstanceView::instance).containsExactly("web-1");
    }

    @Test
    void withoutTheHistoryTheSameEventWouldNotHaveFired() {
        highRamFor30s("web-1");
        int p = partitionOf("web-1");

        handover.assigned(List.of((p + 1) % PARTITIONS)); // another partition: web-1's past is not read
        manager.handle(p, nowHigh("web-1"));

        assertThat(actionsOn("web-1")).isEmpty();
    }

    @Test
    void aLostPartitionsWindowsAndInstancesAreDropped() {
        highRamFor30s("web-1");
        int p = partitionOf("web-1");
        handover.assigned(List.of(p));

        handover.revoked(List.of(p));
        assertThat(fleet.list(null, 10)).isEmpty();

        manager.handle(p, nowHigh("web-1")); // as if delivered once more before the hand-over completed
        assertThat(actionsOn("web-1")).isEmpty();
    }

    private static ReplaySource inMemory(List<Event> events) {
        return new ReplaySource() {
            @Override
            public long lastSeq() {
                return events.stream().mapToLong(Event::seq).max().orElse(0);
            }

            @Override
            public void scan(long afterSeq, long upToSeq, Consumer<Event> consumer) {
                events.stream().filter(e -> e.seq() > afterSeq && e.seq() <= upToSeq).forEach(consumer);
            }
        };
    }
}
