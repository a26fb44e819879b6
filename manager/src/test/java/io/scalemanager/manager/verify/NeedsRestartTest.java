package io.scalemanager.manager.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.Counter;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.access.TokenFile;
import io.scalemanager.core.audit.AuditLog;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.core.time.MutableClock;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.instanceapi.http.InstanceApiRoutes;
import io.scalemanager.instanceapi.operation.OperationService;
import io.scalemanager.instanceapi.operation.OperationSettings;
import io.scalemanager.instanceapi.operation.OperationStore;
import io.scalemanager.instanceapi.provider.libvirt.LibvirtProvider;
import io.scalemanager.instanceapi.provider.libvirt.LibvirtSettings;
import io.scalemanager.instanceapi.provider.libvirt.TestDomains;
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
import io.scalemanager.manager.command.SizeCheck;
import io.scalemanager.manager.decision.LatestOutcomes;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.fleet.FleetListing;
import io.scalemanager.manager.fleet.FleetTimeouts;
import io.scalemanager.manager.fleet.InstanceSizes;
import io.scalemanager.manager.http.ManagerRoutes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * "Needs a restart" with libvirt's test driver behind a real instance API on loopback: a cpu change above the
 * domain's live maximum is stored in its config only; the action waits in needs_restart, locked, until the VM
 * (the test, reporting as an agent would) shows the new count after a restart.
 */
@EnabledIf(value = "io.scalemanager.core.process.Installed#virsh",
        disabledReason = "needs virsh: apt-get install libvirt-clients (.ci/run does)")
