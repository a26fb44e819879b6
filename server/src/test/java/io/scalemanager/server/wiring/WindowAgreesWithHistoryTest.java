package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.condition.Operator;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.manager.window.Window;
import io.scalemanager.core.condition.ConditionStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** The manager's in-memory windows and the history's query endpoint must give the same answers. */
class WindowAgreesWithHistoryTest {
    @TempDir
    Path dir;

    @Test
    void windowQueryMatchesHistoryQueryOnRandomData() throws Exception {
        Random random = new Random(7);
        long end = System.currentTimeMillis() / 1000 * 1000;
        Window window = new Window(Duration.ofHours(1));
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 400; i++) {
            long ts = end - random.nextInt(600_000);
            double value = random.nextInt(20) * 5.0; // repeats, so == and != have matches
            window.add(ts, value);
            json.append(i == 0 ? "" : ",").append("{\"instance\":\"web-1\",\"type\":\"ram\",\"value\":").append(value)
                    .append(",\"timestamp\":").append(BigDecimal.valueOf(ts, 3).toPlainString()).append('}');
        }
        try (TestServer server = TestServer.start(dir, "rules: []\n", Map.of())) {
            assertThat(server.post("/v1/states", json.append(']').toString()).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.handledEvents() >= 400);

            for (int q = 0; q < 60; q++) {
                Operator op = Operator.values()[q % Operator.values().length];
                double threshold = random.nextInt(20) * 5.0;
                long from = end - random.nextInt(700_000);
                long to = from + random.nextInt(300_000);
                ConditionStats expected = window.query(new Condition("ram", op, threshold), from, to);
                JsonNode actual = server.getJson("/v1/history/query?instance=web-1&type=ram&op="
                        + URLEncoder.encode(op.symbol(), StandardCharsets.UTF_8) + "&value=" + threshold
                        + "&from=" + BigDecimal.valueOf(from, 3).toPlainString()
                        + "&to=" + BigDecimal.valueOf(to, 3).toPlainString());
                String what = op.symbol() + " " + threshold + " over [" + from + ", " + to + "]";
                assertThat(actual.path("held").asBoolean()).as(what).isEqualTo(expected.held());
                assertThat(actual.path("matched").asInt()).as(what).isEqualTo(expected.matched());
                assertThat(actual.path("unmatched").asInt()).as(what).isEqualTo(expected.unmatched());
                assertThat(actual.path("count").asInt()).as(what).isEqualTo(expected.count());
                if (expected.count() > 0) {
                    assertThat(actual.path("avg").asDouble()).as(what).isCloseTo(expected.avg(), within(1e-9));
                    assertThat(actual.path("min").asDouble()).as(what).isEqualTo(expected.min());
                    assertThat(actual.path("max").asDouble()).as(what).isEqualTo(expected.max());
                } else {
                    assertThat(actual.path("avg").isNull()).as(what).isTrue();
                }
            }
        }
    }
}
