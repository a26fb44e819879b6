package io.scalemanager.instanceapi.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Bounds;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.instanceapi.provider.simulator.SimulatorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class InstanceApiRoutesTest {
    /** Changes always need a token, also on loopback (CONTRACT.md, "Access"). */
    private static final String TOKEN = "instance-api-test-token";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-11-25T10:00:00Z"), ZoneOffset.UTC);
    private static final Duration FOREVER = Duration.ofHours(1);

    @TempDir
    Path dir;
    private final List<InstanceApiHarness> harnesses = new ArrayList<>();

    @AfterEach
    void closeAll() {
        harnesses.forEach(InstanceApiHarness::close);
    }

    private InstanceApiHarness open(Duration resizeDelay) {
        return open(settings(resizeDelay, null), Optional.of(TOKEN));
    }

    private InstanceApiHarness open(SimulatorSettings settings, Optional<String> token) {
        InstanceApiHarness h = new InstanceApiHarness(dir, settings, CLOCK, token,
                Set.of("web-1", "web-2", "rack/web-3", "doomed-1"));
        harnesses.add(h);
        return h;
    }

    private static SimulatorSettings settings(Duration delay, String failPattern) {
        return new SimulatorSettings(SimulatorSettings.DEFAULT_SIZE, delay,
                Optional.ofNullable(failPattern).map(InstancePattern::parse));
    }

    private static String body(String component, String mode, Object value) {
        return "{\"component\": \"" + component + "\", \"mode\": \"" + mode + "\", \"value\": " + value + "}";
    }

    private String accepted(InstanceApiHarness h, String instance, String body, String... headers) {
        HttpResponse<String> response = h.resize(instance, body, headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return h.json(response).get("operation").asText();
    }

    private void awaitStatus(InstanceApiHarness h, String operation, String status) {
        await().atMost(Duration.ofSeconds(10)).until(() -> h.operationStatus(operation), status::equals);
    }

    private static List<String> fields(JsonNode error) {
        List<String> fields = new ArrayList<>();
        error.path("details").forEach(d -> fields.add(d.get("field").asText()));
        return fields;
    }

    @Test
    void absRelAndPercentResizesChangeTheSimulatedSize() {
        InstanceApiHarness h = open(Duration.ZERO);
        assertThat(h.json(h.get("/v1/instances/web-1")).toString())
                .isEqualTo("{\"instance\":\"web-1\",\"cpu\":2,\"ram\":4096,\"storage\":50,\"source\":\"simulator\"}");

        awaitStatus(h, accepted(h, "web-1", body("cpu", "abs", 4)), "succeeded");
        awaitStatus(h, accepted(h, "web-1", body("ram", "rel", 1024)), "succeeded");
        awaitStatus(h, accepted(h, "web-1", body("storage", "percent", 10)), "succeeded");

        assertThat(h.json(h.get("/v1/instances/web-1")).toString())
                .isEqualTo("{\"instance\":\"web-1\",\"cpu\":4,\"ram\":5120,\"storage\":55,\"source\":\"simulator\"}");
    }

    @Test
    void operationShowsTheChangeItsSizesAndItsTimesInEpochSeconds() {
        InstanceApiHarness h = open(Duration.ZERO);
        String id = accepted(h, "web-1", body("ram", "rel", -1024));
        awaitStatus(h, id, "succeeded");

        JsonNode op = h.json(h.get("/v1/operations/" + id));
        assertThat(op.get("operation").asText()).isEqualTo(id);
        assertThat(op.get("instance").asText()).isEqualTo("web-1");
        assertThat(op.get("error").isNull()).isTrue();
        assertThat(op.get("component").asText()).isEqualTo("ram");
        assertThat(op.get("mode").asText()).isEqualTo("rel");
        assertThat(op.get("value").asLong()).isEqualTo(-1024);
        assertThat(op.get("from").asLong()).isEqualTo(4096);
        assertThat(op.get("to").asLong()).isEqualTo(3072);
        assertThat(op.get("created_at").asLong()).isEqualTo(1764064800L);
        assertThat(op.get("started_at").asLong()).isEqualTo(1764064800L);
        assertThat(op.get("finished_at").asLong()).isEqualTo(1764064800L);
    }

    @Test
    void unknownInstanceAndUnknownOperationAre404() {
        InstanceApiHarness h = open(Duration.ZERO);
        assertThat(h.resize("never-reported", body("cpu", "abs", 4)).statusCode()).isEqualTo(404);
        assertThat(h.get("/v1/instances/never-reported").statusCode()).isEqualTo(404);
        HttpResponse<String> op = h.get("/v1/operations/no-such-operation");
        assertThat(op.statusCode()).isEqualTo(404);
        assertThat(h.json(op).get("error").asText()).contains("no-such-operation");
    }

    @Test
    void secondResizeWhileOneIsRunningIs409() {
        InstanceApiHarness h = open(FOREVER);
        String first = accepted(h, "web-1", body("cpu", "abs", 4));
        awaitStatus(h, first, "running");

        HttpResponse<String> second = h.resize("web-1", body("ram", "rel", 1024));
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(h.json(second).get("error").asText()).contains(first);
        // Other instances are not held up.
        String other = accepted(h, "web-2", body("cpu", "abs", 3));

        await().until(() -> h.simulator.resizesInProgress() == 2);
        h.simulator.finishResizesInProgress();
        awaitStatus(h, first, "succeeded");
        awaitStatus(h, other, "succeeded");
        awaitStatus(h, accepted(h, "web-1", body("ram", "rel", 1024)), "running");
    }

    @Test
    void replayWithTheSameIdempotencyKeyReturnsTheSameOperationAndResizesOnce() {
        InstanceApiHarness h = open(Duration.ZERO);
        String first = accepted(h, "web-1", body("cpu", "rel", 1), "Idempotency-Key", "k-1");
        String again = accepted(h, "web-1", body("cpu", "rel", 1), "Idempotency-Key", "k-1");
        awaitStatus(h, first, "succeeded");
        String afterwards = accepted(h, "web-1", body("cpu", "rel", 1), "Idempotency-Key", "k-1");

        assertThat(again).isEqualTo(first);
        assertThat(afterwards).isEqualTo(first);
        assertThat(h.size("web-1", "cpu")).isEqualTo(3);
    }

    @Test
    void sameIdempotencyKeyWithAnotherBodyIs422() {
        InstanceApiHarness h = open(Duration.ZERO);
        accepted(h, "web-1", body("cpu", "rel", 1), "Idempotency-Key", "k-2");

        HttpResponse<String> otherValue = h.resize("web-1", body("cpu", "rel", 2), "Idempotency-Key", "k-2");
        HttpResponse<String> otherInstance = h.resize("web-2", body("cpu", "rel", 1), "Idempotency-Key", "k-2");

        assertThat(otherValue.statusCode()).isEqualTo(422);
        assertThat(h.json(otherValue).get("error").asText()).contains("k-2", "another request");
        assertThat(fields(h.json(otherValue))).containsExactly("Idempotency-Key");
        assertThat(otherInstance.statusCode()).isEqualTo(422);
    }

    @Test
    void resizeCrossingTheLimitsIs422NamingTheBoundAndChangesNothing() {
        InstanceApiHarness h = open(Duration.ZERO);
        h.limits.set(new Limits(List.of(new Limits.Entry(InstancePattern.parse("web-*"),
                Map.of(Component.CPU, new Bounds(1, 8))))));

        HttpResponse<String> above = h.resize("web-1", body("cpu", "abs", 16));
        HttpResponse<String> below = h.resize("web-1", body("cpu", "rel", -2));
        HttpResponse<String> belowOne = h.resize("web-1", body("ram", "percent", -100));

        assertThat(above.statusCode()).isEqualTo(422);
        assertThat(h.json(above).get("error").asText()).contains("maximum 8 cores", "web-*");
        assertThat(fields(h.json(above))).containsExactly("value");
        assertThat(below.statusCode()).isEqualTo(422);
        assertThat(h.json(below).get("error").asText()).contains("minimum 1 cores");
        assertThat(belowOne.statusCode()).isEqualTo(422);
        assertThat(h.json(belowOne).get("error").asText()).contains("ram would become 0");
        assertThat(h.size("web-1", "cpu")).isEqualTo(2);
        assertThat(h.size("web-1", "ram")).isEqualTo(4096);
    }

    @Test
    void withoutLimitsResizesStayWithinTheDefaultBounds() {
        InstanceApiHarness h = open(Duration.ZERO);
        HttpResponse<String> cpu = h.resize("web-1", body("cpu", "abs", 65));
        assertThat(cpu.statusCode()).isEqualTo(422);
        assertThat(cpu.body()).contains("above the maximum 64 cores set by the default bounds");
        HttpResponse<String> ram = h.resize("web-1", body("ram", "abs", 255));
        assertThat(ram.statusCode()).isEqualTo(422);
        assertThat(ram.body()).contains("below the minimum 256 MiB");
        assertThat(h.resize("web-1", body("storage", "abs", 65_537)).statusCode()).isEqualTo(422);
        assertThat(h.resize("web-1", body("ram", "abs", 1_048_577)).statusCode()).isEqualTo(422);
        String id = accepted(h, "web-1", body("cpu", "abs", 64));
        awaitStatus(h, id, "succeeded");
        assertThat(h.size("web-1", "cpu")).isEqualTo(64);
    }

    @Test
    void invalidFieldsAre422NamingEachField() {
        InstanceApiHarness h = open(Duration.ZERO);
        HttpResponse<String> all = h.resize("web-1", "{\"component\": \"gpu\", \"mode\": \"double\", \"value\": \"x\"}");
        HttpResponse<String> missing = h.resize("web-1", "{}");
        HttpResponse<String> infinite = h.resize("web-1", body("cpu", "rel", "\"Infinity\""));
        HttpResponse<String> zeroAbs = h.resize("web-1", body("cpu", "abs", 0));
        HttpResponse<String> zeroRel = h.resize("web-1", body("cpu", "rel", 0));
        HttpResponse<String> zeroPercent = h.resize("web-1", body("ram", "percent", "0.0"));
        HttpResponse<String> objectValue = h.resize("web-1", body("cpu", "abs", "{\"n\": 1}"));
        HttpResponse<String> notObject = h.resize("web-1", "[1, 2]");
        HttpResponse<String> badId = h.resize("web%201", body("cpu", "abs", 4));

        assertThat(all.statusCode()).isEqualTo(422);
        assertThat(fields(h.json(all))).containsExactly("component", "mode", "value");
        assertThat(fields(h.json(missing))).containsExactly("component", "mode", "value");
        assertThat(h.json(infinite).get("details").get(0).get("message").asText()).contains("finite");
        assertThat(fields(h.json(zeroAbs))).containsExactly("value");
        assertThat(h.json(zeroRel).get("details").get(0).get("message").asText()).contains("change of 0");
        assertThat(fields(h.json(zeroPercent))).containsExactly("value");
        assertThat(fields(h.json(objectValue))).containsExactly("value");
        assertThat(notObject.statusCode()).isEqualTo(422);
        assertThat(badId.statusCode()).isEqualTo(422);
        assertThat(fields(h.json(badId))).containsExactly("instance");
        for (HttpResponse<String> r : List.of(missing, infinite, zeroAbs, zeroRel, zeroPercent, objectValue)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        }
    }

    @Test
    void malformedJsonIs400() {
        InstanceApiHarness h = open(Duration.ZERO);
        HttpResponse<String> response = h.resize("web-1", "{\"component\": ");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(h.json(response).get("error").asText()).startsWith("malformed JSON");
    }

    @Test
    void resizeOfAnInstanceMatchingTheFailPatternFailsWithItsError() {
        InstanceApiHarness h = open(settings(Duration.ZERO, "doomed-*"), Optional.of(TOKEN));
        String id = accepted(h, "doomed-1", body("cpu", "abs", 4));
        awaitStatus(h, id, "failed");

        assertThat(h.json(h.get("/v1/operations/" + id)).get("error").asText()).isEqualTo("simulated failure");
        assertThat(h.size("doomed-1", "cpu")).isEqualTo(2);
        assertThat(h.get("/metrics").body()).contains("scalemanager_operations_total{status=\"failed\"} 1.0");
    }

    @Test
    void instanceIdWithASlashWorksPercentEncodedAndRaw() {
        InstanceApiHarness h = open(Duration.ZERO);
        awaitStatus(h, accepted(h, "rack%2Fweb-3", body("cpu", "abs", 4)), "succeeded");
        assertThat(h.json(h.get("/v1/instances/rack%2Fweb-3")).get("cpu").asLong()).isEqualTo(4);

        awaitStatus(h, accepted(h, "rack/web-3", body("cpu", "abs", 6)), "succeeded");
        assertThat(h.json(h.get("/v1/instances/rack/web-3")).get("instance").asText()).isEqualTo("rack/web-3");
        assertThat(h.size("rack%2Fweb-3", "cpu")).isEqualTo(6);
    }

    @Test
    void originalEndpointRunsTheResizeAndAnswers200WhenDone() {
        InstanceApiHarness h = open(Duration.ofMillis(50));
        HttpResponse<String> response = h.post("/instance?instance=web-1&type=rel&value=1024&component=ram", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(h.json(response).get("status").asText()).isEqualTo("succeeded");
        assertThat(h.size("web-1", "ram")).isEqualTo(5120);
        assertThat(h.get("/metrics").body()).contains("scalemanager_operations_total{status=\"succeeded\"} 1.0");
    }

    @Test
    void originalEndpointAnswers406WhenTheResizeCannotBeDone() {
        InstanceApiHarness h = open(settings(FOREVER, "doomed-*"), Optional.of(TOKEN));
        h.limits.set(new Limits(List.of(new Limits.Entry(InstancePattern.ANY,
                Map.of(Component.CPU, new Bounds(1, 8))))));

        HttpResponse<String> unknown = h.post("/instance?instance=ghost&type=abs&value=4&component=cpu", "");
        HttpResponse<String> invalid = h.post("/instance?instance=web-1&type=twice&value=x&component=cpu", "");
        HttpResponse<String> outOfLimits = h.post("/instance?instance=web-1&type=abs&value=64&component=cpu", "");
        String running = accepted(h, "web-2", body("cpu", "abs", 4));
        HttpResponse<String> conflict = h.post("/instance?instance=web-2&type=abs&value=3&component=cpu", "");

        assertThat(List.of(unknown, invalid, outOfLimits, conflict)).allSatisfy(r -> {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(406);
            assertThat(h.json(r).get("error").asText()).isNotBlank();
        });
        assertThat(fields(h.json(invalid))).containsExactly("mode", "value");
        assertThat(h.json(outOfLimits).get("error").asText()).contains("maximum 8");

        await().until(() -> h.simulator.resizesInProgress() == 1);
        h.simulator.finishResizesInProgress();
        awaitStatus(h, running, "succeeded");
    }

    @Test
    void originalEndpointAnswers406WhenTheResizeFails() {
        InstanceApiHarness h = open(settings(Duration.ZERO, "doomed-*"), Optional.of(TOKEN));
        HttpResponse<String> failed = h.post("/instance?instance=doomed-1&type=abs&value=4&component=cpu", "");

        assertThat(failed.statusCode()).isEqualTo(406);
        assertThat(h.json(failed).get("error").asText()).contains("simulated failure");
    }

    @Test
    void restartKeepsSizesAndOperationsAndResumesTheOperationLeftRunning() {
        InstanceApiHarness before = open(FOREVER);
        String done = accepted(before, "web-1", body("cpu", "abs", 4));
        await().until(() -> before.simulator.resizesInProgress() == 1);
        before.simulator.finishResizesInProgress();
        awaitStatus(before, done, "succeeded");
        String interrupted = accepted(before, "web-2", body("ram", "abs", 8192));
        awaitStatus(before, interrupted, "running");
        before.close();
        harnesses.remove(before);

        InstanceApiHarness after = open(Duration.ZERO);

        assertThat(after.size("web-1", "cpu")).isEqualTo(4);
        assertThat(after.operationStatus(done)).isEqualTo("succeeded");
        awaitStatus(after, interrupted, "succeeded");
        assertThat(after.size("web-2", "ram")).isEqualTo(8192);
    }

    @Test
    void withATokenConfiguredAResizeWithoutBearerTokenIs401() {
        InstanceApiHarness h = open(settings(Duration.ZERO, null), Optional.of("s3cret"));

        HttpResponse<String> anonymous = h.postWithoutToken("/v1/instances/web-1/resize", body("cpu", "abs", 4));
        HttpResponse<String> legacy = h.postWithoutToken("/instance?instance=web-1&type=abs&value=4&component=cpu",
                "");

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(legacy.statusCode()).isEqualTo(401);
        assertThat(h.get("/v1/instances/web-1").statusCode()).isEqualTo(200);
        awaitStatus(h, accepted(h, "web-1", body("cpu", "abs", 4)), "succeeded");
    }
}
