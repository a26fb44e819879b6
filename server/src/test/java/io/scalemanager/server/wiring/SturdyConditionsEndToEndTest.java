package io.scalemanager.server.wiring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A spiky series through the whole all-in-one: a percentile and a ratio fire on it, the plain form does not. */
class SturdyConditionsEndToEndTest {
    private static final String RULES = """
            rules:
              - {name: plain-up, instances: "plain-*", when: cpu > 80, for: 10s, then: cpu +1, cooldown: 10m}
              - {name: p90-up, instances: "p90-*", when: p90(cpu) > 80, for: 10s, then: cpu +1, cooldown: 10m}
              - {name: ratio-up, instances: "ratio-*", when: cpu > 80, for: 10s, ratio: 0.8, then: cpu +1,
                 cooldown: 10m}
            """;
    /** One sample a second; busy but for two dips, so "cpu > 80" never holds for 10 s. */
    private static final double[] SPIKY = {95, 95, 40, 95, 95, 95, 95, 40, 95, 95, 95, 95, 95};

    @TempDir
    Path dir;

    @Test
    void aSpikySeriesFiresWithAPercentileAndARatioButNotPlain() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            long now = System.currentTimeMillis() / 1000;
            server.report("plain-1", "cpu", now, SPIKY);
            server.report("p90-1", "cpu", now, SPIKY);
            server.report("ratio-1", "cpu", now, SPIKY);

            for (String instance : new String[] {"p90-1", "ratio-1"}) {
                await().atMost(Duration.ofSeconds(30)).until(() -> server.getJson("/v1/actions?instance=" + instance
                        + "&status=succeeded").path("actions").size() == 1);
                assertThat(server.getJson("/v1/instances/" + instance).path("cpu").asLong()).isEqualTo(3);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.handledEvents() >= 3 * SPIKY.length);
            assertThat(server.getJson("/v1/actions?instance=plain-1").path("actions").size()).isZero();
            assertThat(server.getJson("/v1/actions?instance=p90-1").path("actions").get(0).path("rule").asText())
                    .isEqualTo("p90-up");
        }
    }

    @Test
    void aSpentBudgetHoldsBackTheRestAndAlertsOnce() throws Exception {
        String rules = """
                rules:
                  - {name: cpu-up, when: cpu > 80, for: 3s, then: cpu +1, cooldown: 10m}
                budgets:
                  - {instances: "web-*", max_actions: 2, per: 10m}
                """;
        try (TestServer server = TestServer.start(dir, rules, Map.of())) {
            long now = System.currentTimeMillis() / 1000;
            for (int i = 1; i <= 5; i++) {
                server.report("web-" + i, "cpu", now, 95, 95, 95, 95, 95);
            }
            server.report("db-1", "cpu", now, 95, 95, 95, 95, 95);

            await().atMost(Duration.ofSeconds(30)).until(() -> server.handledEvents() >= 30);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    server.getJson("/v1/actions?instance=db-1").path("actions").size() == 1);
            int onWeb = 0;
            for (int i = 1; i <= 5; i++) {
                onWeb += server.getJson("/v1/actions?instance=web-" + i).path("actions").size();
            }
            assertThat(onWeb).as("actions on web-* within the budget").isEqualTo(2);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    server.getJson("/v1/alerts").path("alerts").size() >= 1);
            var alerts = server.getJson("/v1/alerts").path("alerts");
            assertThat(alerts.size()).as("one alert for the spent budget, not one per rule or sample").isEqualTo(1);
            assertThat(alerts.get(0).path("message").asText())
                    .startsWith("budget \"web-*\" (2 actions per 10m) is spent: 2 actions in the last 10m");
        }
    }
}
