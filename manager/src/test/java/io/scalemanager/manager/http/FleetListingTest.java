package io.scalemanager.manager.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.net.LoopbackPorts;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.command.InstanceApiClient;
import io.scalemanager.manager.decide.Outcome;
import io.scalemanager.manager.decision.DecisionLog;
import io.scalemanager.manager.decision.LatestOutcomes;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.fleet.FleetListing;
import io.scalemanager.manager.fleet.FleetPeers;
import io.scalemanager.manager.fleet.FleetTimeouts;
import io.scalemanager.manager.fleet.InstanceSizes;
import io.scalemanager.manager.fleet.ManagerRoster;
import io.scalemanager.manager.rules.CurrentRuleset;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetException;
import io.scalemanager.manager.rules.RulesetParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Managers sharing the Kafka partitions each know their own instances; any of them lists the whole fleet by
 * asking the live members of the roster, over real HTTP, and names the ones that did not answer.
 */
class FleetListingTest {
    /** Short, so a dead manager is named quickly. */
    private static final FleetTimeouts TIMEOUTS = new FleetTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofSeconds(4));
    @TempDir
    Path dir;
    private final Clock clock = Clock.systemUTC();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Database database;

    private static final Ruleset RULES = rules("""
            rules:
              - name: ram-up
                instances: "web-*"
                when: ram > 90
                for: 5m
                then: ram +1024
            """);

    /** One manager's HTTP side: its own fleet and outcomes, the shared database, a roster membership. */
    private record Member(Fleet fleet, LatestOutcomes latest, ApiServer server, ManagerRoster roster) {
        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + server.port() + path);
        }
    }

    private static Ruleset rules(String yaml) {
        try {
            return RulesetParser.parse(yaml, "rules.yaml");
        } catch (RulesetException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void openDatabase() {
        database = TestDatabases.h2File(dir);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        database.close();
    }

    private Member member() throws IOException {
        Fleet fleet = new Fleet();
        LatestOutcomes latest = new LatestOutcomes();
        ManagerRoster roster = new ManagerRoster(database.dataSource(), clock, Duration.ofSeconds(5));
        // An instance API nobody answers at: sizes are left out (null), the listing still works.
        URI nobody = URI.create("http://127.0.0.1:" + LoopbackPorts.free());
        InstanceApiClient noInstanceApi = new InstanceApiClient(() -> nobody, Optional.empty(), Duration.ofSeconds(2));
        Optional<FleetPeers> peers = Optional.of(new FleetPeers(roster, TIMEOUTS, FleetPeers.plainClient(TIMEOUTS)));
        ApiServer server = new ApiServer(new HttpSettings("127.0.0.1", 0, 1 << 16, Optional.empty()),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .add(new DecisionRoutes(latest, new DecisionLog(database.dataSource()), CurrentRuleset.of(RULES),
                        fleet, peers, clock))
                .add(new ManagerRoutes(new ActionLog(database.dataSource(), clock),
                        new AlertLog(database.dataSource(), clock, null), new FleetListing(fleet,
                        new InstanceSizes(noInstanceApi::sourcedSizeAsync, Duration.ofSeconds(30), 8, clock),
                        latest, peers, TIMEOUTS), Optional.empty()))
                .start();
        toClose.add(server);
        toClose.add(roster);
        roster.join(URI.create("http://127.0.0.1:" + server.port()));
        return new Member(fleet, latest, server, roster);
    }

    private static void report(Fleet fleet, String instance, double ram) {
        long now = System.currentTimeMillis();
        fleet.record(new Event(EventSequence.firstAt(now), new State(instance, "ram", ram, now)));
    }

    private JsonNode get(URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private static List<String> ids(JsonNode listing) {
        List<String> ids = new ArrayList<>();
        listing.path("instances").forEach(i -> ids.add(i.path("instance").asText()));
        return ids;
    }

    @Test
    void eachManagerListsTheWholeFleetInIdOrderAndPages() throws Exception {
        Member a = member();
        Member b = member();
        report(a.fleet(), "web-1", 10);
        report(a.fleet(), "web-3", 30);
        report(b.fleet(), "web-2", 20);
        report(b.fleet(), "web-4", 40);

        for (Member m : List.of(a, b)) {
            JsonNode listing = get(m.uri("/v1/instances"));
            assertThat(ids(listing)).containsExactly("web-1", "web-2", "web-3", "web-4");
            assertThat(listing.path("managers").asInt()).isEqualTo(2);
            assertThat(listing.path("unanswered")).isEmpty();
        }
        assertThat(get(a.uri("/v1/instances")).path("instances").get(1).path("values").path("ram").asDouble())
                .as("a peer's instance with its values").isEqualTo(20);
        assertThat(ids(get(a.uri("/v1/instances?scope=local")))).containsExactly("web-1", "web-3");
        assertThat(ids(get(b.uri("/v1/instances?limit=2")))).containsExactly("web-1", "web-2");
        assertThat(ids(get(b.uri("/v1/instances?after=web-2&limit=2")))).containsExactly("web-3", "web-4");
    }

    @Test
    void anyManagerAnswersWhyForAnInstanceAnotherManagerDecidesAndListsItsMostPressingOutcome() throws Exception {
        Member a = member();
        Member b = member();
        report(b.fleet(), "web-2", 95);
        long at = System.currentTimeMillis() + 1500;
        b.latest().record("web-2", new Outcome.Fired(RULES.rules().get(0), at, "ram 95 > 90 for 5m", 7L));

        JsonNode why = get(a.uri("/v1/instances/web-2/why"));
        assertThat(why.path("instance").asText()).isEqualTo("web-2");
        assertThat(why.path("rules")).singleElement().satisfies(r -> {
            assertThat(r.path("rule").asText()).isEqualTo("ram-up");
            assertThat(r.path("outcome").asText()).isEqualTo("fired");
            assertThat(r.path("action").asLong()).isEqualTo(7);
        });
        String body = http.send(HttpRequest.newBuilder(a.uri("/v1/instances/web-2/why")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(body).as("epoch seconds passed on without an exponent")
                .contains("\"at\":" + java.math.BigDecimal.valueOf(at, 3).stripTrailingZeros().toPlainString());
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(a.uri("/v1/instances/web-9/why")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);

        JsonNode outcome = get(a.uri("/v1/instances")).path("instances").get(0).path("outcome");
        assertThat(outcome.path("rule").asText()).isEqualTo("ram-up");
        assertThat(outcome.path("outcome").asText()).isEqualTo("fired");
    }

    @Test
    void anInstanceSeenByTwoManagersWhileItsPartitionMovesIsListedOnceWithTheNewestValues() throws Exception {
        Member a = member();
        Member b = member();
        report(a.fleet(), "web-1", 10);
        long later = System.currentTimeMillis() + 2000;
        b.fleet().record(new Event(EventSequence.firstAt(later), new State("web-1", "ram", 99, later)));

        JsonNode listing = get(a.uri("/v1/instances"));
        assertThat(ids(listing)).containsExactly("web-1");
        assertThat(listing.path("instances").get(0).path("values").path("ram").asDouble()).isEqualTo(99);
    }

    @Test
    void aManagerThatDiedIsNamedAndTheRestIsListed() throws Exception {
        Member a = member();
        Member b = member();
        report(a.fleet(), "web-1", 10);
        report(b.fleet(), "web-2", 20);
        URI dead = b.uri("");
        // Killed: its HTTP port is gone, its roster row stays until it expires.
        b.server().close();

        JsonNode listing = get(a.uri("/v1/instances"));
        assertThat(ids(listing)).containsExactly("web-1");
        assertThat(listing.path("managers").asInt()).isEqualTo(1);
        assertThat(listing.path("unanswered")).singleElement()
                .satisfies(u -> assertThat(u.path("manager").asText()).isEqualTo(dead.toString()));
    }

    @Test
    void aManagerThatLeftIsNotAsked() throws Exception {
        Member a = member();
        Member b = member();
        report(b.fleet(), "web-2", 20);
        b.roster().close();

        JsonNode listing = get(a.uri("/v1/instances"));
        assertThat(ids(listing)).isEmpty();
        assertThat(listing.path("managers").asInt()).isEqualTo(1);
        assertThat(listing.path("unanswered")).isEmpty();
    }

    @Test
    void anUnknownScopeIsRefusedNamingTheField() throws Exception {
        Member a = member();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(a.uri("/v1/instances?scope=all")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(response.body()).path("details").get(0).path("field").asText())
                .isEqualTo("scope");
    }
}
