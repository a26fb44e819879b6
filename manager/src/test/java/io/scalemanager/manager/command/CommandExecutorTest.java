package io.scalemanager.manager.command;

import io.scalemanager.core.operation.OperationStatus;
import io.scalemanager.core.time.MutableClock;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Bounds;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.core.net.LoopbackPorts;
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
import io.scalemanager.manager.actionlog.Direction;
import io.scalemanager.manager.actionlog.NewAction;
import io.scalemanager.manager.actionlog.StartResult;
import io.scalemanager.manager.alert.Alert;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.alert.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The executor against a real instance API (simulator provider) over HTTP on loopback, sharing one H2 file. */
class CommandExecutorTest {
    /** Changes always need a token, also on loopback (CONTRACT.md, "Access"). */
    private static final String TOKEN = "manager-test-token";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Change RAM_UP = new Change(Component.RAM, ChangeMode.REL, 1024);
    private static final Set<String> KNOWN = Set.of("web-1", "web-2", "doomed-1", "rack-2/web:3@eu");
    private static final CommandSettings FAST = new CommandSettings(Duration.ofMillis(20), Duration.ofMillis(20), 3,
            Duration.ofMinutes(15));

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2025-11-25T10:00:00Z"));
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<Limits> limits = new AtomicReference<>(Limits.NONE);
    private final ActionLocks locks = new ActionLocks();
    private Database database;
    private SimulatorProvider simulator;
    private OperationService operations;
    private ApiServer server;
    private ActionLog actionLog;
    private AlertLog alerts;
    private CommandExecutor executor;
    private HttpServer stub;
    /** When set, the next transaction the manager begins fails, as if the database were briefly away. */
    private final AtomicBoolean failNextTransaction = new AtomicBoolean();
    private long nextSeq = 1_764_064_800_000_000L;

