package io.scalemanager.collector;

import io.scalemanager.core.time.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.state.State;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CollectorRoutesTest {
    private static final long NOW_S = 1_764_067_200L;
    private static final long NOW_MS = NOW_S * 1000;
    /** Changes always need a token (CONTRACT.md, "Access"): {@link #send} sends this one. */
    private static final String TOKEN = "collector-test-token";
    private static final HttpSettings HTTP = new HttpSettings("127.0.0.1", 0, 10_000_000, Optional.of(TOKEN));

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(NOW_S));
    private final RecordingSink sink = new RecordingSink();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private ApiServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // --- accepted ---

    @Test
    void validArrayIsStoredInOrderWithMillisecondTimestamps() throws Exception {
        start();

        HttpResponse<String> response = post("/v1/states", """
                [{"instance": "web-1", "type": "ram", "value": 81.5, "timestamp": 1764067200},
                 {"instance": "web-1", "type": "cpu", "value": 12, "timestamp": 1764067200.123},
                 {"instance": "db/eu:1@host", "type": "load", "value": -0.5, "timestamp": 1764066600.5}]""");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(3);
        assertThat(sink.batches()).containsExactly(List.of(
                new State("web-1", "ram", 81.5, NOW_MS),
                new State("web-1", "cpu", 12, NOW_MS + 123),
                new State("db/eu:1@host", "load", -0.5, NOW_MS - 599_500)));
    }

    @Test
    void validWrappedBatchIsStoredAndUnknownFieldsAreIgnored() throws Exception {
        start();

        HttpResponse<String> response = post("/v1/states", """
                {"agent": {"version": "2.1", "tags": [1, 2]},
                 "states": [{"instance": "web-1", "type": "ram", "unit": "%", "value": 81.5, "timestamp": 1764067200,
                             "labels": {"zone": ["a", {"b": null}]}},
                            {"extra": true, "instance": "web-2", "type": "ram", "value": "7", "timestamp": "1764067200"}],
                 "sent_at": 1764067200}""");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(2);
        assertThat(sink.states()).containsExactly(
                new State("web-1", "ram", 81.5, NOW_MS),
                new State("web-2", "ram", 7, NOW_MS));
    }

    @Test
    void singleStateInTheOriginalShapeWithStringsIsStored() throws Exception {
        start();

        HttpResponse<String> response = post("/v1/state",
                "{\"instance\": \"web-1\", \"type\": \"ram\", \"value\": \"81.5\", \"timestamp\": \"1764067199.75\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(1);
        assertThat(sink.states()).containsExactly(new State("web-1", "ram", 81.5, NOW_MS - 250));
    }

    @Test
    void missingContentTypeIsTakenAsJson() throws Exception {
        start();

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/state"))
                .POST(HttpRequest.BodyPublishers.ofString(state("web-1"))));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(sink.states()).hasSize(1);
    }

    @Test
    void jsonSuffixMediaTypeWithCharsetIsAccepted() throws Exception {
        start();

        HttpResponse<String> response = post("/v1/state", "application/vnd.scalemanager+json; charset=utf-8",
                state("web-1"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(sink.states()).hasSize(1);
    }

    @Test
    void tenThousandStatesAreAccepted() throws Exception {
        start();

        HttpResponse<String> response = post("/v1/states", states("web-1", 10_000));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(10_000);
        assertThat(sink.states()).hasSize(10_000);
    }

    @Test
    void timestampExactlyAtTheFutureToleranceIsAccepted() throws Exception {
        start();

        HttpResponse<String> response = post("/v1/state", stateAt("web-1", NOW_S + 600));

        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void acceptedStatesAreCounted() throws Exception {
        start();

        post("/v1/states", states("web-1", 3));
        post("/v1/state", state("web-1"));

        assertThat(registry.get("scalemanager_collector_states_accepted").counter().count()).isEqualTo(4);
        assertThat(get("/metrics").body()).contains("scalemanager_collector_states_accepted_total 4.0");
    }

    // --- 400 ---

    @ParameterizedTest
    @ValueSource(strings = {
            "[{\"instance\": \"web-1\", \"type\": \"ram\", \"value\": 1, \"timestamp\": 1764067200}",
            "[{\"instance\": \"web-1\" \"type\": \"ram\"}]",
            "{\"states\": [}",
            "not json",
            "[{\"instance\": \"web-1\", \"type\": \"ram\", \"value\": 1, \"timestamp\": 1764067200}] trailing",
            "[{\"instance\": 'web-1'}]",
            "[{\"instance\": \"web-1\", \"value\": 01}]",
    })
    void malformedJsonIsRefusedWithItsPosition(String body) throws Exception {
        start();

        HttpResponse<String> response = post("/v1/states", body);

        assertRejected(response, 400);
        assertThat(json(response).get("error").asText()).matches("malformed JSON at line \\d+, column \\d+: .+");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(registry.get("scalemanager_collector_requests_rejected").tag("reason", "invalid").counter()
                .count()).isEqualTo(1);
    }

    @Test
    void malformedSingleStateIsRefused() throws Exception {
        start();

        HttpResponse<String> response = post("/v1/state", "{\"instance\": ");

        assertRejected(response, 400);
        assertThat(json(response).get("error").asText()).startsWith("malformed JSON at line 1, column");
    }

    @Test
    void wrongFieldTypesAreEachReportedByIndexAndField() throws Exception {
        start();

        HttpResponse<String> response = post("/v1/states", """
                [{"instance": "web-1", "type": "ram", "value": 1, "timestamp": 1764067200},
                 {"instance": 42, "type": true, "value": {"v": 1}, "timestamp": [1764067200]},
                 {"instance": "web-1", "type": "ram", "value": false, "timestamp": null},
                 "web-1 ram 1",
                 {"instance": "web-1", "type": "ram", "value": 1, "timestamp": 1764067200}]""");

        assertRejected(response, 400);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).isEqualTo("3 of 5 states are invalid");
        assertThat(details(body)).containsExactly(
                "1 instance must be a string, got a number",
                "1 type must be a string, got a boolean",
                "1 value must be a number or a numeric string, got an object",
                "1 timestamp must be a number or a numeric string, got an array",
                "2 value must be a number or a numeric string, got a boolean",
                "2 timestamp must be a number or a numeric string, got null",
                "3 state must be an object, got a string");
    }

    @Test
    void missingFieldsAreEachReported() throws Exception {
        start();

        HttpResponse<String> response = post("/v1/state", "{\"instance\": \"web-1\"}");

        assertRejected(response, 400);
        assertThat(details(json(response))).containsExactly(
                "0 type is required", "0 value is required", "0 timestamp is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "1e999", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"",
            "\"1e999\"", "\"inf\""})
    void nonFiniteValuesAreRefused(String value) throws Exception {
        start();

        HttpResponse<String> response = post("/v1/states",
                "[{\"instance\": \"web-1\", \"type\": \"ram\", \"value\": " + value + ", \"timestamp\": 1764067200}]");

        assertRejected(response, 400);
        assertThat(details(json(response))).singleElement().asString()
                .startsWith("0 value must be a finite number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "\"Infinity\"", "\"NaN\""})
    void nonFiniteTimestampsAreRefused(String timestamp) throws Exception {
        start();

        HttpResponse<String> response = post("/v1/state",
                "{\"instance\": \"web-1\", \"type\": \"ram\", \"value\": 1, \"timestamp\": " + timestamp + "}");

        assertRejected(response, 400);
        assertThat(details(json(response))).singleElement().asString()
                .startsWith("0 timestamp must be a finite number");
    }

    @Test
    void timestampTooFarInTheFutureRefusesTheWholeBatch() throws Exception {
        start();

        HttpResponse<String> response = post("/v1/states", "[" + stateAt("web-1", NOW_S) + ","
                + stateAt("web-1", NOW_S + 601) + "]");

        assertRejected(response, 400);
        assertThat(json(response).get("error").asText()).isEqualTo("1 of 2 states are invalid");
        assertThat(details(json(response))).singleElement().asString()
                .startsWith("1 timestamp is more than 10m in the future");
    }

    @Test
    void futureToleranceFollowsTheInjectedClock() throws Exception {
        start();
        clock.advance(Duration.ofMinutes(-5));

        HttpResponse<String> response = post("/v1/state", stateAt("web-1", NOW_S + 400));

        assertRejected(response, 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {" web-1", "web 1", "../../etc/passwd", "web-1'; DROP TABLE states; --", "web-1\\\"",
            "wéb-1", "web-1\\u0000", "web-1\\n", "", "x256"})
    void hostileInstanceIdsAreRefused(String instance) throws Exception {
        start();
        String id = instance.equals("x256") ? "x".repeat(256) : instance;

        HttpResponse<String> response = post("/v1/states",
                "[" + state("web-1") + ", {\"instance\": \"" + id + "\", \"type\": \"ram\", \"value\": 1, "
                        + "\"timestamp\": 1764067200}]");

        assertRejected(response, 400);
        assertThat(json(response).get("error").asText()).isEqualTo("1 of 2 states are invalid");
        assertThat(json(response).get("details")).singleElement().satisfies(d -> {
            assertThat(d.get("index").asInt()).isEqualTo(1);
            assertThat(d.get("field").asText()).isEqualTo("instance");
        });
    }

    @Test
    void manyInvalidStatesAreCountedButOnlyTheFirstHundredListed() throws Exception {
        start();
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 150; i++) {
            body.append(i == 0 ? "" : ",").append("{\"instance\": \"bad id\", \"type\": \"ram\", \"value\": 1, "
                    + "\"timestamp\": 1764067200}");
        }

        HttpResponse<String> response = post("/v1/states", body.append("]").toString());

        assertRejected(response, 400);
        assertThat(json(response).get("error").asText())
                .isEqualTo("150 of 150 states are invalid (150 problems, the first 100 are listed)");
        assertThat(json(response).get("details")).hasSize(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "{\"states\": []}"})
    void emptyBatchIsRefusedNamingStates(String body) throws Exception {
        start();

        HttpResponse<String> response = post("/v1/states", body);

        assertRejected(response, 400);
        assertThat(json(response).get("details").get(0).get("field").asText()).isEqualTo("states");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{\"state\": []}", "{\"states\": {}}", "{\"states\": [], \"states\": []}",
            "42", "\"states\"", "null"})
    void bodyOfTheWrongShapeIsRefusedNamingStates(String body) throws Exception {
        start();

        HttpResponse<String> response = post("/v1/states", body);

        assertRejected(response, 400);
        assertThat(json(response).get("details").get(0).get("field").asText()).isEqualTo("states");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[" + "]", "null"})
    void singleStateEndpointWantsAnObject(String body) throws Exception {
        start();

        HttpResponse<String> response = post("/v1/state", body);

        assertRejected(response, 400);
        assertThat(json(response).get("error").asText()).contains("expected one state object");
    }

    // --- 413, 415 ---

    @Test
    void moreStatesThanTheMaximumAreRefusedNamingStates() throws Exception {
        start();

        HttpResponse<String> response = post("/v1/states", states("web-1", 10_001));

        assertRejected(response, 413);
        assertThat(json(response).get("error").asText()).contains("states").contains("10000");
        assertThat(json(response).get("details").get(0).get("field").asText()).isEqualTo("states");
        assertThat(registry.get("scalemanager_collector_requests_rejected").tag("reason", "too_large").counter()
                .count()).isEqualTo(1);
    }

    @Test
    void bodyLargerThanTheServerLimitIsRefused() throws Exception {
        start(new HttpSettings("127.0.0.1", 0, 1024, Optional.of(TOKEN)), CollectorSettings.defaults());

        HttpResponse<String> response = post("/v1/states", states("web-1", 50));

        assertRejected(response, 413);
        assertThat(json(response).get("error").asText()).isEqualTo("request body too large: the limit is 1024 bytes");
    }

    @Test
    void chunkedBodyLargerThanTheServerLimitIsRefused() throws Exception {
        start(new HttpSettings("127.0.0.1", 0, 1024, Optional.of(TOKEN)), CollectorSettings.defaults());
        byte[] body = states("web-1", 50).getBytes(StandardCharsets.UTF_8);

        // A publisher of unknown length makes the client send the body chunked, without Content-Length.
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/states"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        assertRejected(response, 413);
        assertThat(json(response).get("error").asText()).isEqualTo("request body too large: the limit is 1024 bytes");
    }

    @Test
    void chunkedBodyWithinTheLimitIsAccepted() throws Exception {
        start(new HttpSettings("127.0.0.1", 0, 1024, Optional.of(TOKEN)), CollectorSettings.defaults());
        byte[] body = states("web-1", 3).getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/states"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(sink.states()).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/xml",
            "text/json-ish", "application/jsonp"})
    void nonJsonContentTypeIsRefused(String contentType) throws Exception {
        start();

        HttpResponse<String> response = post("/v1/states", contentType, states("web-1", 1));

        assertRejected(response, 415);
        assertThat(json(response).get("error").asText()).contains(contentType);
        assertThat(registry.get("scalemanager_collector_requests_rejected").tag("reason", "unsupported_media_type")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void compressedBodyIsRefused() throws Exception {
        start();

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/state"))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString(state("web-1"))));

        assertRejected(response, 415);
    }

    // --- 503, 429, 401 ---

    @Test
    void unavailableStorageAnswers503WithRetryAfter() throws Exception {
        start();
        sink.failWith("history database not answering");

        HttpResponse<String> response = post("/v1/states", states("web-1", 2));

        assertRejected(response, 503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(response).get("error").asText()).contains("history database not answering");
        assertThat(registry.get("scalemanager_collector_requests_rejected").tag("reason", "unavailable").counter()
                .count()).isEqualTo(1);
    }

    @Test
    void instanceOverItsRateIsRefusedWith429AndNothingIsStored() throws Exception {
        start(HTTP, new CollectorSettings(10_000, Duration.ofMinutes(10), 2, 5));
        assertThat(post("/v1/states", states("web-1", 5)).statusCode()).isEqualTo(202);

        HttpResponse<String> response = post("/v1/state", state("web-1"));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(response).get("error").asText()).contains("'web-1'");
        assertThat(sink.states()).hasSize(5);
        assertThat(registry.get("scalemanager_collector_requests_rejected").tag("reason", "rate_limited").counter()
                .count()).isEqualTo(1);
    }

    @Test
    void rateLimitedBatchCostsTheOtherInstancesNothing() throws Exception {
        start(HTTP, new CollectorSettings(10_000, Duration.ofMinutes(10), 2, 5));
        String batch = "[" + state("web-2") + "," + state("web-2") + ","
                + String.join(",", Collections.nCopies(6, state("web-3"))) + "]";

        HttpResponse<String> refused = post("/v1/states", batch);
        HttpResponse<String> web2 = post("/v1/states", states("web-2", 5));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(json(refused).get("error").asText()).contains("'web-3'");
        assertThat(web2.statusCode()).isEqualTo(202);
        assertThat(sink.states()).extracting(State::instance).containsOnly("web-2").hasSize(5);
    }

    @Test
    void rateRefillsWithTheInjectedClock() throws Exception {
        start(HTTP, new CollectorSettings(10_000, Duration.ofMinutes(10), 2, 5));
        post("/v1/states", states("web-1", 5));
        clock.advance(Duration.ofSeconds(1));

        assertThat(post("/v1/states", states("web-1", 3)).statusCode()).isEqualTo(429);
        assertThat(post("/v1/states", states("web-1", 2)).statusCode()).isEqualTo(202);
    }

    @Test
    void invalidRequestDoesNotUseUpTheRate() throws Exception {
        start(HTTP, new CollectorSettings(10_000, Duration.ofMinutes(10), 2, 5));
        String invalid = "[" + String.join(",", Collections.nCopies(4, state("web-1")))
                + ", {\"instance\": \"web-1\"}]";
        assertThat(post("/v1/states", invalid).statusCode()).isEqualTo(400);

        assertThat(post("/v1/states", states("web-1", 5)).statusCode()).isEqualTo(202);
    }

    @Test
    void configuredTokenIsRequired() throws Exception {
        start(new HttpSettings("127.0.0.1", 0, 10_000_000, Optional.of("s3cret-token")), CollectorSettings.defaults());

        HttpResponse<String> none = sendAsIs(HttpRequest.newBuilder(uri("/v1/state"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(state("web-1"))));
        HttpResponse<String> wrong = sendAsIs(HttpRequest.newBuilder(uri("/v1/state"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer not-the-token")
                .POST(HttpRequest.BodyPublishers.ofString(state("web-1"))));
        assertRejected(none, 401);
        assertRejected(wrong, 401);

        HttpResponse<String> right = sendAsIs(HttpRequest.newBuilder(uri("/v1/state"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer s3cret-token")
                .POST(HttpRequest.BodyPublishers.ofString(state("web-1"))));
        assertThat(right.statusCode()).as(right.body()).isEqualTo(202);
        assertThat(sink.states()).hasSize(1);
    }

    // --- helpers ---

    private void start() {
        start(HTTP, CollectorSettings.defaults());
    }

    private void start(HttpSettings http, CollectorSettings settings) {
        server = new ApiServer(http, registry)
                .add(new CollectorRoutes(sink, settings, clock, registry))
                .start();
    }

    /** A refused request: the status, a JSON error, nothing stored, and the server still healthy. */
    private void assertRejected(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(json(response).get("error").asText()).isNotBlank();
        assertThat(sink.batches()).isEmpty();
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    private static List<String> details(JsonNode body) {
        List<String> out = new ArrayList<>();
        for (JsonNode d : body.get("details")) {
            out.add(d.path("index").asText("-") + " " + d.get("field").asText() + " " + d.get("message").asText());
        }
        return out;
    }

    private static String state(String instance) {
        return stateAt(instance, NOW_S);
    }

    private static String stateAt(String instance, long timestamp) {
        return "{\"instance\": \"" + instance + "\", \"type\": \"ram\", \"value\": 81.5, \"timestamp\": "
                + timestamp + "}";
    }

    private static String states(String instance, int n) {
        StringBuilder body = new StringBuilder(n * 80).append('[');
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "" : ",").append(state(instance));
        }
        return body.append(']').toString();
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, "application/json", body);
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** Sends the request with the test's token, as an agent would. */
    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return sendAsIs(request.header("Authorization", "Bearer " + TOKEN));
    }

    private HttpResponse<String> sendAsIs(HttpRequest.Builder request) throws Exception {
        // Without idle keep-alive connections the server stops at once instead of after a second's grace
        // (the pom lets the client send this otherwise restricted header).
        request.header("Connection", "close");
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
