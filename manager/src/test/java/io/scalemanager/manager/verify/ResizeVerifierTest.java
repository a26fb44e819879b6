package io.scalemanager.manager.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
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
import io.scalemanager.manager.alert.AlertOutbox;
import io.scalemanager.manager.alert.config.AlertsConfig;
import io.scalemanager.manager.command.ActionFinisher;
import io.scalemanager.manager.command.CommandExecutor;
import io.scalemanager.manager.command.CommandSettings;
import io.scalemanager.manager.command.InstanceApiClient;
import io.scalemanager.manager.decision.LatestOutcomes;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.fleet.FleetListing;
import io.scalemanager.manager.fleet.FleetTimeouts;
import io.scalemanager.manager.fleet.InstanceSizes;
import io.scalemanager.manager.http.ManagerRoutes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Checked resizes against a real instance API (simulator provider) over HTTP on loopback: the "VM" is the test,
 * reporting its size into the manager's fleet view as the demo's simulated VMs do.
 */
class ResizeVerifierTest {
    /** Changes always need a token, also on loopback (CONTRACT.md, "Access"). */
    static final String TOKEN = "manager-test-token";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Change RAM_UP = new Change(Component.RAM, ChangeMode.REL, 1024);
    private static final Duration COOLDOWN = Duration.ofMinutes(10);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Fleet fleet = new Fleet();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Database database;
    private SimulatorProvider simulator;
    private OperationService operations;
    private ApiServer instanceApi;
    private ApiServer managerApi;
    private ActionLog actionLog;
    private AlertLog alerts;
    private ResizeVerifier verifier;
    private CommandExecutor executor;
    private long nextSeq = 1;

    @BeforeEach
    void open() {
        database = TestDatabases.h2File(dir);
        simulator = new SimulatorProvider(database, new SimulatorSettings(SimulatorSettings.DEFAULT_SIZE,
                Duration.ZERO, Optional.empty()), i -> true, Set.of());
        operations = new OperationService(new OperationStore(database), simulator, () -> Limits.NONE, clock, registry,
                new OperationSettings(4, Duration.ZERO)).start();
        instanceApi = new ApiServer(new HttpSettings("127.0.0.1", 0, 1_000_000, Optional.of(TOKEN)), registry)
                .add(new InstanceApiRoutes(operations, simulator, Duration.ofSeconds(10))).start();
        actionLog = new ActionLog(database.dataSource(), clock);
        // With its outbox, which keeps each problem's state: open until resolved.
        alerts = new AlertLog(database.dataSource(), clock, new AlertOutbox(database.dataSource(), clock,
                new AlertsConfig(List.of(), List.of(), Duration.ZERO, Duration.ofHours(4), Duration.ofMinutes(5),
                        Duration.ofSeconds(60))));
        InstanceApiClient client = new InstanceApiClient(() -> URI.create("http://127.0.0.1:" + instanceApi.port()),
                Optional.of(TOKEN), Duration.ofSeconds(5));
        ActionFinisher finisher = ActionFinisher.withLockCache(actionLog, alerts, new ActionLocks(), clock, registry);
        verifier = new ResizeVerifier(actionLog, finisher, alerts,
                instance -> fleet.get(instance).map(Fleet.InstanceView::values), client::size,
                rule -> Duration.ofMinutes(5), clock, registry);
        verifier.start(Duration.ofMillis(50));
        executor = new CommandExecutor(actionLog, finisher, client, () -> Limits.NONE, clock,
                new CommandSettings(Duration.ofMillis(20), Duration.ofMillis(20), 3, Duration.ofMinutes(15)),
                Optional.of(verifier));
        managerApi = new ApiServer(new HttpSettings("127.0.0.1", 0, 1_000_000, Optional.of(TOKEN)), registry)
                .add(new ManagerRoutes(actionLog, alerts, new FleetListing(fleet,
                        new InstanceSizes(client::sourcedSizeAsync, Duration.ZERO, 8, clock), new LatestOutcomes(),
                        Optional.empty(), FleetTimeouts.DEFAULTS), Optional.of(finisher)))
                .start();
    }

