package io.scalemanager.manager.rollback;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.core.time.MutableClock;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.instanceapi.http.InstanceApiRoutes;
import io.scalemanager.instanceapi.operation.OperationService;
import io.scalemanager.instanceapi.operation.OperationSettings;
import io.scalemanager.instanceapi.operation.OperationStore;
import io.scalemanager.instanceapi.provider.simulator.SimulatorProvider;
import io.scalemanager.instanceapi.provider.simulator.SimulatorSettings;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.ActionStatus;
import io.scalemanager.manager.actionlog.NewAction;
import io.scalemanager.manager.actionlog.StartResult;
import io.scalemanager.manager.alert.Alert;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.command.ActionFinisher;
import io.scalemanager.manager.command.CommandExecutor;
import io.scalemanager.manager.command.CommandSettings;
import io.scalemanager.manager.command.InstanceApiClient;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetParser;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rollback against a real instance API (simulator) over loopback, with two managers (each its own ActionLog,
 * executor, fleet view and watch) on one database: see RollbackOnH2Test and RollbackOnMariaDbTest.
 */
abstract class RollbackTest {
    /** Changes always need a token, also on loopback (CONTRACT.md, "Access"). */
    private static final String TOKEN = "manager-test-token";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Change RAM_DOWN = new Change(Component.RAM, ChangeMode.REL, -1024);
    private static final Duration COOLDOWN = Duration.ofMinutes(10);
    private static final String RULES = """
            rules:
              - name: ram-down
                when: ram < 30
                for: 10m
                then: ram -1024
                cooldown: 10m
                rollback: {when: "ram > 95", within: 10m}
            """;

    protected abstract Database openDatabase(Path dir);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> opened = new ArrayList<>();
    private Database database;
    private SimulatorProvider simulator;
    private ApiServer instanceApi;
    private Ruleset ruleset;
    private AlertLog alerts;
    private long nextSeq = 1;

    /** One manager's parts: its own ActionLog, executor, fleet view and watch, on the shared database. */
    private final class Manager {
        final ActionLog actionLog = new ActionLog(database.dataSource(), clock);
        final Fleet fleet = new Fleet();
        final CommandExecutor executor;
        final RollbackWatch watch;

        Manager(boolean carriesOutRollbacks) {
            InstanceApiClient client = new InstanceApiClient(
                    () -> URI.create("http://127.0.0.1:" + instanceApi.port()), Optional.of(TOKEN), Duration.ofSeconds(5));
            ActionFinisher finisher = ActionFinisher.withLockCache(actionLog, alerts, new ActionLocks(), clock,
                    registry);
            executor = opened(new CommandExecutor(actionLog, finisher, client, () -> Limits.NONE, clock,
                    new CommandSettings(Duration.ofMillis(20), Duration.ofMillis(20), 3, Duration.ofMinutes(15))));
            // A manager killed right after the rollback's commit: it never sends the command.
            Consumer<Action> execute = carriesOutRollbacks ? executor::execute : a -> { };
            watch = opened(new RollbackWatch(actionLog, () -> ruleset, fleet::latestSince, execute, alerts, clock,
                    registry));
        }

        void report(String instance, String type, double value) {
            fleet.record(new Event(nextSeq++, new State(instance, type, value, clock.millis())));
        }
    }

    private <T extends AutoCloseable> T opened(T c) {
        opened.add(0, c);
        return c;
    }