class NeedsRestartTest {
    /** Changes always need a token, also on loopback (CONTRACT.md, "Access"). */
    private static final String TOKEN = "manager-test-token";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Change CPU_UP = new Change(Component.CPU, ChangeMode.REL, 1);
    private static final Duration COOLDOWN = Duration.ofMinutes(10);
    private static final String READ_TOKEN = "read-token-0123456789";
    private static final String OPERATE_TOKEN = "operate-token-0123456789";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Fleet fleet = new Fleet();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Database database;
    private LibvirtProvider libvirt;
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
        libvirt = new LibvirtProvider(new LibvirtSettings("test:///default", "{instance}", Optional.of("vda"), "virsh",
                Duration.ofSeconds(20)));
        operations = new OperationService(new OperationStore(database), libvirt, () -> Limits.NONE, clock, registry,
                new OperationSettings(4, Duration.ZERO)).start();
        instanceApi = new ApiServer(new HttpSettings("127.0.0.1", 0, 1_000_000, Optional.of(TOKEN)), registry)
                .add(new InstanceApiRoutes(operations, libvirt, Duration.ofSeconds(10))).start();
        actionLog = new ActionLog(database.dataSource(), clock);
        alerts = new AlertLog(database.dataSource(), clock);
        InstanceApiClient client = new InstanceApiClient(() -> URI.create("http://127.0.0.1:" + instanceApi.port()),
                Optional.of(TOKEN), Duration.ofSeconds(5));
        ActionFinisher finisher = ActionFinisher.withLockCache(actionLog, alerts, new ActionLocks(), clock, registry);
        verifier = new ResizeVerifier(actionLog, finisher, alerts,
                instance -> fleet.get(instance).map(Fleet.InstanceView::values), client::size,
                rule -> Duration.ofMinutes(5), clock, registry);
        verifier.start(Duration.ofMillis(50));
        executor = new CommandExecutor(actionLog, finisher, client, () -> Limits.NONE, clock,
                new CommandSettings(Duration.ofMillis(20), Duration.ofMillis(20), 3, Duration.ofMinutes(15)),
                Optional.of(verifier),
                rule -> rule.endsWith("-live-only") ? RestartPolicy.NEVER : RestartPolicy.ALLOWED);
        managerApi = new ApiServer(new HttpSettings("127.0.0.1", 0, 1_000_000, Optional.empty()), registry)
                .add(new ManagerRoutes(actionLog, alerts, new FleetListing(fleet,
                        new InstanceSizes(client::sourcedSizeAsync, Duration.ZERO, 8, clock), new LatestOutcomes(),
                        Optional.empty(), FleetTimeouts.DEFAULTS), Optional.of(finisher)))
                .access(new Credentials(Optional.empty(), "api.token", Optional.of(tokens())),
                        new AuditLog(database.dataSource(), clock))
                .start();
    }

    @AfterEach
    void close() {
        for (AutoCloseable c : new AutoCloseable[] {executor, verifier, managerApi, instanceApi, operations, libvirt,
            database}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    /** A read token and an operate token, as an operator's tokens file would give them. */
    private TokenFile tokens() {
        try {
            Path file = dir.resolve("tokens.yaml");
            Files.writeString(file, "tokens:\n"
                    + "  - {name: viewer, sha256: " + Credentials.sha256Hex(READ_TOKEN) + ", scopes: [read]}\n"
                    + "  - {name: oncall, sha256: " + Credentials.sha256Hex(OPERATE_TOKEN) + ", scopes: [operate]}\n");
            return TokenFile.load(file);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The VM's own report of a value, as its agent would send it. */
    private void report(String instance, String type, double value) {
        fleet.record(new Event(nextSeq++, new State(instance, type, value, clock.millis())));
    }

    private Action resize(String instance) {
        return resize(instance, "cpu-up");
    }

    private Action resize(String instance, String rule) {
        StartResult result = actionLog.start(new NewAction(rule, CPU_UP, "cpu > 80 for 5m, latest 95", COOLDOWN,
                new Event(nextSeq++, new State(instance, "cpu", 95, clock.millis()))));
        assertThat(result).isInstanceOf(StartResult.Started.class);
        Action a = ((StartResult.Started) result).action();
        executor.execute(a);
        return a;
    }

    private ActionStatus statusOf(long id) {
        return actionLog.get(id).orElseThrow().status();
    }

    private boolean lockHeld(String instance) {
        StartResult second = actionLog.start(new NewAction("cpu-up", CPU_UP, "cpu > 80", COOLDOWN,
                new Event(nextSeq++, new State(instance, "cpu", 96, clock.millis()))));
        return second instanceof StartResult.Blocked;
    }

    private HttpResponse<String> release(long id, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managerApi.port()
                        + "/v1/actions/" + id + "/release")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private double checks(String result) {
        Counter c = registry.find(SizeCheck.METRIC).tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    private JsonNode actionOverHttp(long id) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managerApi.port()
                + "/v1/actions?instance=" + actionLog.get(id).orElseThrow().instance()))
                .header("Authorization", "Bearer " + READ_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode a : json.readTree(body).get("actions")) {
            if (a.get("id").asLong() == id) {
                return a;
            }
        }
        throw new AssertionError("action " + id + " not listed: " + body);
    }

    @Test
    void aChangeAboveTheLiveMaximumNeedsARestartKeepsTheLockAndSucceedsOnceTheVmShowsIt() throws Exception {
        // The domain may have 4 vcpus after a restart, 2 while it runs: 3 can only go into its config.
        TestDomains.raiseConfigMaximum(libvirt, "test", 4);
        report("test", "cpus", 2);
        Action a = resize("test");
        await().atMost(WAIT).until(() -> statusOf(a.id()) == ActionStatus.NEEDS_RESTART);
        JsonNode listed = actionOverHttp(a.id());
        assertThat(listed.get("status").asText()).isEqualTo("needs_restart");
        assertThat(listed.get("error").asText()).contains("needs a restart", "live maximum of 2 vcpus");
        // The alert and the counter follow the status: wait for them rather than read them at once.
        await().atMost(WAIT).until(() -> checks("needs_restart") == 1
                && !alerts.list(Optional.of("test"), 10).isEmpty());

        List<Alert> raised = alerts.list(Optional.of("test"), 10);
        assertThat(raised).hasSize(1);
        assertThat(raised.get(0).kind()).isEqualTo("needs_restart");
        assertThat(raised.get(0).message()).contains("test: cpu 2 → 3 cores is stored but takes effect at the next "
                + "restart", "restart the VM, or raise its live maximum");

        // The rule keeps holding for several cooldowns: no second action, no timeout turns it unverified.
        for (int i = 0; i < 3; i++) {
            clock.advance(COOLDOWN.plusMinutes(1));
            report("test", "cpus", 2);
            verifier.checkAll();
            assertThat(lockHeld("test")).isTrue();
        }
        assertThat(statusOf(a.id())).isEqualTo(ActionStatus.NEEDS_RESTART);
        assertThat(actionLog.list(Optional.of("test"), Optional.empty(), 10)).hasSize(1);

        // The restart: the test driver's domain comes back with the config's 3 vcpus, and the VM reports them.
        TestDomains.restart(libvirt, "test");
        assertThat(libvirt.currentSize("test").orElseThrow().cpu()).isEqualTo(3);
        report("test", "cpus", 3);
        await().atMost(WAIT).until(() -> statusOf(a.id()) == ActionStatus.SUCCEEDED);
        assertThat(actionLog.get(a.id()).orElseThrow().verifiedBy()).isEqualTo("instance");
        assertThat(checks("verified")).isEqualTo(1);
    }

    @Test
    void aRuleThatAllowsNoRestartFailsInsteadAndChangesNothing() {
        TestDomains.raiseConfigMaximum(libvirt, "test", 4);
        report("test", "cpus", 2);
        Action a = resize("test", "cpu-up-live-only");
        await().atMost(WAIT).until(() -> statusOf(a.id()) == ActionStatus.FAILED);
        assertThat(actionLog.get(a.id()).orElseThrow().error()).contains("would need a restart", "restart: never");
        // Not even the config: a restart later would not bring the change in behind the rule's back.
        assertThat(TestDomains.configVcpus(libvirt, "test")).isEqualTo(2);
        // The failure alert is raised just after the action is finished: wait for it, then check it is the only one.
        await().atMost(WAIT).until(() -> !alerts.list(Optional.of("test"), 10).isEmpty());
        List<Alert> raised = alerts.list(Optional.of("test"), 10);
        assertThat(raised).extracting(Alert::kind).containsExactly("command_failed");
        assertThat(checks("needs_restart")).isZero();
    }

    @Test
    void releasingAnActionThatAwaitsARestartNeedsTheOperateScope() throws Exception {
        TestDomains.raiseConfigMaximum(libvirt, "test", 4);
        report("test", "cpus", 2);
        Action a = resize("test");
        await().atMost(WAIT).until(() -> statusOf(a.id()) == ActionStatus.NEEDS_RESTART);

        HttpResponse<String> byReader = release(a.id(), READ_TOKEN);
        assertThat(byReader.statusCode()).isEqualTo(403);
        assertThat(byReader.body()).contains("does not have scope 'operate'");
        assertThat(lockHeld("test")).isTrue();

        HttpResponse<String> byOperator = release(a.id(), OPERATE_TOKEN);
        assertThat(byOperator.statusCode()).isEqualTo(200);
        // Ended: failed (the size was never seen), not left needs_restart for good where the cleaner never looks.
        assertThat(json.readTree(byOperator.body()).get("status").asText()).isEqualTo("failed");
        assertThat(json.readTree(byOperator.body()).get("error").asText()).contains("while it was needs_restart");
        assertThat(checks("released")).isEqualTo(1);
        clock.advance(COOLDOWN.plusSeconds(1));
        assertThat(lockHeld("test")).isFalse();
    }
}
