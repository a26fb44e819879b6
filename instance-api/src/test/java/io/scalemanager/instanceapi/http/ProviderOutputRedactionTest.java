package io.scalemanager.instanceapi.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.secret.Secrets;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.instanceapi.operation.OperationService;
import io.scalemanager.instanceapi.operation.OperationSettings;
import io.scalemanager.instanceapi.operation.OperationStore;
import io.scalemanager.instanceapi.provider.exec.ExecProvider;
import io.scalemanager.instanceapi.provider.exec.ExecSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A provider's output reaches operations over HTTP cut, and without the secrets the process knows. */
class ProviderOutputRedactionTest {
    private static final String SECRET = "hoster-secret-7f3a9c2e";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void operationErrorsHaveKnownSecretsRedactedAndAreCut() throws Exception {
        Path script = dir.resolve("vm.sh");
        Files.writeString(script, """
                #!/bin/sh
                case $1 in
                  size) echo '{"cpu": 2, "ram": 4096, "storage": 50}' ;;
                  resize)
                    case $2 in
                      chatty-*) i=0; while [ $i -lt 400 ]; do echo "line $i of a long complaint"; i=$((i+1)); done ;;
                    esac
                    echo "login failed for token %s at https://hoster.example/api" >&2; exit 2 ;;
                esac
                """.formatted(SECRET));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Secrets.register(SECRET);
        ExecProvider exec = new ExecProvider(new ExecSettings(List.of(script.toString(), "size"),
                List.of(script.toString(), "resize", "{instance}"), Duration.ofSeconds(10), 100_000));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Database db = TestDatabases.h2File(dir);
             OperationService ops = new OperationService(new OperationStore(db), exec, () -> Limits.NONE,
                     Clock.systemUTC(), registry, new OperationSettings(2, Duration.ZERO)).start();
             ApiServer server = new ApiServer(new HttpSettings("127.0.0.1", 0, 1_000_000, Optional.of("t0ken-admin")),
                     registry).add(new InstanceApiRoutes(ops, exec, Duration.ofSeconds(10))).start()) {
            String base = "http://127.0.0.1:" + server.port();

            JsonNode plain = failedOperation(base, "web-1");
            assertThat(plain.get("error").asText()).contains("login failed for token [redacted] at")
                    .doesNotContain(SECRET);

            JsonNode chatty = failedOperation(base, "chatty-1");
            assertThat(chatty.get("error").asText()).doesNotContain(SECRET).endsWith("… (cut)");
            assertThat(chatty.get("error").asText().length()).isLessThanOrEqualTo(2000);
        }
    }

    private static JsonNode failedOperation(String base, String instance) throws Exception {
        HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(
                        URI.create(base + "/v1/instances/" + instance + "/resize"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer t0ken-admin")
                .POST(HttpRequest.BodyPublishers.ofString("{\"component\":\"cpu\",\"mode\":\"abs\",\"value\":4}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        String id = Json.mapper().readTree(posted.body()).get("operation").asText();
        JsonNode[] op = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            op[0] = Json.mapper().readTree(HTTP.send(HttpRequest.newBuilder(
                    URI.create(base + "/v1/operations/" + id)).build(), HttpResponse.BodyHandlers.ofString()).body());
            return op[0].get("status").asText().equals("failed");
        });
        return op[0];
    }
}
