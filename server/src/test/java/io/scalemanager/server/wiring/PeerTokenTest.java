package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.db.TestMariaDb;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.tls.TestPki;
import io.scalemanager.queue.kafka.TestKafka;
import io.scalemanager.server.TestRules;
import io.scalemanager.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two managers (all-in-ones sharing a Kafka topic's partitions and one MariaDB) behind a tokens file, over HTTPS
 * with a private CA: each sends the other its manager.peer_token, a read token of the file, so a fleet-wide
 * listing on either shows every instance with no manager named as not answering, and {@code why} asked at the
 * manager that does not own an instance answers from the one that does. A manager.peer_token the file does not
 * give the read scope stops start-up.
 */
class PeerTokenTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String ADMIN = "peer-test-admin-token";
    private static final String MANAGERS = "peer-test-managers-read-token";
    private static final String AGENTS = "peer-test-agents-ingest-token";
    private static final String RULES = TestRules.ramUp("1m", "10m");

    @TempDir
    Path dir;

    private Map<String, String> env(String name, TestPki pki, TestPki.Issued cert, String topic, String group)
            throws Exception {
        Path tokens = dir.resolve("tokens.yaml");
        if (!Files.exists(tokens)) {
            Files.writeString(tokens, "tokens:\n"
                    + "  - {name: ops, sha256: " + Credentials.sha256Hex(ADMIN) + ", scopes: [admin]}\n"
                    + "  - {name: managers, sha256: " + Credentials.sha256Hex(MANAGERS) + ", scopes: [read]}\n"
                    + "  - {name: agents, sha256: " + Credentials.sha256Hex(AGENTS) + ", scopes: [ingest], "
                    + "instances: \"vm-*\"}\n");
        }
        Path home = Files.createDirectories(dir.resolve(name));
        Path rules = Files.writeString(home.resolve("rules.yaml"), RULES);
        Map<String, String> env = new HashMap<>();
        env.put("SCALEMANAGER_LISTEN", "127.0.0.1:0");
        env.put("SCALEMANAGER_DATA", home.resolve("data").toString());
        env.put("SCALEMANAGER_RULES", rules.toString());
        env.put("SCALEMANAGER_DB_URL", TestMariaDb.url("peers_" + Integer.toHexString(dir.toString().hashCode())));
        env.put("SCALEMANAGER_DB_USER", "root");
        env.put("SCALEMANAGER_KAFKA_BOOTSTRAP", TestKafka.shared().bootstrap());
        env.put("SCALEMANAGER_QUEUE_KAFKA_TOPIC", topic);
        env.put("SCALEMANAGER_QUEUE_KAFKA_GROUP", group);
        env.put("SCALEMANAGER_QUEUE_KAFKA_PARTITIONS", "4");
        env.put("SCALEMANAGER_QUEUE_KAFKA_REPLICATION_FACTOR", "1");
        env.put("SCALEMANAGER_QUEUE_KAFKA_SEND_TIMEOUT", "15s");
        env.put("SCALEMANAGER_QUEUE_KAFKA_SESSION_TIMEOUT", "10s");
        env.put("SCALEMANAGER_CLEANER_ENABLED", "false");
        env.put("SCALEMANAGER_API_TOKENS", tokens.toString());
        env.put("SCALEMANAGER_TLS_CERT", cert.cert().toString());
        env.put("SCALEMANAGER_TLS_KEY", cert.key().toString());
        env.put("SCALEMANAGER_TLS_CA", pki.caFile().toString());
        env.put("SCALEMANAGER_MANAGER_PEER_TOKEN", MANAGERS);
        return env;
    }

    private static AllInOne start(Map<String, String> env) throws Exception {
        return AllInOne.start(new ConfigLoader(env).load(Optional.empty(), Map.of()));
    }

    @Test
    void withATokensFileEitherManagerListsTheWholeFleetAndAnswersWhyForThePeersInstances() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"), "ops");
        TestPki.Issued cert = pki.server("server");
        String topic = TestKafka.unique("peer-events");
        String group = TestKafka.unique("peer-managers");
        HttpClient http = HttpClient.newBuilder().sslContext(pki.clientContext())
                .connectTimeout(Duration.ofSeconds(10)).build();
        try (AllInOne a = start(env("a", pki, cert, topic, group));
             AllInOne b = start(env("b", pki, cert, topic, group))) {
            URI baseA = URI.create("https://" + a.address());
            URI baseB = URI.create("https://" + b.address());
            // Reads need a token here: what follows works because the managers send theirs to each other.
            assertThat(get(http, baseB, "/v1/instances?scope=local", null).statusCode()).isEqualTo(401);

            // Each manager consumes its own partitions: both must know some of the instances. The states are sent
            // again until then, since the partitions may move while the second manager joins the group.
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                postStates(http, baseA);
                Set<String> onA = local(http, baseA);
                Set<String> onB = local(http, baseB);
                return onA.size() + onB.size() == 12 && !onA.isEmpty() && !onB.isEmpty();
            });

            for (URI base : List.of(baseA, baseB)) {
                JsonNode listing = json(get(http, base, "/v1/instances?limit=100", ADMIN));
                assertThat(listing.path("unanswered")).as("%s: %s", base, listing).isEmpty();
                assertThat(listing.path("managers").asInt()).isEqualTo(2);
                assertThat(ids(listing)).as("fleet-wide listing at %s", base).hasSize(12);

                JsonNode page = json(get(http, base, "/v1/fleet?size=100", ADMIN));
                assertThat(page.path("unanswered")).as("%s: %s", base, page).isEmpty();
                assertThat(page.path("total").asInt()).as("dashboard fleet page at %s", base).isEqualTo(12);
            }

            String ownedByB = local(http, baseB).iterator().next();
            HttpResponse<String> why = get(http, baseA, "/v1/instances/" + ownedByB + "/why", ADMIN);
            assertThat(why.statusCode()).as(why.body()).isEqualTo(200);
            JsonNode answer = json(why);
            assertThat(answer.path("instance").asText()).isEqualTo(ownedByB);
            assertThat(answer.path("rules").get(0).path("rule").asText()).isEqualTo("ram-up");
        }
    }

    @Test
    void aPeerTokenTheTokensFileDoesNotGiveReadStopsStartUp() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"), "ops");
        Map<String, String> env = new HashMap<>(env("a", pki, pki.server("server"), TestKafka.unique("t"),
                TestKafka.unique("g")));
        env.put("SCALEMANAGER_MANAGER_PEER_TOKEN", AGENTS);
        assertThatThrownBy(() -> start(env)).isInstanceOf(StartupException.class)
                .hasMessageContaining("config key 'manager.peer_token'")
                .hasMessageContaining("no read scope")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(AGENTS));
    }

    /** vm-1 .. vm-12 report, with the agents' ingest token. */
    private static void postStates(HttpClient http, URI base) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        StringBuilder states = new StringBuilder("[");
        for (int i = 1; i <= 12; i++) {
            states.append(i == 1 ? "" : ",").append("{\"instance\":\"vm-").append(i)
                    .append("\",\"type\":\"ram\",\"value\":50,\"timestamp\":").append(now).append('}');
        }
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(base.resolve("/v1/states"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + AGENTS)
                        .POST(HttpRequest.BodyPublishers.ofString(states.append(']').toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
    }

    private static HttpResponse<String> get(HttpClient http, URI base, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private static Set<String> local(HttpClient http, URI base) throws Exception {
        return ids(json(get(http, base, "/v1/instances?scope=local&limit=100", ADMIN)));
    }

    private static Set<String> ids(JsonNode page) {
        Set<String> ids = new HashSet<>();
        page.path("instances").forEach(i -> ids.add(i.path("instance").asText()));
        return ids;
    }
}
