package io.scalemanager.manager.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.time.MutableClock;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.manager.alert.Silences;
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
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SilenceRoutesTest {
    private static final Instant START = Instant.parse("2025-11-25T10:00:00Z");
    private static final String TOKEN = "sekrit";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(START);
    private final HttpClient http = HttpClient.newHttpClient();
    private Database database;
    private ApiServer server;

    @BeforeEach
    void start() {
        database = TestDatabases.h2File(dir);
        server = new ApiServer(new HttpSettings("127.0.0.1", 0, 1 << 20, Optional.of(TOKEN)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .add(new SilenceRoutes(new Silences(database.dataSource(), clock), clock)).start();
    }

    @AfterEach
    void stop() {
        server.close();
        database.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void silenceIsCreatedListedUntilItEndsAndDeletable() throws Exception {
        HttpResponse<String> created = send("POST", "/v1/silences",
                "{\"instances\": \"web-*\", \"kind\": \"command_failed\", \"duration\": \"2h\", \"comment\": \"upgrade\"}",
                TOKEN);
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode s = Json.mapper().readTree(created.body());
        assertThat(s.get("instances").asText()).isEqualTo("web-*");
        assertThat(s.get("rule").isNull()).isTrue();
        assertThat(s.get("kind").asText()).isEqualTo("command_failed");
        assertThat(s.get("ends_at").asLong()).isEqualTo(START.getEpochSecond() + 7200);

        JsonNode listed = Json.mapper().readTree(send("GET", "/v1/silences", null, null).body());
        assertThat(listed.get("silences")).hasSize(1);
        assertThat(listed.get("silences").get(0).get("comment").asText()).isEqualTo("upgrade");

        clock.advance(Duration.ofHours(2));
        assertThat(Json.mapper().readTree(send("GET", "/v1/silences", null, null).body()).get("silences")).isEmpty();

        long id = s.get("id").asLong();
        assertThat(send("DELETE", "/v1/silences/" + id, null, TOKEN).statusCode()).isEqualTo(204);
        assertThat(send("DELETE", "/v1/silences/" + id, null, TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void changesNeedTheToken() throws Exception {
        assertThat(send("POST", "/v1/silences", "{\"duration\": \"1h\"}", null).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/v1/silences", "{\"duration\": \"1h\"}", "wrong").statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/v1/silences/1", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/v1/silences", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void invalidSilencesAreRefusedNamingTheField() throws Exception {
        HttpResponse<String> noEnd = send("POST", "/v1/silences", "{\"instances\": \"web-*\"}", TOKEN);
        assertThat(noEnd.statusCode()).isEqualTo(400);
        assertThat(noEnd.body()).contains("duration");

        HttpResponse<String> past = send("POST", "/v1/silences",
                "{\"ends_at\": " + (START.getEpochSecond() - 1) + "}", TOKEN);
        assertThat(past.statusCode()).isEqualTo(400);

        HttpResponse<String> badGlob = send("POST", "/v1/silences", "{\"instances\": \"web 1\", \"duration\": \"1h\"}",
                TOKEN);
        assertThat(badGlob.statusCode()).isEqualTo(400);
        assertThat(badGlob.body()).contains("instances");

        assertThat(send("POST", "/v1/silences", "not json", TOKEN).statusCode()).isEqualTo(400);
    }
}
