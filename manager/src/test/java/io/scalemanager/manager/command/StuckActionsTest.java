package io.scalemanager.manager.command;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.core.time.MutableClock;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.instanceapi.http.InstanceApiRoutes;
import io.scalemanager.instanceapi.operation.OperationService;
import io.scalemanager.instanceapi.operation.OperationSettings;
import io.scalemanager.instanceapi.operation.OperationStore;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.simulator.SimulatorProvider;
import io.scalemanager.instanceapi.provider.simulator.SimulatorSettings;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.ActionStatus;
import io.scalemanager.manager.actionlog.Direction;
import io.scalemanager.manager.actionlog.NewAction;
import io.scalemanager.manager.actionlog.StartResult;
import io.scalemanager.manager.alert.Alert;
import io.scalemanager.manager.alert.AlertLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stuck actions against a real instance API (simulator provider) over HTTP on loopback; runs on H2 and on
 * MariaDB (StuckActionsOnH2Test, StuckActionsOnMariaDbTest).
 */
abstract class StuckActionsTest {
    /** Changes always need a token, also on loopback (CONTRACT.md, "Access"). */
    static final String TOKEN = "manager-test-token";
    private static final Change RAM_UP = new Change(Component.RAM, ChangeMode.ABS, 8192);
    private static final Duration STUCK_AFTER = Duration.ofMinutes(30);

    protected abstract Database openDatabase(Path dir);

    @TempDir
    Path dir;
    private Database db;
    private OperationService operations;
    private ApiServer server;
    private final MutableClock clock = new MutableClock(Instant.now());
    private final ActionLocks locks = new ActionLocks();
    private ActionLog actionLog;
    private AlertLog alerts;
    private InstanceApiClient client;
    private StuckActions stuck;
    private long nextSeq = 1;

    @BeforeEach
    void open() {
        db = openDatabase(dir);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SimulatorProvider simulator = new SimulatorProvider(db, new SimulatorSettings(SimulatorSettings.DEFAULT_SIZE,
                Duration.ZERO, Optional.of(InstancePattern.parse("doomed-*"))), i -> true, Set.of());
        // The instance API keeps real time; only the ActionLog's clock jumps past the stuck timeout.
        // The simulator's VMs change live; "reboot-*" stands for a VM whose provider stores a change for its restart.
        Provider provider = new Provider() {
            @Override
            public Optional<Size> currentSize(String instance) {
                return simulator.currentSize(instance);
            }

            @Override
            public ResizeResult.Made resize(String instance, Component component, long newValue, RestartPolicy restart) {
                ResizeResult.Made made = simulator.resize(instance, component, newValue, restart);
                return instance.startsWith("reboot-") ? ResizeResult.NeedsRestart.because("above the live maximum")
                        : made;
            }
        };
        operations = new OperationService(new OperationStore(db), provider, () -> Limits.NONE, Clock.systemUTC(),
                registry, new OperationSettings(2, Duration.ZERO)).start();
        server = new ApiServer(new HttpSettings("127.0.0.1", 0, 1_000_000, Optional.of(TOKEN)), registry)
                .add(new InstanceApiRoutes(operations, simulator, Duration.ofSeconds(10)))
                .start();
        URI uri = URI.create("http://127.0.0.1:" + server.port());
        client = new InstanceApiClient(() -> uri, Optional.of(TOKEN), Duration.ofSeconds(5));
        actionLog = new ActionLog(db.dataSource(), clock);
        alerts = new AlertLog(db.dataSource(), clock);
        stuck = new StuckActions(actionLog, ActionFinisher.withLockCache(actionLog, alerts, locks, clock, registry),
                client, clock, STUCK_AFTER);
    }

    @AfterEach
    void close() {
        server.close();
        operations.close();
        db.close();
    }

    private Action start(String instance) {
        Event event = new Event(nextSeq++, new State(instance, "ram", 91, clock.millis()));
        StartResult result = actionLog.start(new NewAction("ram-up", RAM_UP, "ram > 80 for 5m, latest 91",
                Duration.ofMinutes(10), event));
        assertThat(result).isInstanceOf(StartResult.Started.class);
        return ((StartResult.Started) result).action();
    }

