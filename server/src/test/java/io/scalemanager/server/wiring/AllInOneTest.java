package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.manager.rules.RulesetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AllInOneTest {
    private static final String RULES = """
            limits:
              "small-*": {ram: [1024, 4600]}
            rules:
              - name: ram-up
                when: ram > 80
                for: 5s
                then: ram +1024
                cooldown: 10m
              - name: load-alert
                when: load > 8
                for: 3s
                then: alert
                cooldown: 10m
            """;

    @TempDir
    Path dir;

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void thresholdHeldForTheWindowResizesOnceAndCooldownBlocksTheNextBurst() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            long t = now();
            server.report("web-1", "ram", t - 10, 85, 86, 87, 88, 89, 90);

            await().atMost(Duration.ofSeconds(20)).until(() ->
                    server.getJson("/v1/actions?instance=web-1&status=succeeded").path("actions").size() == 1);
            JsonNode action = server.getJson("/v1/actions?instance=web-1").path("actions").get(0);
            assertThat(action.path("rule").asText()).isEqualTo("ram-up");
            assertThat(action.path("component").asText()).isEqualTo("ram");
            assertThat(action.path("mode").asText()).isEqualTo("rel");
            assertThat(action.path("value").asDouble()).isEqualTo(1024);
            assertThat(action.path("event").path("type").asText()).isEqualTo("ram");
            assertThat(action.path("finished_at").isNumber()).isTrue();
            assertThat(server.getJson("/v1/instances/web-1").path("ram").asLong()).isEqualTo(4096 + 1024);

            double handledBefore = server.handledEvents();
            server.report("web-1", "ram", t, 91, 92, 93, 94, 95, 96, 97, 98, 99, 99);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.handledEvents() >= handledBefore + 10);
            assertThat(server.getJson("/v1/actions?instance=web-1").path("actions").size()).isEqualTo(1);
            assertThat(server.getJson("/v1/instances/web-1").path("ram").asLong()).isEqualTo(5120);
        }
    }

    @Test
    void samplesThatDoNotReachBackTheWholeWindowDoNotFire() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            server.report("web-2", "ram", now(), 85, 86, 87);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.handledEvents() >= 3);
            assertThat(server.getJson("/v1/actions?instance=web-2").path("actions").size()).isZero();
        }
    }

    @Test
    void reportsOlderThanTheMaximumAgeFillTheHistoryButDecideNothing() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            server.report("web-5", "ram", now() - 3600, 95, 95, 95, 95, 95, 95, 95, 95);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.handledEvents() >= 8);
            assertThat(server.getJson("/v1/history?instance=web-5&type=ram&from=0").path("samples").size())
                    .isEqualTo(8);
            assertThat(server.getJson("/v1/actions?instance=web-5").path("actions").size()).isZero();
        }
    }

    @Test
    void limitsClampTheCommand() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            server.report("small-1", "ram", now(), 90, 90, 90, 90, 90, 90);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    server.getJson("/v1/actions?instance=small-1&status=succeeded").path("actions").size() == 1);
            JsonNode action = server.getJson("/v1/actions?instance=small-1").path("actions").get(0);
            assertThat(action.path("from").asLong()).isEqualTo(4096);
            assertThat(action.path("to").asLong()).isEqualTo(4600);
            assertThat(server.getJson("/v1/instances/small-1").path("ram").asLong()).isEqualTo(4600);
        }
    }

    @Test
    void aFailingCommandMarksTheActionFailedAndRaisesAnAlert() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of("SCALEMANAGER_SIMULATOR_FAIL", "broken-*"))) {
            server.report("broken-1", "ram", now(), 95, 95, 95, 95, 95, 95);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    server.getJson("/v1/actions?instance=broken-1&status=failed").path("actions").size() == 1);
            JsonNode action = server.getJson("/v1/actions?instance=broken-1").path("actions").get(0);
            assertThat(action.path("error").asText()).contains("simulated failure");
            // The executor raises the alert just after it finished the action, on its own thread.
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    !server.getJson("/v1/alerts").path("alerts").isEmpty());
            JsonNode alerts = server.getJson("/v1/alerts").path("alerts");
            assertThat(alerts.size()).isEqualTo(1);
            assertThat(alerts.get(0).path("instance").asText()).isEqualTo("broken-1");
            assertThat(alerts.get(0).path("rule").asText()).isEqualTo("ram-up");
            assertThat(alerts.get(0).path("message").asText()).contains("simulated failure");
            assertThat(server.getJson("/v1/instances/broken-1").path("ram").asLong()).isEqualTo(4096);
        }
    }

    @Test
    void anAlertRuleRaisesOneAlertWhileItsConditionHolds() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            server.report("web-3", "load", now(), 9, 9, 9, 9, 9, 9, 9, 9);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.handledEvents() >= 8);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    server.getJson("/v1/alerts?instance=web-3").path("alerts").size() == 1);
            JsonNode alert = server.getJson("/v1/alerts?instance=web-3").path("alerts").get(0);
            assertThat(alert.path("rule").asText()).isEqualTo("load-alert");
            assertThat(alert.path("message").asText()).contains("load > 8");
            assertThat(server.getJson("/v1/actions?instance=web-3").path("actions").size()).isZero();
        }
    }

    @Test
    void instancesListShowsLatestValuesAndSize() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            server.report("web-4", "cpu", now(), 12.5);
            server.report("web-4", "ram", now(), 40);
            // The events counter goes up as handling starts, before the fleet view is updated: wait for the view.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.getJson("/v1/instances").path("instances")
                    .path(0).path("values").has("ram"));
            JsonNode instance = server.getJson("/v1/instances").path("instances").get(0);
            assertThat(instance.path("instance").asText()).isEqualTo("web-4");
            assertThat(instance.path("values").path("cpu").asDouble()).isEqualTo(12.5);
            assertThat(instance.path("values").path("ram").asDouble()).isEqualTo(40);
            assertThat(instance.path("size").path("cpu").asLong()).isEqualTo(2);
            assertThat(instance.path("last_seen").asLong()).isGreaterThan(0);
        }
    }

    @Test
    void aBrokenRulesetStopsStartUpNamingTheRuleAndLine() {
        String broken = """
                rules:
                  - name: ram-up
                    when: ram >> 80
                    then: ram +1024
                """;
        assertThatThrownBy(() -> TestServer.start(dir, broken, Map.of()))
                .isInstanceOf(RulesetException.class)
                .hasMessageContaining("ram-up")
                .hasMessageContaining(":3:");
    }

    @Test
    void aBadConfigValueStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> TestServer.start(dir, RULES, Map.of("SCALEMANAGER_QUEUE_PARTITIONS", "many")))
                .hasMessageContaining("queue.partitions")
                .hasMessageContaining("SCALEMANAGER_QUEUE_PARTITIONS");
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAToken() {
        assertThatThrownBy(() -> TestServer.start(dir, RULES, Map.of("SCALEMANAGER_LISTEN", "0.0.0.0:0")))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("api.token");
    }

    @Test
    void aDirectResizeIsRecordedInTheActionLogAsRuleApiAndARulesCommandIsNot() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            long t = now();
            server.report("web-7", "cpu", t, 10);
            server.report("web-8", "ram", t - 10, 85, 86, 87, 88, 89, 90);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    server.getJson("/v1/actions?instance=web-8&status=succeeded").path("actions").size() == 1);

            var accepted = server.post("/v1/instances/web-7/resize", "{\"component\": \"cpu\", \"mode\": \"abs\", "
                    + "\"value\": 3}");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String operation = com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                    .readTree(accepted.body()).path("operation").asText();

            await().atMost(Duration.ofSeconds(20)).until(() ->
                    server.getJson("/v1/actions?instance=web-7&status=succeeded").path("actions").size() == 1);
            JsonNode direct = server.getJson("/v1/actions?instance=web-7").path("actions").get(0);
            assertThat(direct.path("rule").asText()).isEqualTo("api");
            assertThat(direct.path("operation").asText()).isEqualTo(operation);
            assertThat(direct.path("from").asLong()).isEqualTo(2);
            assertThat(direct.path("to").asLong()).isEqualTo(3);
            assertThat(direct.path("reason").asText()).contains("directly");
            // the rule's command went through the same API and is recorded once, under its rule
            JsonNode ruleActions = server.getJson("/v1/actions?instance=web-8").path("actions");
            assertThat(ruleActions.size()).isEqualTo(1);
            assertThat(ruleActions.get(0).path("rule").asText()).isEqualTo("ram-up");
        }
    }
}