    @BeforeEach
    void open() throws Exception {
        database = openDatabase(dir);
        simulator = new SimulatorProvider(database, new SimulatorSettings(SimulatorSettings.DEFAULT_SIZE,
                Duration.ZERO, Optional.empty()), i -> true, Set.of());
        OperationService operations = new OperationService(new OperationStore(database), simulator, () -> Limits.NONE,
                clock, registry, new OperationSettings(4, Duration.ZERO)).start();
        instanceApi = new ApiServer(new HttpSettings("127.0.0.1", 0, 1_000_000, Optional.of(TOKEN)), registry)
                .add(new InstanceApiRoutes(operations, simulator, Duration.ofSeconds(10))).start();
        opened.add(database);
        opened(operations);
        opened(instanceApi);
        alerts = new AlertLog(database.dataSource(), clock);
        ruleset = RulesetParser.parse(RULES, "rules.yaml");
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    /** The rule shrank the instance 4096 → 3072 through manager {@code m}; returns the succeeded action. */
    private Action shrunk(Manager m, String instance) {
        StartResult result = m.actionLog.start(new NewAction("ram-down", RAM_DOWN, "ram < 30 for 10m, latest 12",
                COOLDOWN, new Event(nextSeq++, new State(instance, "ram", 12, clock.millis()))));
        assertThat(result).isInstanceOf(StartResult.Started.class);
        Action a = ((StartResult.Started) result).action();
        m.executor.execute(a);
        await().atMost(WAIT).until(() -> m.actionLog.get(a.id()).orElseThrow().status() == ActionStatus.SUCCEEDED);
        assertThat(ram(instance)).isEqualTo(3072);
        return m.actionLog.get(a.id()).orElseThrow();
    }

    private long ram(String instance) {
        return simulator.currentSize(instance).orElseThrow().ram();
    }

    private List<Action> rollbacksOf(ActionLog log, String instance, long id) {
        return log.list(Optional.of(instance), Optional.empty(), 100).stream()
                .filter(a -> a.rollbackOf() != null && a.rollbackOf() == id).toList();
    }

    private List<Alert> alertsOfKind(String instance, String kind) {
        return alerts.list(Optional.of(instance), 100).stream().filter(a -> a.kind().equals(kind)).toList();
    }

    @Test
    void twoManagersSeeingTheConditionRollBackOnceToTheExactPreviousSize() throws Exception {
        Manager one = new Manager(true);
        Manager two = new Manager(true);
        Action shrink = shrunk(one, "web-1");
        clock.advance(Duration.ofMinutes(2));
        one.report("web-1", "ram", 97);
        two.report("web-1", "ram", 97);

        CompletableFuture.allOf(CompletableFuture.runAsync(one.watch::checkAll),
                CompletableFuture.runAsync(two.watch::checkAll)).get();
        one.watch.checkAll();
        two.watch.checkAll();

        List<Action> rollbacks = rollbacksOf(one.actionLog, "web-1", shrink.id());
        assertThat(rollbacks).hasSize(1);
        Action back = rollbacks.get(0);
        assertThat(back.reason()).isEqualTo("rollback of action " + shrink.id() + ": ram > 95 held");
        assertThat(back.rule()).isEqualTo("ram-down");
        assertThat(back.change()).isEqualTo(new Change(Component.RAM, ChangeMode.ABS, 4096));
        await().atMost(WAIT).until(() -> one.actionLog.get(back.id()).orElseThrow().status()
                == ActionStatus.SUCCEEDED);
        assertThat(ram("web-1")).isEqualTo(4096);
        assertThat(one.actionLog.get(back.id()).orElseThrow().fromValue()).isEqualTo(3072);

        List<Alert> raised = alertsOfKind("web-1", "rollback");
        assertThat(raised).hasSize(1);
        assertThat(raised.get(0).message()).contains("web-1: rollback of action " + shrink.id() + ": ram > 95 held "
                + "within 10m after action " + shrink.id() + " (ram 4096 → 3072 MiB); resizing back to 4096 MiB");

        // The condition keeps holding: nothing more. The rule waits its cooldown after the rollback, both ways.
        one.report("web-1", "ram", 98);
        one.watch.checkAll();
        two.watch.checkAll();
        assertThat(rollbacksOf(two.actionLog, "web-1", shrink.id())).hasSize(1);
        assertThat(one.actionLog.list(Optional.of("web-1"), Optional.empty(), 100)).hasSize(2);
        assertThat(two.actionLog.start(new NewAction("ram-down", RAM_DOWN, "ram < 30", COOLDOWN,
                new Event(nextSeq++, new State("web-1", "ram", 10, clock.millis())))))
                .isInstanceOf(StartResult.Blocked.class);
        assertThat(two.actionLog.start(new NewAction("ram-down", new Change(Component.RAM, ChangeMode.REL, 1024),
                "ram > 90", COOLDOWN, new Event(nextSeq++, new State("web-1", "ram", 99, clock.millis())))))
                .isInstanceOf(StartResult.Blocked.class);
        clock.advance(COOLDOWN.plusSeconds(1));
        assertThat(two.actionLog.start(new NewAction("ram-down", RAM_DOWN, "ram < 30", COOLDOWN,
                new Event(nextSeq++, new State("web-1", "ram", 10, clock.millis())))))
                .isInstanceOf(StartResult.Started.class);
    }

    @Test
    void aConditionAfterWithinOrReportedBeforeTheResizeTookEffectRollsNothingBack() {
        Manager one = new Manager(true);
        one.report("web-2", "ram", 97); // before the resize: does not count
        clock.advance(Duration.ofSeconds(1));
        Action shrink = shrunk(one, "web-2");
        clock.advance(Duration.ofMinutes(1));
        one.watch.checkAll();
        assertThat(rollbacksOf(one.actionLog, "web-2", shrink.id())).isEmpty();

        clock.advance(Duration.ofMinutes(10)); // 11 minutes after the resize, within is 10m
        one.report("web-2", "ram", 97);
        one.watch.checkAll();
        assertThat(rollbacksOf(one.actionLog, "web-2", shrink.id())).isEmpty();
        assertThat(ram("web-2")).isEqualTo(3072);
        assertThat(alertsOfKind("web-2", "rollback")).isEmpty();
    }

    @Test
    void aManagerKilledAroundTheRollbackLeavesExactlyOneForTheNextToCarryOut() {
        // Killed between the resize and the rollback: the next manager still sees the condition within 10m.
        Manager killedBefore = new Manager(true);
        Action shrink = shrunk(killedBefore, "web-3");
        clock.advance(Duration.ofMinutes(3));
        // Killed right after committing the rollback, before sending its command.
        Manager killedAfter = new Manager(false);
        killedAfter.report("web-3", "ram", 99);
        killedAfter.watch.checkAll();
        List<Action> rollbacks = rollbacksOf(killedAfter.actionLog, "web-3", shrink.id());
        assertThat(rollbacks).hasSize(1);
        assertThat(rollbacks.get(0).status()).isEqualTo(ActionStatus.PENDING);
        assertThat(ram("web-3")).isEqualTo(3072);

        // The restarted manager resumes the pending rollback and looks again: one rollback, carried out once.
        Manager restarted = new Manager(true);
        restarted.report("web-3", "ram", 99);
        restarted.executor.resumeUnfinished();
        restarted.watch.checkAll();
        await().atMost(WAIT).until(() -> restarted.actionLog.get(rollbacks.get(0).id()).orElseThrow().status()
                == ActionStatus.SUCCEEDED);
        restarted.watch.checkAll();
        assertThat(rollbacksOf(restarted.actionLog, "web-3", shrink.id())).hasSize(1);
        assertThat(ram("web-3")).isEqualTo(4096);
        assertThat(alertsOfKind("web-3", "rollback")).hasSize(1);
    }
}
