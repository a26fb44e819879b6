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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryRoutesTest {
    private static final long NOW_S = 1_764_067_200L;
    private static final long NOW_MS = NOW_S * 1000;

    // One database and server for the class: starting them per test would dominate the run time.
    @TempDir
    static Path dir;
    private static Database db;
    private static JdbcEventLog log;
    private static ApiServer server;
    private static long seq;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        db = TestDatabases.h2File(dir);
        log = new JdbcEventLog(db.dataSource());
        server = new ApiServer(new HttpSettings("127.0.0.1", 0, 1 << 20, Optional.empty()),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .add(new HistoryRoutes(log, Clock.fixed(Instant.ofEpochMilli(NOW_MS), ZoneOffset.UTC)))
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    @BeforeEach
    void emptyTheLog() throws Exception {
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM event_log");
        }
    }

    private void store(String instance, String type, double value, long tsMs) {
        log.append(List.of(new Event(++seq, new State(instance, type, value, tsMs))));
    }

    private HttpResponse<String> get(String path, Map<String, String> params) throws Exception {
        StringBuilder query = new StringBuilder();
        params.forEach((k, v) -> query.append(query.length() == 0 ? "?" : "&")
                .append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path + query))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> params(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    private long rowCount() throws Exception {
        try (Connection c = db.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM event_log")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // --- /v1/history ---

    @Test
    void samplesAreEpochSecondsWithIntegersKeptIntegralAndFractionsKept() throws Exception {
        store("db/eu:1@host", "ram", 81.5, NOW_MS - 2000);
        store("db/eu:1@host", "ram", 12, NOW_MS - 1500);
        store("db/eu:1@host", "ram", 13, NOW_MS - 1001);

        HttpResponse<String> response = get("/v1/history", params(
                "instance", "db/eu:1@host", "type", "ram", "from", Long.toString(NOW_S - 10), "to", Long.toString(NOW_S)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).contains("application/json"));
        JsonNode body = json(response);
        assertThat(body.get("truncated").asBoolean()).isFalse();
        JsonNode samples = body.get("samples");
        assertThat(samples).hasSize(3);
        assertThat(samples.get(0).get("timestamp").isIntegralNumber()).isTrue();
        assertThat(samples.get(0).get("timestamp").asLong()).isEqualTo(NOW_S - 2);
        assertThat(samples.get(0).get("value").asDouble()).isEqualTo(81.5);
        assertThat(samples.get(1).get("timestamp").isIntegralNumber()).isFalse();
        assertThat(samples.get(1).get("timestamp").asDouble()).isEqualTo(NOW_S - 1.5);
        assertThat(samples.get(1).get("value").asDouble()).isEqualTo(12.0);
        assertThat(samples.get(2).get("timestamp").asDouble()).isEqualTo(NOW_S - 1.001);
        // Plain decimals, never scientific notation, so scripts can read them as they are.
        assertThat(response.body()).contains("\"timestamp\":" + (NOW_S - 2) + ".5")
                .contains("\"timestamp\":" + (NOW_S - 2) + ".999")
                .doesNotContainIgnoringCase("e9");
    }

    @Test
    void fractionalWindowBoundsAreHonouredToTheMillisecond() throws Exception {
        store("web-1", "ram", 1, NOW_MS - 1501);
        store("web-1", "ram", 2, NOW_MS - 1500);
        store("web-1", "ram", 3, NOW_MS - 500);
        store("web-1", "ram", 4, NOW_MS - 499);

        JsonNode samples = json(get("/v1/history", params("instance", "web-1", "type", "ram",
                "from", (NOW_S - 2) + ".5", "to", (NOW_S - 1) + ".5"))).get("samples");

        assertThat(samples).extracting(s -> s.get("value").asDouble()).containsExactly(2.0, 3.0);
    }

    @Test
    void limitCutsTheAnswerAndSaysSo() throws Exception {
        for (int i = 0; i < 5; i++) {
            store("web-1", "cpu", i, NOW_MS - 5000 + i * 1000L);
        }

        JsonNode cut = json(get("/v1/history", params("instance", "web-1", "type", "cpu", "limit", "3")));
        JsonNode exact = json(get("/v1/history", params("instance", "web-1", "type", "cpu", "limit", "5")));

        assertThat(cut.get("truncated").asBoolean()).isTrue();
        assertThat(cut.get("samples")).extracting(s -> s.get("value").asDouble()).containsExactly(0.0, 1.0, 2.0);
        assertThat(exact.get("truncated").asBoolean()).isFalse();
        assertThat(exact.get("samples")).hasSize(5);
    }

    @Test
    void defaultWindowIsTheLastHourUpToNow() throws Exception {
        store("web-1", "ram", 1, NOW_MS - 3_600_001);
        store("web-1", "ram", 2, NOW_MS - 3_600_000);
        store("web-1", "ram", 3, NOW_MS);
        store("web-1", "ram", 4, NOW_MS + 1);

        JsonNode body = json(get("/v1/history", params("instance", "web-1", "type", "ram")));

        assertThat(body.get("samples")).extracting(s -> s.get("value").asDouble()).containsExactly(2.0, 3.0);
        assertThat(body.get("truncated").asBoolean()).isFalse();
    }

    @Test
    void defaultLimitIsOneThousand() throws Exception {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            events.add(new Event(++seq, new State("web-1", "ram", i, NOW_MS - 1001 + i)));
        }
        log.append(events);

        JsonNode body = json(get("/v1/history", params("instance", "web-1", "type", "ram")));

        assertThat(body.get("samples")).hasSize(1000);
        assertThat(body.get("truncated").asBoolean()).isTrue();
    }

    @Test
    void unknownInstanceHasNoSamples() throws Exception {
        HttpResponse<String> response = get("/v1/history", params("instance", "nobody", "type", "ram"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("samples")).isEmpty();
    }

    // --- /v1/history/query ---

    @Test
    void queryAnswersEveryFieldOverTheWindow() throws Exception {
        store("web-1", "ram", 85, NOW_MS - 3000);
        store("web-1", "ram", 90, NOW_MS - 2000);
        store("web-1", "ram", 95, NOW_MS - 1000);
        store("web-1", "ram", 10, NOW_MS - 10_000); // outside

        HttpResponse<String> response = get("/v1/history/query", params("instance", "web-1", "type", "ram",
                "op", ">", "value", "80", "from", Long.toString(NOW_S - 3), "to", Long.toString(NOW_S)));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("held").asBoolean()).isTrue();
        assertThat(body.get("matched").asInt()).isEqualTo(3);
        assertThat(body.get("unmatched").asInt()).isZero();
        assertThat(body.get("count").asInt()).isEqualTo(3);
        assertThat(body.get("avg").asDouble()).isEqualTo(90.0);
        assertThat(body.get("min").asDouble()).isEqualTo(85.0);
        assertThat(body.get("max").asDouble()).isEqualTo(95.0);
    }

    @Test
    void queryRoundsItsAverageSoBinaryFractionsDoNotShow() throws Exception {
        store("web-1", "cpu", 0.1, NOW_MS - 3000);
        store("web-1", "cpu", 0.2, NOW_MS - 2000);
        store("web-1", "cpu", 0.3, NOW_MS - 1000);

        HttpResponse<String> response = get("/v1/history/query", params("instance", "web-1", "type", "cpu",
                "op", ">", "value", "0", "from", Long.toString(NOW_S - 3), "to", Long.toString(NOW_S)));

        assertThat((0.1 + 0.2 + 0.3) / 3).as("the unrounded average").isEqualTo(0.20000000000000004);
        assertThat(response.body()).contains("\"avg\":0.2,");
    }

    @ParameterizedTest(name = "{0} {1} -> held={2} matched={3}")
    @CsvSource({
            ">,  85, false, 2",
            ">=, 85, true,  3",
            "<,  95, false, 2",
            "<=, 95, true,  3",
            "==, 90, false, 1",
            "!=, 90, false, 2",
            "!=, 1,  true,  3",
    })
    void queryAppliesEachOperator(String op, String value, boolean held, int matched) throws Exception {
        store("web-1", "ram", 85, NOW_MS - 3000);
        store("web-1", "ram", 90, NOW_MS - 2000);
        store("web-1", "ram", 95, NOW_MS - 1000);

        JsonNode body = json(get("/v1/history/query", params("instance", "web-1", "type", "ram",
                "op", op, "value", value)));

        assertThat(body.get("held").asBoolean()).isEqualTo(held);
        assertThat(body.get("matched").asInt()).isEqualTo(matched);
        assertThat(body.get("unmatched").asInt()).isEqualTo(3 - matched);
    }

    @Test
    void queryOverAnEmptyWindowAnswersNullsAndDoesNotHold() throws Exception {
        store("web-1", "ram", 99, NOW_MS - 10_000);

        HttpResponse<String> response = get("/v1/history/query", params("instance", "web-1", "type", "ram",
                "op", ">", "value", "80", "from", Long.toString(NOW_S - 5), "to", Long.toString(NOW_S)));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("held").asBoolean()).isFalse();
        assertThat(body.get("matched").asInt()).isZero();
        assertThat(body.get("unmatched").asInt()).isZero();
        assertThat(body.get("count").asInt()).isZero();
        for (String field : List.of("avg", "min", "max")) {
            assertThat(body.has(field)).as(field).isTrue();
            assertThat(body.get(field).isNull()).as(field).isTrue();
        }
    }

    // --- bad parameters ---

    @ParameterizedTest(name = "{0} {1} -> 400 naming {2}")
    @CsvSource(delimiter = '|', value = {
            // endpoint       | query string                                                   | field
            "/v1/history       | type=ram                                                       | instance",
            "/v1/history       | instance=&type=ram                                             | instance",
            "/v1/history       | instance=web%201&type=ram                                      | instance",
            "/v1/history       | instance=web%3B1&type=ram                                      | instance",
            "/v1/history       | instance=web'1&type=ram                                        | instance",
            "/v1/history       | instance=web-1                                                 | type",
            "/v1/history       | instance=web-1&type=r%2Fam                                     | type",
            "/v1/history       | instance=web-1&type=ram&from=abc                               | from",
            "/v1/history       | instance=web-1&type=ram&from=-1                                | from",
            "/v1/history       | instance=web-1&type=ram&to=NaN                                 | to",
            "/v1/history       | instance=web-1&type=ram&to=Infinity                            | to",
            "/v1/history       | instance=web-1&type=ram&from=200&to=100                        | from",
            "/v1/history       | instance=web-1&type=ram&limit=0                                | limit",
            "/v1/history       | instance=web-1&type=ram&limit=-5                               | limit",
            "/v1/history       | instance=web-1&type=ram&limit=ten                              | limit",
            "/v1/history       | instance=web-1&type=ram&limit=1.5                              | limit",
            "/v1/history       | instance=web-1&type=ram&limit=100001                           | limit",
            "/v1/history       | instance=web-1&type=ram&limit=99999999999                      | limit",
            "/v1/history/query | type=ram&op=%3E&value=1                                        | instance",
            "/v1/history/query | instance=web%0A1&type=ram&op=%3E&value=1                       | instance",
            "/v1/history/query | instance=web-1&op=%3E&value=1                                  | type",
            "/v1/history/query | instance=web-1&type=ram&value=1                                | op",
            "/v1/history/query | instance=web-1&type=ram&op=%3E%3E&value=1                      | op",
            "/v1/history/query | instance=web-1&type=ram&op=%3D&value=1                         | op",
            "/v1/history/query | instance=web-1&type=ram&op=gt&value=1                          | op",
            "/v1/history/query | instance=web-1&type=ram&op=%3B%20DROP%20TABLE%20event_log&value=1 | op",
            "/v1/history/query | instance=web-1&type=ram&op=%3E&value=                          | value",
            "/v1/history/query | instance=web-1&type=ram&op=%3E                                     | value",
            "/v1/history/query | instance=web-1&type=ram&op=%3E&value=abc                       | value",
            "/v1/history/query | instance=web-1&type=ram&op=%3E&value=NaN                       | value",
            "/v1/history/query | instance=web-1&type=ram&op=%3E&value=Infinity                  | value",
            "/v1/history/query | instance=web-1&type=ram&op=%3E&value=-Infinity                 | value",
            "/v1/history/query | instance=web-1&type=ram&op=%3E&value=1e999                     | value",
            "/v1/history/query | instance=web-1&type=ram&op=%3E&value=1&from=20&to=10          | from",
            "/v1/history/query | instance=web-1&type=ram&op=%3E&value=1&to=yesterday           | to",
    })
    void badParameterIsAnsweredWith400NamingIt(String endpoint, String query, String field) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + endpoint + "?" + query))
                .timeout(Duration.ofSeconds(10)).GET().build();

        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).contains(field);
        assertThat(body.get("details").get(0).get("field").asText()).isEqualTo(field);
        assertThat(body.get("details").get(0).get("message").asText()).isNotBlank();
    }

    @Test
    void instanceLongerThan255CharactersIsRejected() throws Exception {
        HttpResponse<String> ok = get("/v1/history", params("instance", "a".repeat(255), "type", "ram"));
        HttpResponse<String> tooLong = get("/v1/history", params("instance", "a".repeat(256), "type", "ram"));

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(json(tooLong).get("details").get(0).get("field").asText()).isEqualTo("instance");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "; DROP TABLE event_log",
            "> 0; DROP TABLE event_log; --",
            "> 0 OR 1=1",
            "= 1) OR (1=1",
            "<> 0",
            ">>",
    })
    void hostileOperatorIsRejectedAndTheTableIsIntact(String op) throws Exception {
        store("web-1", "ram", 50, NOW_MS - 1000);
        store("web-2", "ram", 60, NOW_MS - 1000);

        HttpResponse<String> response = get("/v1/history/query", params("instance", "web-1", "type", "ram",
                "op", op, "value", "0"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("details").get(0).get("field").asText()).isEqualTo("op");
        assertThat(rowCount()).isEqualTo(2);
        JsonNode after = json(get("/v1/history/query", params("instance", "web-1", "type", "ram",
                "op", ">", "value", "0")));
        assertThat(after.get("count").asInt()).isEqualTo(1);
    }

    @Test
    void sqlInInstanceOrTypeIsRejectedBeforeReachingTheDatabase() throws Exception {
        store("web-1", "ram", 50, NOW_MS - 1000);

        HttpResponse<String> byInstance = get("/v1/history", params(
                "instance", "web-1' OR '1'='1", "type", "ram"));
        HttpResponse<String> byType = get("/v1/history", params(
                "instance", "web-1", "type", "ram'; DELETE FROM event_log; --"));

        assertThat(byInstance.statusCode()).isEqualTo(400);
        assertThat(byType.statusCode()).isEqualTo(400);
        assertThat(rowCount()).isEqualTo(1);
    }
}
