package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Nothing user-supplied grows memory without bound: known instances are capped, silent ones forgotten. */
class MemoryBoundsTest {
    @TempDir
    Path dir;

    private static String state(String instance, long ts) {
        return "[{\"instance\":\"" + instance + "\",\"type\":\"cpu\",\"value\":1,\"timestamp\":" + ts + "}]";
    }

    private static List<String> listed(TestServer server) throws Exception {
        List<String> ids = new ArrayList<>();
        server.getJson("/v1/instances").path("instances").forEach(i -> ids.add(i.get("instance").asText()));
        return ids;
    }

    @Test
    void beyondMaxInstancesNewIdsGet429AndOneAlertWhileKnownOnesGoOn() throws Exception {
        try (TestServer server = TestServer.start(dir, "rules: []\n",
                Map.of("SCALEMANAGER_COLLECTOR_MAX_INSTANCES", "3"))) {
            long now = System.currentTimeMillis() / 1000 - 10;
            for (String id : List.of("vm-a", "vm-b", "vm-c")) {
                assertThat(server.post("/v1/states", state(id, now)).statusCode()).isEqualTo(202);
            }
            HttpResponse<String> refused = server.post("/v1/states",
                    "[{\"instance\":\"vm-a\",\"type\":\"cpu\",\"value\":2,\"timestamp\":" + now + "},"
                            + "{\"instance\":\"vm-d\",\"type\":\"cpu\",\"value\":2,\"timestamp\":" + now + "}]");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.body()).contains("collector.max_instances = 3", "'vm-d'");
            assertThat(server.post("/v1/states", state("vm-e", now)).statusCode()).isEqualTo(429);
            assertThat(server.post("/v1/states", state("vm-a", now + 1)).statusCode()).isEqualTo(202);

            assertThat(server.getJson("/v1/history?instance=vm-d&type=cpu&from=0").path("samples").size())
                    .as("the refused request stored nothing").isZero();
            assertThat(server.getJson("/v1/history?instance=vm-a&type=cpu&from=0").path("samples").size())
                    .isEqualTo(2);
            JsonNode alerts = server.getJson("/v1/alerts").path("alerts");
            List<String> limitAlerts = new ArrayList<>();
            alerts.forEach(a -> {
                if (a.get("message").asText().contains("collector.max_instances")) {
                    limitAlerts.add(a.get("message").asText());
                }
            });
            assertThat(limitAlerts).as("one alert for the two refusals").hasSize(1);
            assertThat(limitAlerts.get(0)).contains("knows 3 instances", "vm-d");
        }
    }

    @Test
    void instancesSilentLongerThanForgetAfterLeaveTheFleetView() throws Exception {
        try (TestServer server = TestServer.start(dir, "rules: []\n",
                Map.of("SCALEMANAGER_MANAGER_FORGET_AFTER", "3s"))) {
            long now = System.currentTimeMillis() / 1000;
            assertThat(server.post("/v1/states", state("gone-1", now)).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> listed(server).contains("gone-1"));

            // Only the other instance keeps reporting; the silent one is forgotten, the reporting one kept.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                server.post("/v1/states", state("alive-1", System.currentTimeMillis() / 1000));
                List<String> ids = listed(server);
                return ids.contains("alive-1") && !ids.contains("gone-1");
            });
        }
    }
}
