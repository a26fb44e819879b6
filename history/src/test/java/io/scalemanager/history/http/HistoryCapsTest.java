package io.scalemanager.history.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.history.jdbc.JdbcEventLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No History API request can read without bound (#14 item 6): a {@code limit} above history.max_samples, or a
 * query whose range holds more samples than history.max_query_rows, is answered 400 with a JSON error naming
 * the parameter; within the bounds the same requests are served, whatever the range. Over real HTTP, with small
 * bounds so the test stays small.
 */
class HistoryCapsTest {
    private static final long NOW_MS = 1_764_067_200_000L;
    private static final HistoryLimits SMALL = new HistoryLimits(6, 5);

    @TempDir
    static Path dir;
    private static Database db;
    private static ApiServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        db = TestDatabases.h2File(dir);
        JdbcEventLog log = new JdbcEventLog(db.dataSource());
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            events.add(new Event(i + 1, new State("web-1", "ram", 90 + i, NOW_MS - 60_000L * (8 - i))));
        }
        log.append(events);
        server = new ApiServer(new HttpSettings("127.0.0.1", 0, 1 << 16, Optional.of("t")),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .add(new HistoryRoutes(log, Clock.fixed(Instant.ofEpochMilli(NOW_MS), ZoneOffset.UTC), SMALL))
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> r, String field, String says) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.path("error").asText()).contains(says);
        assertThat(body.path("details").get(0).path("field").asText()).isEqualTo(field);
    }

    @Test
    void aLimitAboveTheMaximumIsRefusedAndAnyRangeWithinItIsServed() throws Exception {
        assertRefused(get("/v1/history?instance=web-1&type=ram&from=0&limit=7"), "limit", "history.max_samples");

        // The whole history from the epoch: read up to the limit, and said to be cut.
        HttpResponse<String> all = get("/v1/history?instance=web-1&type=ram&from=0&limit=6");
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(all.body());
        assertThat(body.path("samples").size()).isEqualTo(6);
        assertThat(body.path("truncated").asBoolean()).isTrue();
        HttpResponse<String> byDefault = get("/v1/history?instance=web-1&type=ram&from=0");
        assertThat(Json.mapper().readTree(byDefault.body()).path("samples").size()).as("default limit, capped")
                .isEqualTo(6);
    }

    @Test
    void aQueryOverMoreSamplesThanTheMaximumIsRefusedAndOneWithinIsAnswered() throws Exception {
        long now = NOW_MS / 1000;
        assertRefused(get("/v1/history/query?instance=web-1&type=ram&op=%3E&value=80&from=0"), "from",
                "history.max_query_rows");
        assertRefused(get("/v1/history/query?instance=web-1&type=ram&op=%3E&value=80&from=" + (now - 3600)),
                "from", "more than 5 samples");

        // The last five samples: exactly the maximum.
        HttpResponse<String> within = get("/v1/history/query?instance=web-1&type=ram&op=%3E&value=80&from="
                + (now - 5 * 60));
        assertThat(within.statusCode()).as(within.body()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(within.body());
        assertThat(body.path("count").asInt()).isEqualTo(5);
        assertThat(body.path("held").asBoolean()).isTrue();
    }
}