    /** The action was sent and the instance API carried the operation to its end; the manager never heard. */
    private Action sentAndForgotten(String instance) {
        Action a = start(instance);
        actionLog.plan(a.id(), 4096, 8192);
        String operation = client.resize(instance, Component.RAM, 8192, "action-" + a.id());
        actionLog.markRunning(a.id(), operation);
        await().atMost(Duration.ofSeconds(15)).until(() -> client.operation(operation).finished());
        return a;
    }

    private Action status(Action a) {
        return actionLog.get(a.id()).orElseThrow();
    }

    private List<Alert> alerts() {
        return alerts.list(Optional.empty(), 100);
    }

    @Test
    void stuckActionWhoseOperationSucceededIsFinishedSucceededAndCoolsDown() {
        Action a = sentAndForgotten("web-1");
        clock.advance(STUCK_AFTER.plusMinutes(1));

        stuck.resolve(false, System.out);

        assertThat(status(a).status()).isEqualTo(ActionStatus.SUCCEEDED);
        assertThat(alerts()).isEmpty();
        // The lock became a cooldown: blocked now, free once it has passed.
        assertThat(locks.knownBlocked("web-1", Component.RAM, Direction.DOWN, clock.millis())).isTrue();
        assertThat(locks.knownBlocked("web-1", Component.RAM, Direction.DOWN,
                clock.millis() + Duration.ofMinutes(11).toMillis()))
                .isFalse();
        clock.advance(Duration.ofMinutes(11));
        assertThat(start("web-1").status()).isEqualTo(ActionStatus.PENDING);
    }

    @Test
    void stuckActionWhoseOperationNeedsARestartKeepsItsLockAsNeedsRestart() {
        Action a = sentAndForgotten("reboot-1");
        clock.advance(STUCK_AFTER.plusMinutes(1));

        stuck.resolve(false, System.out);

        assertThat(status(a).status()).isEqualTo(ActionStatus.NEEDS_RESTART);
        assertThat(status(a).finishedAtMs()).isNull();
        assertThat(status(a).error()).startsWith("config only, needs a restart: above the live maximum");
        Event again = new Event(nextSeq++, new State("reboot-1", "ram", 91, clock.millis()));
        assertThat(actionLog.start(new NewAction("ram-up", RAM_UP, "ram > 80 for 5m, latest 91",
                Duration.ofMinutes(10), again))).as("the lock is kept while the change waits for the VM's restart")
                .isInstanceOf(StartResult.Blocked.class);
    }

    @Test
    void stuckActionWhoseOperationFailedIsFinishedFailedWithAnAlert() {
        Action a = sentAndForgotten("doomed-1");
        clock.advance(STUCK_AFTER.plusMinutes(1));

        stuck.resolve(false, System.out);

        assertThat(status(a).status()).isEqualTo(ActionStatus.FAILED);
        assertThat(status(a).error()).isNotBlank();
        assertThat(alerts()).singleElement().satisfies(alert -> {
            assertThat(alert.instance()).isEqualTo("doomed-1");
            assertThat(alert.kind()).isEqualTo("command_failed");
            assertThat(alert.message()).contains("found stuck by the cleaner");
        });
    }

    @Test
    void pendingActionNeverSentFailsAsNeverSent() {
        Action a = start("web-2");
        clock.advance(STUCK_AFTER.plusMinutes(1));

        stuck.resolve(false, System.out);

        assertThat(status(a).status()).isEqualTo(ActionStatus.FAILED);
        assertThat(status(a).error()).startsWith("never sent");
        assertThat(alerts()).hasSize(1);
    }

    @Test
    void operationUnknownToTheInstanceApiFails() {
        Action a = start("web-3");
        actionLog.markRunning(a.id(), "no-such-operation");
        clock.advance(STUCK_AFTER.plusMinutes(1));

        stuck.resolve(false, System.out);

        assertThat(status(a).status()).isEqualTo(ActionStatus.FAILED);
        assertThat(status(a).error()).contains("unknown to the instance API");
    }

    @Test
    void actionsYoungerThanTheTimeoutAndDryRunsAreLeftAlone() {
        Action young = sentAndForgotten("web-4");
        clock.advance(STUCK_AFTER.minusMinutes(1));
        stuck.resolve(false, System.out);
        assertThat(status(young).status()).isEqualTo(ActionStatus.RUNNING);

        clock.advance(Duration.ofMinutes(2));
        List<StuckActions.Resolution> would = stuck.resolve(true, System.out);

        assertThat(would).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo("succeeded"));
        assertThat(status(young).status()).isEqualTo(ActionStatus.RUNNING);
    }
}