    @AfterEach
    void closeAll() {
        if (executor != null) {
            executor.close();
        }
        if (stub != null) {
            stub.stop(0);
        }
        if (simulator != null) {
            simulator.finishResizesInProgress();
        }
        if (server != null) {
            server.close();
        }
        if (operations != null) {
            operations.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /** Database, instance API on a free port, and the manager's side; the executor talks to {@code base}. */
    private void open(Duration resizeDelay, Optional<String> failPattern, CommandSettings settings,
                      Optional<URI> base) {
        database = TestDatabases.h2File(dir);
        simulator = new SimulatorProvider(database, new SimulatorSettings(SimulatorSettings.DEFAULT_SIZE, resizeDelay,
                failPattern.map(InstancePattern::parse)), KNOWN::contains, Set.of());
        operations = new OperationService(new OperationStore(database), simulator, limits::get, clock, registry,
                new OperationSettings(4, Duration.ZERO)).start();
        server = new ApiServer(new HttpSettings("127.0.0.1", 0, 1_000_000, Optional.of(TOKEN)), registry)
                .add(new InstanceApiRoutes(operations, simulator, Duration.ofSeconds(10)))
                .start();
        actionLog = new ActionLog(flaky(database.dataSource()), clock);
        alerts = new AlertLog(database.dataSource(), clock);
        URI uri = base.orElse(URI.create("http://127.0.0.1:" + server.port()));
        executor = new CommandExecutor(actionLog, ActionFinisher.withLockCache(actionLog, alerts, locks, clock,
                registry), new InstanceApiClient(() -> uri, Optional.of(TOKEN), Duration.ofSeconds(5)), limits::get,
                clock, settings);
    }

    private void open(Duration resizeDelay) {
        open(resizeDelay, Optional.empty(), FAST, Optional.empty());
    }

    private DataSource flaky(DataSource real) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection c = (Connection) result;
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (m.getName().equals("setAutoCommit") && Boolean.FALSE.equals(a[0])
                                        && failNextTransaction.compareAndSet(true, false)) {
                                    throw new SQLException("database briefly away", "08001");
                                }
                                return invoke(c, m, a);
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private Action start(String instance, Change change) {
        Event event = new Event(nextSeq++, new State(instance, "ram", 91, clock.millis()));
        StartResult result = actionLog.start(new NewAction("ram-up", change, "ram > 80 for 5m, latest 91",
                Duration.ofMinutes(10), event));
        assertThat(result).isInstanceOf(StartResult.Started.class);
        return ((StartResult.Started) result).action();
    }

    private Action awaitFinished(long id) {
        await().atMost(WAIT).until(() -> actionLog.get(id).orElseThrow().status().finished());
        return actionLog.get(id).orElseThrow();
    }

    /** The executor raises a failed action's alert on its own thread just after finishing the action: wait for it. */
    private List<Alert> awaitAlerts(String instance) {
        await().atMost(WAIT).until(() -> !alerts.list(Optional.of(instance), 10).isEmpty());
        return alerts.list(Optional.of(instance), 10);
    }

    private Size size(String instance) {
        return simulator.currentSize(instance).orElseThrow();
    }

    private long operationsOn(String instance) {
        try (Connection c = database.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM operation WHERE instance = ?")) {
            ps.setString(1, instance);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private InstanceApiClient directClient() {
        URI uri = URI.create("http://127.0.0.1:" + server.port());
        return new InstanceApiClient(() -> uri, Optional.of(TOKEN), Duration.ofSeconds(5));
    }

    private static Limits ramLimits(String pattern, long min, long max) {
        return new Limits(List.of(new Limits.Entry(InstancePattern.parse(pattern),
                Map.of(Component.RAM, new Bounds(min, max)))));
    }

    @Test
    void startedActionResizesTheInstanceAndSucceeds() {
        open(Duration.ofMillis(50));
        Action a = start("web-1", RAM_UP);

        executor.execute(a);

        Action done = awaitFinished(a.id());
        assertThat(done.status()).isEqualTo(ActionStatus.SUCCEEDED);
        assertThat(done.fromValue()).isEqualTo(4096);
        assertThat(done.toValue()).isEqualTo(5120);
        assertThat(done.operation()).isNotBlank();
        assertThat(done.error()).isNull();
        assertThat(size("web-1")).isEqualTo(new Size(2, 5120, 50));
        assertThat(operationsOn("web-1")).isEqualTo(1);
        assertThat(alerts.list(Optional.empty(), 10)).isEmpty();
        // The executor tells this process's lock cache about the cooldown it started.
        await().atMost(WAIT).until(() -> locks.knownBlocked("web-1", Component.RAM, Direction.DOWN, clock.millis()));
        assertThat(locks.knownBlocked("web-1", Component.RAM, Direction.DOWN,
                done.finishedAtMs() + Duration.ofMinutes(10).toMillis())).isFalse();
        assertThat(locks.knownBlocked("web-1", Component.RAM, Direction.UP, clock.millis()))
                .as("which way the cooldown blocks is the database's to say").isFalse();
    }

    @Test
    void instanceIdWithReservedCharactersIsResized() {
        open(Duration.ofMillis(10));
        Action a = start("rack-2/web:3@eu", RAM_UP);

        executor.execute(a);

        Action done = awaitFinished(a.id());
        assertThat(done.status()).as(done.error()).isEqualTo(ActionStatus.SUCCEEDED);
        assertThat(size("rack-2/web:3@eu").ram()).isEqualTo(5120);
    }

    @Test
    void limitsClampTheTargetToTheBound() {
        limits.set(ramLimits("web-*", 1024, 4608));
        open(Duration.ofMillis(10));
        Action a = start("web-1", RAM_UP);

        executor.execute(a);

        Action done = awaitFinished(a.id());
        assertThat(done.status()).isEqualTo(ActionStatus.SUCCEEDED);
        assertThat(done.fromValue()).isEqualTo(4096);
        assertThat(done.toValue()).isEqualTo(4608);
        assertThat(size("web-1").ram()).isEqualTo(4608);
    }

    @Test
    void atTheBoundNothingIsSentAndALimitAlertIsRaised() {
        limits.set(ramLimits("web-*", 1024, 4096));
        open(Duration.ofMillis(10));
        Action a = start("web-1", RAM_UP);

        executor.execute(a);

        Action done = awaitFinished(a.id());
        assertThat(done.status()).isEqualTo(ActionStatus.FAILED);
        assertThat(done.error()).contains("beyond the bounds [1024, 4096]");
        assertThat(done.operation()).isNull();
        assertThat(operationsOn("web-1")).isZero();
        assertThat(size("web-1").ram()).isEqualTo(4096);
        List<Alert> raised = awaitAlerts("web-1");
        assertThat(raised).singleElement().satisfies(alert -> {
            assertThat(alert.kind()).isEqualTo("limit_reached");
            assertThat(alert.severity()).isEqualTo(Severity.WARNING);
            assertThat(alert.rule()).isEqualTo("ram-up");
            assertThat(alert.message()).contains("web-1", "ram +1024", "beyond the bounds");
        });
    }

    @Test
    void limitAlertNamesTheTriggeringEventAndIsResolvedOnceTheRuleWorksAgain() throws Exception {
        limits.set(ramLimits("web-*", 1024, 4096));
        open(Duration.ofMillis(10));
        executor.close();
        alerts = new AlertLog(database.dataSource(), clock, new io.scalemanager.manager.alert.AlertOutbox(
                database.dataSource(), clock, new io.scalemanager.manager.alert.config.AlertsConfig(
                List.of(new io.scalemanager.manager.alert.channel.slack.SlackNotifier("chat",
                        URI.create("http://127.0.0.1:1/"))), List.of(), Duration.ZERO, Duration.ofHours(4),
                Duration.ofMinutes(5), Duration.ofMinutes(1))));
        URI uri = URI.create("http://127.0.0.1:" + server.port());
        executor = new CommandExecutor(actionLog, ActionFinisher.withLockCache(actionLog, alerts, locks, clock,
                registry), new InstanceApiClient(() -> uri, Optional.of(TOKEN), Duration.ofSeconds(5)), limits::get,
                clock, FAST);
        Action first = start("web-1", RAM_UP);
        executor.execute(first);
        awaitFinished(first.id());
        // The alert is raised right after the action is finished.
        await().atMost(WAIT).until(() -> alerts.list(Optional.of("web-1"), 10).size() == 1);
        assertThat(alerts.list(Optional.of("web-1"), 10)).singleElement().satisfies(alert -> assertThat(
                alert.message()).contains("triggered by event " + first.event().seq() + ", ram 91 at 2025-11-25T10:00:00Z"));

        limits.set(Limits.NONE);
        clock.advance(Duration.ofMinutes(11)); // past the cooldown
        Action second = start("web-1", RAM_UP);
        executor.execute(second);
        assertThat(awaitFinished(second.id()).status()).isEqualTo(ActionStatus.SUCCEEDED);

        await().atMost(WAIT).until(() -> outboxStatuses().size() == 2);
        assertThat(outboxStatuses()).containsExactly("firing limit_reached", "resolved limit_reached");
    }

    private List<String> outboxStatuses() throws SQLException {
        List<String> statuses = new java.util.ArrayList<>();
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT status, kind FROM alert_outbox ORDER BY id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                statuses.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return statuses;
    }

    @Test
    void aScaleDownOfAnInstanceBelowItsLowerBoundIsNotTurnedIntoAScaleUp() {
        limits.set(ramLimits("web-*", 8192, 16384));
        open(Duration.ofMillis(10));
        Action a = start("web-1", new Change(Component.RAM, ChangeMode.REL, -1024));

        executor.execute(a);

        Action done = awaitFinished(a.id());
        assertThat(done.status()).isEqualTo(ActionStatus.FAILED);
        assertThat(done.operation()).isNull();
        assertThat(size("web-1").ram()).isEqualTo(4096);
        assertThat(awaitAlerts("web-1")).singleElement()
                .satisfies(alert -> assertThat(alert.kind()).isEqualTo("limit_reached"));
    }

    @Test
    void failingProviderFailsTheActionWithItsErrorAndRaisesAnAlert() {
        open(Duration.ofMillis(10), Optional.of("doomed-*"), FAST, Optional.empty());
        Action a = start("doomed-1", RAM_UP);

        executor.execute(a);

        Action done = awaitFinished(a.id());
        assertThat(done.status()).isEqualTo(ActionStatus.FAILED);
        assertThat(done.error()).contains("simulated failure");
        assertThat(size("doomed-1").ram()).isEqualTo(4096);
        assertThat(awaitAlerts("doomed-1")).singleElement().satisfies(alert -> {
            assertThat(alert.kind()).isEqualTo("command_failed");
            assertThat(alert.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(alert.message()).contains("simulated failure");
        });
    }

    @Test
    void failedCommandStillRaisesItsAlertWhenFinishingHadToBeRetried() {
        open(Duration.ofMillis(10), Optional.of("doomed-*"), FAST, Optional.empty());
        Action a = start("doomed-1", RAM_UP);
        failNextTransaction.set(true);

        executor.execute(a);

        Action done = awaitFinished(a.id());
        assertThat(failNextTransaction).isFalse();
        assertThat(done.status()).isEqualTo(ActionStatus.FAILED);
        await().atMost(WAIT).untilAsserted(() -> assertThat(alerts.list(Optional.of("doomed-1"), 10))
                .singleElement().satisfies(alert -> assertThat(alert.kind()).isEqualTo("command_failed")));
    }

    @Test
    void unknownInstanceFailsWithoutRetrying() {
        open(Duration.ofMillis(10));
        Action a = start("ghost-1", RAM_UP);

        executor.execute(a);

        Action done = awaitFinished(a.id());
        assertThat(done.status()).isEqualTo(ActionStatus.FAILED);
        assertThat(done.error()).contains("does not know instance ghost-1");
        assertThat(awaitAlerts("ghost-1")).singleElement()
                .satisfies(alert -> assertThat(alert.kind()).isEqualTo("command_failed"));
    }

    @Test
    void theClientSaysWhetherTheInstanceApiIsReady() {
        open(Duration.ZERO);
        assertThat(directClient().ready(Duration.ofMillis(1500))).isTrue();
        URI nobody = URI.create("http://127.0.0.1:" + LoopbackPorts.free());
        assertThat(new InstanceApiClient(() -> nobody, Optional.empty(), Duration.ofSeconds(5))
                .ready(Duration.ofMillis(1500))).isFalse();
    }

    @Test
    void unreachableInstanceApiFailsAfterMaxAttemptsWithAnAlert() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        open(Duration.ofMillis(10), Optional.empty(),
                new CommandSettings(Duration.ofMillis(20), Duration.ofMillis(20), 2, Duration.ofMinutes(15)),
                Optional.of(URI.create("http://127.0.0.1:" + closedPort)));
        Action a = start("web-1", RAM_UP);

        executor.execute(a);

        Action done = awaitFinished(a.id());
        assertThat(done.status()).isEqualTo(ActionStatus.FAILED);
        assertThat(done.error()).contains("unreachable");
        assertThat(awaitAlerts("web-1")).singleElement().satisfies(alert -> {
            assertThat(alert.kind()).isEqualTo("command_failed");
            assertThat(alert.message()).contains("unreachable");
        });
        assertThat(size("web-1").ram()).isEqualTo(4096);
    }

    @Test
    void retryableAnswersAreRetriedExactlyMaxAttemptsTimes() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "{\"error\": \"storage is unavailable now\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        open(Duration.ofMillis(10), Optional.empty(), FAST,
                Optional.of(URI.create("http://127.0.0.1:" + stub.getAddress().getPort())));
        Action a = start("web-1", RAM_UP);

        executor.execute(a);

        Action done = awaitFinished(a.id());
        assertThat(done.status()).isEqualTo(ActionStatus.FAILED);
        assertThat(done.error()).contains("storage is unavailable now");
        assertThat(requests.get()).isEqualTo(FAST.maxAttempts());
    }

    @Test
    void aRetriedCommandSaysSoOnceAtInfoAndThenAtDebug() throws IOException {
        stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", exchange -> {
            byte[] body = "{\"error\": \"operation x is in progress on instance 'web-1'\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger(CommandExecutor.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        ch.qos.logback.classic.Level before = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        logger.addAppender(events);
        try {
            open(Duration.ofMillis(10), Optional.empty(), FAST,
                    Optional.of(URI.create("http://127.0.0.1:" + stub.getAddress().getPort())));
            Action a = start("web-1", RAM_UP);
            executor.execute(a);
            awaitFinished(a.id());
        } finally {
            logger.detachAppender(events);
            logger.setLevel(before);
        }
        List<ch.qos.logback.classic.spi.ILoggingEvent> retries = events.list.stream()
                .filter(e -> e.getFormattedMessage().contains("trying again")).toList();
        assertThat(retries.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO))
                .as("said once at INFO").hasSize(1);
        assertThat(retries.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.DEBUG))
                .as("the further retries at DEBUG").hasSize(FAST.maxAttempts() - 2);
    }

