package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.config.Settings;
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
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class InstanceApiServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Settings settings(Map<String, String> extra) throws Exception {
        Path providers = dir.resolve("providers.yaml");
        Files.writeString(providers, "providers:\n  - type: libvirt\n    uri: test:///default\n");
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "limits:\n  \"*\": {ram: [1024, 6144]}\nrules: []\n");
        Map<String, String> env = new HashMap<>(Map.of("SCALEMANAGER_LISTEN", "127.0.0.1:0",
                "SCALEMANAGER_DATA", dir.resolve("data").toString(), "SCALEMANAGER_RULES", rules.toString(),
                "SCALEMANAGER_PROVIDERS", providers.toString()));
        env.putAll(extra);
        return new ConfigLoader(env).load(Optional.empty(), Map.of());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesOnlyTheInstanceApiAndWantsTheTokenForChanges() throws Exception {
        try (InstanceApiServer server = InstanceApiServer.start(settings(Map.of("SCALEMANAGER_API_TOKEN", "t0k")))) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            assertThat(Json.mapper().readTree(send(HttpRequest.newBuilder(base.resolve("/v1/instances/test")))
                    .body()).path("ram").asLong()).isEqualTo(2048);
            assertThat(send(HttpRequest.newBuilder(base.resolve("/v1/states"))
                    .POST(HttpRequest.BodyPublishers.ofString("[]"))).statusCode()).isIn(401, 404);

            String resize = "{\"component\":\"ram\",\"mode\":\"abs\",\"value\":4096}";
            assertThat(send(HttpRequest.newBuilder(base.resolve("/v1/instances/test/resize"))
                    .POST(HttpRequest.BodyPublishers.ofString(resize))).statusCode()).isEqualTo(401);
            assertThat(send(HttpRequest.newBuilder(base.resolve("/v1/instances/test/resize"))
                    .header("Authorization", "Bearer t0k")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"component\":\"ram\",\"mode\":\"abs\",\"value\":8192}")))
                    .statusCode()).as("above the limits of the ruleset").isEqualTo(422);
            HttpResponse<String> accepted = send(HttpRequest.newBuilder(base.resolve("/v1/instances/test/resize"))
                    .header("Authorization", "Bearer t0k").POST(HttpRequest.BodyPublishers.ofString(resize)));
            assertThat(accepted.statusCode()).isEqualTo(202);
            String id = Json.mapper().readTree(accepted.body()).path("operation").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                JsonNode op = Json.mapper().readTree(send(HttpRequest.newBuilder(base.resolve("/v1/operations/" + id))).body());
                return op.path("status").asText().equals("succeeded");
            });
            assertThat(Json.mapper().readTree(send(HttpRequest.newBuilder(base.resolve("/v1/instances/test")))
                    .body()).path("ram").asLong()).isEqualTo(4096);
        }
    }

    @Test
    void refusesToStartWithoutATokenOnAnyAddress() {
        assertThatThrownBy(() -> InstanceApiServer.start(settings(Map.of("SCALEMANAGER_LISTEN", "0.0.0.0:0"))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("without a token");
    }
}