    @AfterEach
    void close() {
        for (AutoCloseable c : new AutoCloseable[] {executor, verifier, managerApi, instanceApi, operations, database}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    /** The VM's own report of a value, as its agent would send it. */
    private void report(String instance, String type, double value) {
        fleet.record(new Event(nextSeq++, new State(instance, type, value, clock.millis())));
    }

    /** What a guest shows of its memory: a little less than it was given, as the kernel keeps some back. */
    private void reportRamOf(String instance, long givenMb) {
        report(instance, "ram_total_mb", Math.round(givenMb * 0.97));
    }

    private Action resize(String instance) {
        StartResult result = actionLog.start(new NewAction("ram-up", RAM_UP, "ram > 80 for 5m, latest 91", COOLDOWN,
                new Event(nextSeq++, new State(instance, "ram", 91, clock.millis()))));
        assertThat(result).isInstanceOf(StartResult.Started.class);
        Action a = ((StartResult.Started) result).action();
        executor.execute(a);
        return a;
    }

    private ActionStatus statusOf(long id) {
        return actionLog.get(id).orElseThrow().status();
    }

    private boolean lockHeld(String instance) {
        StartResult second = actionLog.start(new NewAction("ram-up-again", RAM_UP, "ram > 80", COOLDOWN,
                new Event(nextSeq++, new State(instance, "ram", 92, clock.millis()))));
        return second instanceof StartResult.Blocked;
    }

    private HttpResponse<String> release(long id) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managerApi.port()
                + "/v1/actions/" + id + "/release")).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private boolean unverifiedProblemResolved(String instance) throws Exception {
        try (var c = database.connection(); var ps = c.prepareStatement("SELECT resolved_at FROM alert_state "
                + "WHERE instance = ? AND kind = 'unverified'")) {
            ps.setString(1, instance);
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the unverified problem of " + instance).isTrue();
                return rs.getObject(1) != null;
            }
        }
    }

    private JsonNode actionOverHttp(long id) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managerApi.port()
                + "/v1/actions?instance=" + actionLog.get(id).orElseThrow().instance())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode a : json.readTree(body).get("actions")) {
            if (a.get("id").asLong() == id) {
                return a;
            }
        }
        throw new AssertionError("action " + id + " not listed: " + body);
    }

    @Test
    void aVmThatReportsItsNewSizeIsVerifiedByItsOwnReports() throws Exception {
        reportRamOf("web-1", 4096);
        Action a = resize("web-1");
        await().atMost(WAIT).until(() -> statusOf(a.id()) == ActionStatus.VERIFYING);
        assertThat(simulator.currentSize("web-1").orElseThrow().ram()).isEqualTo(5120);
        // The provider is done, but the VM still shows its old size: the action waits, the lock held.
        verifier.checkAll();
        assertThat(statusOf(a.id())).isEqualTo(ActionStatus.VERIFYING);
        assertThat(lockHeld("web-1")).isTrue();

        reportRamOf("web-1", 5120);
        await().atMost(WAIT).until(() -> statusOf(a.id()) == ActionStatus.SUCCEEDED);
        JsonNode listed = actionOverHttp(a.id());
        assertThat(listed.get("status").asText()).isEqualTo("succeeded");
        assertThat(listed.get("verified_by").asText()).isEqualTo("instance");
        assertThat(listed.get("verified_at").asLong()).isEqualTo(clock.millis() / 1000);
        assertThat(listed.get("rollback_of").isNull()).isTrue();
        assertThat(alerts.list(Optional.of("web-1"), 10)).isEmpty();
    }

    @Test
    void aResizeAcceptedButNotAppliedIsUnverifiedWithAnAlertAndKeepsItsLockUntilReleased() throws Exception {
        simulator.acceptButNotApply("web-2");
        reportRamOf("web-2", 4096);
        Action a = resize("web-2");
        await().atMost(WAIT).until(() -> statusOf(a.id()) == ActionStatus.VERIFYING);

        clock.advance(Duration.ofMinutes(4));
        verifier.checkAll();
        assertThat(statusOf(a.id())).isEqualTo(ActionStatus.VERIFYING);
        clock.advance(Duration.ofMinutes(2));
        await().atMost(WAIT).until(() -> statusOf(a.id()) == ActionStatus.UNVERIFIED);

        List<Alert> raised = alerts.list(Optional.of("web-2"), 10);
        assertThat(raised).hasSize(1);
        assertThat(raised.get(0).kind()).isEqualTo("unverified");
        assertThat(raised.get(0).message()).contains("web-2: ram resized to 5120 MiB at 2026-12-06T12:00:00Z",
                "still reports 3973 MiB", "/v1/actions/" + a.id() + "/release");
        // Several cooldowns later the lock is still held: no second resize of a VM that never grew.
        clock.advance(COOLDOWN.multipliedBy(3));
        verifier.checkAll();
        assertThat(lockHeld("web-2")).isTrue();
        assertThat(alerts.list(Optional.of("web-2"), 10)).hasSize(1);

        assertThat(unverifiedProblemResolved("web-2")).isFalse();
        HttpResponse<String> released = release(a.id());
        assertThat(released.statusCode()).isEqualTo(200);
        // Released: it ends failed (the size was never seen), says so, and raises no alert of its own.
        JsonNode ended = json.readTree(released.body());
        assertThat(ended.get("status").asText()).isEqualTo("failed");
        assertThat(ended.get("finished_at").isNull()).isFalse();
        assertThat(ended.get("refused_by").isNull()).isTrue();
        assertThat(ended.get("error").asText()).contains("still reports 3973 MiB", "released by an operator",
                "while it was unverified");
        assertThat(alerts.list(Optional.of("web-2"), 10)).hasSize(1);
        assertThat(unverifiedProblemResolved("web-2")).isTrue(); // the alert that asked for the release is over
        assertThat(actionLog.awaitingSize()).isEmpty();
        // The size showing after the release changes nothing: the action has ended.
        reportRamOf("web-2", 5120);
        verifier.checkAll();
        assertThat(statusOf(a.id())).isEqualTo(ActionStatus.FAILED);
        // The cooldown runs from the release, then the component is free.
        assertThat(lockHeld("web-2")).isTrue();
        clock.advance(COOLDOWN.plusSeconds(1));
        StartResult next = actionLog.start(new NewAction("ram-up", RAM_UP, "ram > 80", COOLDOWN,
                new Event(nextSeq++, new State("web-2", "ram", 93, clock.millis()))));
        assertThat(next).isInstanceOf(StartResult.Started.class);

        HttpResponse<String> again = release(a.id());
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("only an action awaiting its size");
        assertThat(release(999_999).statusCode()).isEqualTo(404);
    }

    @Test
    void anUnverifiedActionSucceedsOnceTheSizeShowsAfterAll() {
        reportRamOf("web-3", 4096);
        Action a = resize("web-3");
        await().atMost(WAIT).until(() -> statusOf(a.id()) == ActionStatus.VERIFYING);
        clock.advance(Duration.ofMinutes(6));
        await().atMost(WAIT).until(() -> statusOf(a.id()) == ActionStatus.UNVERIFIED);

        reportRamOf("web-3", 5120); // the guest brought the hot-plugged memory online late
        await().atMost(WAIT).until(() -> statusOf(a.id()) == ActionStatus.SUCCEEDED);
        assertThat(actionLog.get(a.id()).orElseThrow().verifiedBy()).isEqualTo("instance");
        assertThat(lockHeld("web-3")).isTrue(); // now the cooldown's, which the lock row tells apart
        clock.advance(COOLDOWN.plusSeconds(1));
        assertThat(lockHeld("web-3")).isFalse();
    }

    @Test
    void anInstanceThatDoesNotReportItsSizeIsVerifiedByTheProvidersReading() {
        report("old-agent-1", "ram", 91); // usage only: no ram_total_mb
        Action a = resize("old-agent-1");
        await().atMost(WAIT).until(() -> statusOf(a.id()) == ActionStatus.SUCCEEDED);
        Action done = actionLog.get(a.id()).orElseThrow();
        assertThat(done.verifiedBy()).isEqualTo("provider");
        assertThat(done.verifiedAtMs()).isNotNull();
    }

    @Test
    void aReportNearerTheOldSizeThanTheNewDoesNotCount() {
        assertThat(SizeReports.shows(Component.RAM, 3973, 4096L, 4352)).isFalse();
        assertThat(SizeReports.shows(Component.RAM, 4221, 4096L, 4352)).isTrue();
        assertThat(SizeReports.shows(Component.RAM, 4012, 4096L, 8192)).isFalse();
        // A shrink: the old size's report (above the new size) does not count, the new one's does.
        assertThat(SizeReports.shows(Component.RAM, 3973, 4096L, 3840)).isFalse();
        assertThat(SizeReports.shows(Component.RAM, 3725, 4096L, 3840)).isTrue();
        assertThat(SizeReports.shows(Component.CPU, 3, 2L, 4)).isFalse();
        assertThat(SizeReports.shows(Component.CPU, 4, 2L, 4)).isTrue();
        assertThat(SizeReports.shows(Component.STORAGE, 98.4, 50L, 100)).isTrue();
    }
}