    @Test
    void pendingActionWhoseCommandWasAlreadySentIsResumedWithTheSameKeyAndResizesOnce() {
        open(Duration.ofMillis(10));
        Action a = start("web-1", RAM_UP);
        // The previous run planned the command and sent it, then crashed before recording the operation.
        actionLog.plan(a.id(), 4096, 5120);
        String sent = directClient().resize("web-1", Component.RAM, 5120, "action-" + a.id());
        await().atMost(WAIT).until(() -> size("web-1").ram() == 5120);

        executor.resumeUnfinished();

        Action done = awaitFinished(a.id());
        assertThat(done.status()).isEqualTo(ActionStatus.SUCCEEDED);
        assertThat(done.operation()).isEqualTo(sent);
        assertThat(done.fromValue()).isEqualTo(4096);
        assertThat(done.toValue()).isEqualTo(5120);
        assertThat(size("web-1").ram()).isEqualTo(5120);
        assertThat(operationsOn("web-1")).isEqualTo(1);
    }

    @Test
    void pendingActionNeverSentIsSentOnResume() {
        open(Duration.ofMillis(10));
        Action a = start("web-1", RAM_UP);

        executor.resumeUnfinished();

        Action done = awaitFinished(a.id());
        assertThat(done.status()).isEqualTo(ActionStatus.SUCCEEDED);
        assertThat(size("web-1").ram()).isEqualTo(5120);
        assertThat(operationsOn("web-1")).isEqualTo(1);
    }

