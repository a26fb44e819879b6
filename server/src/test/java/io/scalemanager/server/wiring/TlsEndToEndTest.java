package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.tls.TestPki;
import io.scalemanager.server.TestRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The all-in-one over HTTPS with a private CA made in the test: agents' client certificates are ingest
 * permissions bound to the instance in their CN (another instance's state refused whole, nothing stored, the
 * audit naming the CN), and the manager resizes through its own instance API over TLS.
 */
class TlsEndToEndTest {
    private static final String ADMIN = "tls-admin-token";
    private static final String RULES = TestRules.ramUp("5s", "10m");

    @TempDir
    Path dir;

    private AllInOne start(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(extra);
        env.putIfAbsent("SCALEMANAGER_API_TOKEN", ADMIN);
        return TestServer.startAllInOne(dir, RULES, env);
    }

    private static String state(String instance, String type, double value, long ts) {
        return "{\"instance\":\"" + instance + "\",\"type\":\"" + type + "\",\"value\":" + value
                + ",\"timestamp\":" + ts + "}";
    }

    @Test
    void agentCertificatesAreBoundToTheirInstanceAndTheManagerResizesOverTls() throws Exception {
        TestPki ops = TestPki.create(dir.resolve("pki"), "ops");
        TestPki.Issued server = ops.server("server");
        TestPki agents = TestPki.create(dir.resolve("agents"), "agents");
        try (AllInOne app = start(Map.of(
                "SCALEMANAGER_TLS_CERT", server.cert().toString(),
                "SCALEMANAGER_TLS_KEY", server.key().toString(),
                "SCALEMANAGER_TLS_CLIENT_CA", agents.caFile().toString()))) {
            assertThat(app.scheme()).isEqualTo("https");
            URI base = URI.create("https://" + app.address());
            HttpClient web1 = client(agents.client("web-1", "web-1").clientContext(ops));
            HttpClient operator = client(ops.clientContext());
            long now = System.currentTimeMillis() / 1000;

            // Another instance's state in the batch: the whole request is refused, nothing stored.
            HttpResponse<String> foreign = post(web1, base, "/v1/states",
                    "[" + state("web-1", "cpu", 10, now - 20) + "," + state("db-1", "cpu", 10, now - 20) + "]");
            assertThat(foreign.statusCode()).isEqualTo(403);
            assertThat(foreign.body()).contains("'web-1' may not report for instance 'db-1'", "nothing stored");
            for (String instance : new String[] {"web-1", "db-1"}) {
                HttpResponse<String> stored = get(operator, base,
                        "/v1/history?instance=" + instance + "&type=cpu&from=" + (now - 600));
                assertThat(stored.statusCode()).isEqualTo(200);
                assertThat(stored.body()).contains("\"samples\":[]");
            }
            JsonNode audit = Json.mapper().readTree(get(operator, base, "/v1/audit").body());
            assertThat(audit.path("entries").toString()).contains("\"who\":\"web-1\"", "refused");

            // Its own states are taken, and a rule firing on them resizes through the instance API over TLS
            // (the all-in-one calls itself on 127.0.0.1, trusting exactly its own certificate).
            StringBuilder own = new StringBuilder("[");
            for (int i = 0; i < 8; i++) {
                own.append(i == 0 ? "" : ",").append(state("web-1", "ram", 85 + i, now - 8 + i));
            }
            HttpResponse<String> accepted = post(web1, base, "/v1/states", own.append(']').toString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> get(operator, base,
                    "/v1/actions?instance=web-1&status=succeeded").body().contains("\"ram-up\""));
            assertThat(Json.mapper().readTree(get(operator, base, "/v1/instances/web-1").body()).path("ram")
                    .asLong()).isEqualTo(4096 + 1024);

            // A client that does not trust the private CA does not get through.
            HttpClient untrusting = HttpClient.newHttpClient();
            assertThatThrownBy(() -> get(untrusting, base, "/health"))
                    .isInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    @Test
    void badTlsSettingsStopStartUpNamingTheKey() throws Exception {
        TestPki ops = TestPki.create(dir.resolve("pki"), "ops");
        TestPki.Issued one = ops.server("one");
        TestPki.Issued two = ops.server("two");
        assertThatThrownBy(() -> start(Map.of("SCALEMANAGER_TLS_CERT", one.cert().toString())))
                .isInstanceOf(StartupException.class).hasMessageContaining("config key 'tls.key'");
        assertThatThrownBy(() -> start(Map.of("SCALEMANAGER_TLS_CERT", one.cert().toString(),
                "SCALEMANAGER_TLS_KEY", two.key().toString())))
                .isInstanceOf(StartupException.class).hasMessageContaining("config key 'tls.key'")
                .hasMessageContaining("does not hold the private key");
        assertThatThrownBy(() -> start(Map.of("SCALEMANAGER_TLS_CERT", dir.resolve("missing.pem").toString(),
                "SCALEMANAGER_TLS_KEY", one.key().toString())))
                .isInstanceOf(StartupException.class).hasMessageContaining("config key 'tls.cert'")
                .hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> start(Map.of("SCALEMANAGER_TLS_CLIENT_CA", ops.caFile().toString())))
                .isInstanceOf(StartupException.class).hasMessageContaining("config key 'tls.client_ca'");
        assertThatThrownBy(() -> start(Map.of("SCALEMANAGER_TLS_CA", one.key().toString())))
                .isInstanceOf(StartupException.class).hasMessageContaining("config key 'tls.ca'");
    }

    private static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static HttpResponse<String> post(HttpClient client, URI base, String path, String json) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(HttpClient client, URI base, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + ADMIN)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
