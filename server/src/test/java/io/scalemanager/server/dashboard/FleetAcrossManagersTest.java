package io.scalemanager.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Bounds;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.ResizePlan;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.dashboard.chart.InstanceCharts;
import io.scalemanager.dashboard.fleet.FleetSummary;
import io.scalemanager.dashboard.fleet.InstanceStatus;
import io.scalemanager.dashboard.http.DashboardApiRoutes;
import io.scalemanager.dashboard.rules.RuleActivity;
import io.scalemanager.history.jdbc.JdbcEventLog;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.ActionStatus;
import io.scalemanager.manager.actionlog.NewAction;
import io.scalemanager.manager.actionlog.StartResult;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.command.InstanceApiClient;
import io.scalemanager.manager.decide.Block;
import io.scalemanager.manager.decide.Outcome;
import io.scalemanager.manager.decision.DecisionLog;
import io.scalemanager.manager.decision.LatestOutcomes;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.fleet.FleetPeers;
import io.scalemanager.manager.fleet.FleetTimeouts;
import io.scalemanager.manager.fleet.InstanceSizes;
import io.scalemanager.manager.fleet.ManagerRoster;
import io.scalemanager.manager.pause.Pause;
import io.scalemanager.manager.rules.CurrentRuleset;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's fleet page ({@code GET /v1/fleet}) on two managers sharing one database, each knowing only its
 * own instances (as with Kafka partitions), over real HTTP: either manager shows the whole fleet, merged in the
 * page's order, with every status the page knows derived from the ActionLog and the latest decision outcomes.
 */