    @Test
    void aManagerGainingPartitionsResumesOnlyTheActionsOfTheirInstances() {
        open(Duration.ofMillis(10));
        Action ours = start("web-1", RAM_UP);
        Action theirs = start("web-2", RAM_UP);

        executor.resumeUnfinished(instance -> instance.equals("web-1"));

        assertThat(awaitFinished(ours.id()).status()).isEqualTo(ActionStatus.SUCCEEDED);
        assertThat(actionLog.get(theirs.id()).orElseThrow().status()).isEqualTo(ActionStatus.PENDING);
        assertThat(operationsOn("web-2")).isZero();
    }

    @Test
    void runningActionIsPolledToItsEndOnResume() {
        open(Duration.ofHours(1));
        Action a = start("web-1", RAM_UP);
        actionLog.plan(a.id(), 4096, 5120);
        String operation = directClient().resize("web-1", Component.RAM, 5120, "action-" + a.id());
        actionLog.markRunning(a.id(), operation);
        await().atMost(WAIT).until(() -> simulator.resizesInProgress() == 1);

        executor.resumeUnfinished();
        await().atMost(WAIT).until(() -> directClient().operation(operation).status() == OperationStatus.RUNNING);
        assertThat(actionLog.get(a.id()).orElseThrow().status()).isEqualTo(ActionStatus.RUNNING);
        simulator.finishResizesInProgress();

        Action done = awaitFinished(a.id());
        assertThat(done.status()).isEqualTo(ActionStatus.SUCCEEDED);
        assertThat(done.operation()).isEqualTo(operation);
        assertThat(size("web-1").ram()).isEqualTo(5120);
        assertThat(operationsOn("web-1")).isEqualTo(1);
    }

    @Test
    void operationWithoutResultWithinTheActionTimeoutFailsTheAction() {
        open(Duration.ofHours(1));
        Action a = start("web-1", RAM_UP);

        executor.execute(a);
        await().atMost(WAIT).until(() -> actionLog.get(a.id()).orElseThrow().status() == ActionStatus.RUNNING);
        clock.advance(FAST.actionTimeout().plusSeconds(1));

        Action done = awaitFinished(a.id());
        assertThat(done.status()).isEqualTo(ActionStatus.FAILED);
        assertThat(done.error()).contains("still running after 15 minutes");
        assertThat(awaitAlerts("web-1")).singleElement()
                .satisfies(alert -> assertThat(alert.kind()).isEqualTo("command_failed"));
    }

    @Test
    void actionFinishedElsewhereIsLeftAlone() {
        open(Duration.ofMillis(10));
        Action a = start("web-1", RAM_UP);
        actionLog.finish(a.id(), ActionStatus.FAILED, "finished by another manager");

        executor.execute(a);
        Action other = start("web-2", RAM_UP);
        executor.execute(other);
        awaitFinished(other.id());

        assertThat(actionLog.get(a.id()).orElseThrow().error()).isEqualTo("finished by another manager");
        assertThat(operationsOn("web-1")).isZero();
        assertThat(size("web-1").ram()).isEqualTo(4096);
    }
}