class FleetAcrossManagersTest {
    private static final FleetTimeouts TIMEOUTS = new FleetTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofSeconds(4));
    private static final Duration STOPPED_REPORTING_AFTER = Duration.ofMinutes(5);

    @TempDir
    Path dir;
    private final Clock clock = Clock.systemUTC();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Database database;
    private HttpServer instanceApi;
    private Ruleset rules;
    private Rule cpuUp;

    private record Member(Fleet fleet, LatestOutcomes latest, ApiServer server) {
        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + server.port() + path);
        }
    }

    @BeforeEach
    void start() throws Exception {
        database = TestDatabases.h2File(dir);
        rules = RulesetParser.parse("""
                rules:
                  - name: cpu-up
                    when: cpu > 90
                    for: 1m
                    cooldown: 10m
                    then: cpu +1
                """, "rules.yaml");
        cpuUp = rules.rules().get(0);
        // The instance API both managers ask for sizes: every instance has 2 cpus.
        instanceApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        instanceApi.createContext("/v1/instances/", exchange -> {
            String instance = exchange.getRequestURI().getPath().substring("/v1/instances/".length());
            byte[] body = ("{\"instance\":\"" + instance + "\",\"cpu\":2,\"ram\":2048,\"storage\":20,"
                    + "\"source\":\"provider\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        instanceApi.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        instanceApi.stop(0);
        database.close();
    }

    private Member member() throws IOException {
        Fleet fleet = new Fleet(type -> type.equals("cpu"));
        LatestOutcomes latest = new LatestOutcomes();
        ManagerRoster roster = new ManagerRoster(database.dataSource(), clock, Duration.ofSeconds(5));
        InstanceApiClient client = new InstanceApiClient(() -> URI.create("http://127.0.0.1:"
                + instanceApi.getAddress().getPort()), Optional.empty(), Duration.ofSeconds(2));
        ActionLog actionLog = new ActionLog(database.dataSource(), clock);
        FleetSummary summary = new FleetSummary(fleet, actionLog, latest, CurrentRuleset.of(rules),
                new InstanceSizes(client::sourcedSizeAsync, Duration.ofSeconds(30), 8, clock),
                Optional.of(new FleetPeers(roster, TIMEOUTS, FleetPeers.plainClient(TIMEOUTS))), TIMEOUTS,
                STOPPED_REPORTING_AFTER, clock);
        ApiServer server = new ApiServer(new HttpSettings("127.0.0.1", 0, 1 << 16, Optional.empty()),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .add(new DashboardApiRoutes(summary, new InstanceCharts(new JdbcEventLog(database.dataSource()),
                        fleet, actionLog, new AlertLog(database.dataSource(), clock), CurrentRuleset.of(rules)),
                        new RuleActivity(actionLog, new DecisionLog(database.dataSource()), CurrentRuleset.of(rules), false,
                                clock), clock))
                .start();
        toClose.add(server);
        toClose.add(roster);
        roster.join(URI.create("http://127.0.0.1:" + server.port()));
        return new Member(fleet, latest, server);
    }

    private static void report(Member m, String instance, double cpu, long atMs) {
        m.fleet().record(new Event(EventSequence.firstAt(atMs), new State(instance, "cpu", cpu, atMs)));
    }

    private Action start(String instance) {
        long now = clock.millis();
        StartResult r = new ActionLog(database.dataSource(), clock).start(new NewAction("cpu-up",
                new Change(Component.CPU, ChangeMode.REL, 1), "cpu 95 > 90 for 1m", Duration.ofMinutes(10),
                new Event(EventSequence.firstAt(now), new State(instance, "cpu", 95, now)), List.of()));
        return ((StartResult.Started) r).action();
    }

    private JsonNode get(URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private static Map<String, String> statuses(JsonNode page) {
        Map<String, String> byId = new LinkedHashMap<>();
        page.path("instances").forEach(r -> byId.put(r.path("instance").asText(), r.path("status").asText()));
        return byId;
    }

    /**
     * Ten instances, odd ones on manager a, even ones on b, one in each status the fleet page knows (vm-01 ok).
     */
    private List<Member> fleetInEveryStatus() throws Exception {
        Member a = member();
        Member b = member();
        long now = clock.millis();
        for (int i = 1; i <= 10; i++) {
            report(i % 2 == 1 ? a : b, String.format("vm-%02d", i), 50 + i, i == 9 ? now - 3_600_000 : now);
        }
        Action running = start("vm-02");
        Action cooled = start("vm-03");
        new ActionLog(database.dataSource(), clock).finish(cooled.id(), ActionStatus.SUCCEEDED, null);
        Action restart = start("vm-04");
        // needs_restart is written by the checked resizes' provider step; here straight into the shared ActionLog.
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE action_log SET status = 'needs_restart' WHERE id = ?")) {
            ps.setLong(1, restart.id());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        long at = now + 1000;
        a.latest().record("vm-05", new Outcome.Blocked(cpuUp, at, new Block(Block.Kind.RUNNING, 77L, "cpu-down",
                Long.MAX_VALUE)));
        b.latest().record("vm-06", new Outcome.Paused(cpuUp, at, new Pause(1, InstancePattern.parse("vm-06"), "*",
                now + 3_600_000, "maintenance", now, "test"), true));
        // A schedule's dry run: an outcome of no rule, named by the schedule.
        a.latest().record("vm-07", new Outcome.WouldFire("morning", null, at, "schedule morning (07:30 UTC)",
                new ResizePlan.Resize(Component.CPU, 2, 3), null, "set cpu to 3"));
        b.latest().record("vm-08", new Outcome.AtLimit(cpuUp, at, new ResizePlan.Unchanged(
                new Change(Component.CPU, ChangeMode.REL, 1), 4, 5, new Bounds(1, 4)), "vm-*", null));
        b.latest().record("vm-10", new Outcome.Fired(cpuUp, at, "cpu 95 > 90 for 1m", null));
        // An outcome with nothing fresh behind it says nothing: vm-01 stays ok.
        a.latest().record("vm-01", new Outcome.Fired(cpuUp, now - 3_600_000, "an hour ago", null));
        return List.of(a, b);
    }

    @Test
    void eitherManagerShowsTheWholeFleetWithEveryStatus() throws Exception {
        List<Member> members = fleetInEveryStatus();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("vm-01", "ok");
        expected.put("vm-02", "firing");
        expected.put("vm-03", "cooling_down");
        expected.put("vm-04", "needs_restart");
        expected.put("vm-05", "blocked");
        expected.put("vm-06", "paused");
        expected.put("vm-07", "dry_run");
        expected.put("vm-08", "at_limit");
        expected.put("vm-09", "stopped_reporting");
        expected.put("vm-10", "firing");
        for (Member m : members) {
            JsonNode page = get(m.uri("/v1/fleet?size=50"));
            assertThat(statuses(page)).containsExactlyEntriesOf(expected);
            assertThat(page.path("total").asInt()).isEqualTo(10);
            assertThat(page.path("managers").asInt()).isEqualTo(2);
            assertThat(page.path("unanswered")).isEmpty();
            assertThat(page.path("statuses").path("firing").asInt()).isEqualTo(2);
            assertThat(page.path("statuses").path("ok").asInt()).isEqualTo(1);
            // Every row in full, the other manager's too: size, sparkline, last action.
            page.path("instances").forEach(r -> {
                assertThat(r.path("size").path("cpu").asLong()).as("size of %s", r.path("instance")).isEqualTo(2);
                assertThat(r.path("sparklines").path("cpu").isArray()).as("sparkline of %s", r.path("instance"))
                        .isTrue();
            });
        }
        JsonNode fromA = get(members.get(0).uri("/v1/fleet?size=50"));
        assertThat(fromA.path("instances").get(3).path("last_action").path("status").asText())
                .isEqualTo("needs_restart");
        assertThat(fromA.path("instances").get(2).path("last_action").path("status").asText())
                .isEqualTo("succeeded");
        assertThat(fromA.path("instances").get(0).path("last_action").isNull()).isTrue();
        assertThat(fromA.path("instances").get(4).path("status_why").asText())
                .contains("cpu-up").contains("action 77");
        assertThat(fromA.path("instances").get(5).path("status_why").asText()).contains("maintenance");
        assertThat(fromA.path("instances").get(6).path("status_why").asText())
                .isEqualTo("morning: would resize cpu 2 → 3 (dry run): schedule morning (07:30 UTC)");
    }

    @Test
    void pagesSortsAndFiltersAcrossManagers() throws Exception {
        List<Member> members = fleetInEveryStatus();
        for (Member m : members) {
            assertThat(statuses(get(m.uri("/v1/fleet?size=3&page=1"))).keySet())
                    .containsExactly("vm-04", "vm-05", "vm-06");
            assertThat(statuses(get(m.uri("/v1/fleet?size=4&page=2"))).keySet()).containsExactly("vm-09", "vm-10");
            assertThat(statuses(get(m.uri("/v1/fleet?sort=value:cpu&order=desc&size=3"))).keySet())
                    .containsExactly("vm-10", "vm-09", "vm-08");
            assertThat(statuses(get(m.uri("/v1/fleet?sort=status&size=4"))).keySet())
                    .containsExactly("vm-09", "vm-04", "vm-02", "vm-10");
            JsonNode paused = get(m.uri("/v1/fleet?status=paused"));
            assertThat(statuses(paused)).containsExactly(Map.entry("vm-06", "paused"));
            assertThat(paused.path("total").asInt()).isEqualTo(1);
            assertThat(paused.path("statuses").path("paused").asInt()).isEqualTo(1);
            assertThat(statuses(get(m.uri("/v1/fleet?instances=vm-1*"))).keySet()).containsExactly("vm-10");
            JsonNode last = get(m.uri("/v1/fleet?page=4294967&size=500"));
            assertThat(last.path("instances")).as("the deepest page there can be").isEmpty();
            assertThat(last.path("total").asInt()).isEqualTo(10);
            assertThat(last.path("unanswered")).isEmpty();
        }
    }

    @Test
    void aManagerThatDoesNotAnswerIsNamedAndTheRestIsShown() throws Exception {
        List<Member> members = fleetInEveryStatus();
        URI dead = members.get(1).uri("");
        members.get(1).server().close();

        JsonNode page = get(members.get(0).uri("/v1/fleet"));
        assertThat(statuses(page).keySet()).containsExactly("vm-01", "vm-03", "vm-05", "vm-07", "vm-09");
        assertThat(page.path("managers").asInt()).isEqualTo(1);
        assertThat(page.path("unanswered")).singleElement()
                .satisfies(u -> assertThat(u.path("manager").asText()).isEqualTo(dead.toString()));
    }

    @Test
    void aManagersShareIsItsOwnInstancesFromAnOffsetBrieflyOrInFull() throws Exception {
        List<Member> members = fleetInEveryStatus();
        JsonNode brief = get(members.get(1).uri("/v1/fleet?scope=local&offset=1&limit=2&brief=true"));
        assertThat(brief.path("total").asInt()).isEqualTo(5);
        assertThat(statuses(brief).keySet()).containsExactly("vm-04", "vm-06");
        assertThat(brief.path("instances").get(0).path("size").isNull()).isTrue();
        JsonNode full = get(members.get(1).uri("/v1/fleet?scope=local&offset=1&limit=2"));
        assertThat(full.path("instances").get(0).path("size").path("cpu").asLong()).isEqualTo(2);

        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(members.get(1)
                .uri("/v1/fleet?scope=everything")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(bad.body()).path("details").get(0).path("field").asText())
                .isEqualTo("scope");
    }

    /**
     * Pages of a random fleet of 1,200 instances on two managers equal the brute-force answer: every row both
     * managers have (their shares in full) filtered by glob and status, sorted by the documented order (the key,
     * then the id; no value last) and cut into pages, for every sort, both directions and several filters; the
     * totals and the counts per status too.
     */
    @Test
    void everyPageEqualsTheBruteForceOrderOfARandomFleet() throws Exception {
        Member a = member();
        Member b = member();
        Random random = new Random(19);
        long now = clock.millis();
        String[] prefixes = {"web", "db", "vm"};
        for (int i = 0; i < 1200; i++) {
            Member m = random.nextBoolean() ? a : b;
            String id = prefixes[random.nextInt(prefixes.length)] + "-" + random.nextInt(1000) + "-" + i;
            // Few distinct times and values, so that many rows tie on the key and the id decides.
            long at = random.nextInt(10) == 0 ? now - 3_600_000 : now - random.nextInt(5) * 1000L;
            m.fleet().record(new Event(EventSequence.firstAt(at), new State(id, "ram", random.nextInt(7), at)));
            if (random.nextInt(4) != 0) {
                report(m, id, random.nextInt(9), at);
            }
            switch (random.nextInt(8)) {
                case 0 -> m.latest().record(id, new Outcome.Paused(cpuUp, now, new Pause(1, InstancePattern.parse(id),
                        "*", now + 3_600_000, "maintenance", now, "test"), true));
                case 1 -> m.latest().record(id, new Outcome.WouldFire(cpuUp, now, "cpu 95 > 90 for 1m",
                        new ResizePlan.Resize(Component.CPU, 2, 3), null));
                case 2 -> m.latest().record(id, new Outcome.Fired(cpuUp, now, "cpu 95 > 90 for 1m", null));
                case 3 -> m.latest().record(id, new Outcome.Blocked(cpuUp, now, new Block(Block.Kind.RUNNING, 77L,
                        "cpu-down", Long.MAX_VALUE)));
                default -> {
                    // ok, or stopped reporting when last seen an hour ago
                }
            }
        }
        List<JsonNode> everyRow = new ArrayList<>();
        for (Member m : List.of(a, b)) {
            get(m.uri("/v1/fleet?scope=local&limit=1000000&brief=true")).path("instances").forEach(everyRow::add);
        }
        assertThat(everyRow).hasSize(1200);
        assertThat(everyRow.stream().map(r -> r.path("status").asText()).distinct())
                .contains("ok", "paused", "dry_run", "firing", "blocked", "stopped_reporting");

        int size = 37;
        for (String sort : List.of("instance", "last_seen", "status", "value:cpu")) {
            for (String order : List.of("asc", "desc")) {
                for (String filter : List.of("", "&instances=web-*", "&status=paused", "&instances=db-1*&status=ok")) {
                    String query = "/v1/fleet?sort=" + sort + "&order=" + order + filter + "&size=" + size;
                    List<JsonNode> matching = everyRow.stream()
                            .filter(r -> !filter.contains("instances=") || r.path("instance").asText().startsWith(
                                    filter.substring(filter.indexOf("instances=") + 10, filter.indexOf('*'))))
                            .toList();
                    List<String> expected = matching.stream()
                            .filter(r -> !filter.contains("status=") || r.path("status").asText().equals(
                                    filter.substring(filter.indexOf("status=") + 7)))
                            .sorted(bruteForceOrder(sort, order.equals("desc")))
                            .map(r -> r.path("instance").asText()).toList();
                    int last = (expected.size() - 1) / size;
                    for (int page : new TreeSet<>(List.of(0, 1, last / 2, last, last + 1))) {
                        JsonNode answer = get(a.uri(query + "&page=" + page));
                        assertThat(statuses(answer).keySet()).as(query + "&page=" + page)
                                .containsExactlyElementsOf(expected.subList(Math.min(expected.size(), page * size),
                                        Math.min(expected.size(), (page + 1) * size)));
                        assertThat(answer.path("total").asInt()).as(query).isEqualTo(expected.size());
                        for (InstanceStatus status : InstanceStatus.values()) {
                            assertThat(answer.path("statuses").path(status.wireName()).asLong()).as(query)
                                    .isEqualTo(matching.stream().filter(r -> r.path("status").asText()
                                            .equals(status.wireName())).count());
                        }
                    }
                    // One manager's own share from an offset: the same order over its instances alone.
                    List<String> own = new ArrayList<>();
                    get(b.uri(query.replace("/v1/fleet?", "/v1/fleet?scope=local&limit=1000000&brief=true&")))
                            .path("instances").forEach(r -> own.add(r.path("instance").asText()));
                    JsonNode share = get(b.uri(query.replace("/v1/fleet?", "/v1/fleet?scope=local&offset=5&limit=20&")));
                    assertThat(statuses(share).keySet()).as(query).containsExactlyElementsOf(
                            own.subList(Math.min(own.size(), 5), Math.min(own.size(), 25)));
                    assertThat(own).as(query).isEqualTo(expected.stream().filter(own::contains).toList());
                }
            }
        }
    }

    /** The fleet page's order as documented, over rows as the API gives them. */
    private static Comparator<JsonNode> bruteForceOrder(String sort, boolean descending) {
        Comparator<JsonNode> byId = Comparator.comparing(r -> r.path("instance").asText());
        if (sort.startsWith("value:")) {
            String type = sort.substring("value:".length());
            Comparator<Double> values = descending ? Comparator.reverseOrder() : Comparator.naturalOrder();
            Function<JsonNode, Double> value = r -> r.path("values").has(type)
                    ? r.path("values").path(type).asDouble() : null;
            return Comparator.comparing(value, Comparator.nullsLast(values)).thenComparing(byId);
        }
        List<String> statusOrder = Arrays.stream(InstanceStatus.values()).map(InstanceStatus::wireName).toList();
        Comparator<JsonNode> order = switch (sort) {
            case "last_seen" -> Comparator.comparing((JsonNode r) -> r.path("last_seen").decimalValue())
                    .thenComparing(byId);
            case "status" -> Comparator.comparing((JsonNode r) -> statusOrder.indexOf(r.path("status").asText()))
                    .thenComparing(byId);
            default -> byId;
        };
        return descending ? order.reversed() : order;
    }
}
