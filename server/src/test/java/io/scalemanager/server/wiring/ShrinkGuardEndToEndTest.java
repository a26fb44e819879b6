package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.db.TestMariaDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shrink guard on the all-in-one, through its HTTP API, on H2 and MariaDB: a day of ram use in the history (the
 * simulator's VMs start at 4096 MiB), then a rule that wants ram -1024. The guard projects the p99 of the day onto
 * 3072 MiB. A change budget of one action covers the guarded VMs: a refusal must not spend it.
 */
class ShrinkGuardEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String RULES = """
            budgets:
              - {instances: "vm-*", max_actions: 1, per: 1h}
            rules:
              - name: ram-down
                instances: "vm-*"
                when: ram < 40
                for: 3s
                then: ram -1024
                cooldown: 10m
              - name: ram-down-unguarded
                instances: "free-*"
                when: ram < 40
                for: 3s
                then: ram -1024
                cooldown: 10m
                guard: false
            """;

    @TempDir
    Path dir;

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /**
     * One hundred ram_used_mb samples spread over the last 23 hours: 95 at 1000 MiB and 5 at {@code peakMb}, so
     * the p99 (nearest rank) is the peak.
     */
    private static void dayOfRamUse(TestServer server, String instance, double peakMb) throws Exception {
        long start = now() - 23 * 3600;
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            double value = i % 20 == 7 ? peakMb : 1000;
            json.append(i == 0 ? "" : ",").append("{\"instance\":\"").append(instance)
                    .append("\",\"type\":\"ram_used_mb\",\"value\":").append(value).append(",\"timestamp\":")
                    .append(start + i * 800L).append('}');
        }
        HttpResponse<String> r = server.post("/v1/states", json.append(']').toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private static JsonNode decisions(TestServer server, String query) throws Exception {
        return server.getJson("/v1/decisions?" + query).path("decisions");
    }

    private static long ram(TestServer server, String instance) throws Exception {
        return server.getJson("/v1/instances/" + instance).path("ram").asLong();
    }

    @Test
    void aShrinkTheDayWouldNotFitIsRefusedOncePerCooldownWithoutSpendingTheBudgetOnH2() throws Exception {
        refusedOncePerCooldownWithoutSpendingTheBudget(Map.of());
    }

    @Test
    void aShrinkTheDayWouldNotFitIsRefusedOncePerCooldownWithoutSpendingTheBudgetOnMariaDb() throws Exception {
        String url = TestMariaDb.url("guard_" + Integer.toHexString(dir.toString().hashCode()));
        refusedOncePerCooldownWithoutSpendingTheBudget(Map.of("SCALEMANAGER_DB_URL", url,
                "SCALEMANAGER_DB_USER", "root"));
    }

    private void refusedOncePerCooldownWithoutSpendingTheBudget(Map<String, String> env) throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, env)) {
            dayOfRamUse(server, "vm-full", 0.90 * 3072);   // p99 at 90% of the target size
            dayOfRamUse(server, "vm-light", 0.60 * 3072);  // p99 at 60%
            dayOfRamUse(server, "vm-more", 0.60 * 3072);   // 60% too, but after the budget is spent
            dayOfRamUse(server, "free-full", 0.90 * 3072); // 90%, but its rule says guard: false
            server.report("vm-full", "ram", now(), 20, 20, 20, 20, 20);

            await().atMost(WAIT).until(() -> decisions(server, "instance=vm-full&outcome=guard").size() == 1);
            JsonNode guard = decisions(server, "instance=vm-full&outcome=guard").get(0);
            assertThat(guard.path("rule").asText()).isEqualTo("ram-down");
            assertThat(guard.path("reason").asText()).isEqualTo("shrink refused by the guard: ram 4096 → 3072 would "
                    + "run at 90% (p99 of 24h, guard_max 85%)");
            JsonNode action = server.getJson("/v1/actions?instance=vm-full").path("actions").get(0);
            assertThat(action.path("id").asLong()).isEqualTo(guard.path("action").asLong());
            // Failed (the contract's statuses), but refused before sending: no failed command.
            assertThat(action.path("status").asText()).isEqualTo("failed");
            assertThat(action.path("refused_by").asText()).isEqualTo("guard");
            assertThat(action.path("error").asText()).contains("the shrink guard refused it");
            assertThat(ram(server, "vm-full")).isEqualTo(4096);
            // The guard starts the rule's cooldown: the rule keeps holding and records no second guard.
            server.report("vm-full", "ram", now() + 1, 20, 20, 20, 20, 20);
            await().atMost(WAIT).until(() -> decisions(server, "instance=vm-full&outcome=blocked").size() >= 1);
            assertThat(decisions(server, "instance=vm-full&outcome=guard").size()).isEqualTo(1);
            assertThat(server.getJson("/v1/actions?instance=vm-full").path("actions").size()).isEqualTo(1);
            assertThat(server.getJson("/v1/alerts?instance=vm-full").path("alerts").size()).isZero();

            // The refusal spent no budget: the one action of the hour is still there for vm-light.
            long t = now();
            for (String vm : new String[] {"vm-light", "free-full"}) {
                server.report(vm, "ram", t, 20, 20, 20, 20, 20);
            }
            await().atMost(WAIT).until(() -> ram(server, "vm-light") == 3072);
            assertThat(decisions(server, "instance=vm-light&outcome=guard").size()).isZero();
            assertThat(decisions(server, "instance=vm-light&outcome=budget").size()).isZero();
            JsonNode made = server.getJson("/v1/actions?instance=vm-light").path("actions").get(0);
            assertThat(made.path("refused_by").isNull()).isTrue();
            await().atMost(WAIT).until(() -> ram(server, "free-full") == 3072);
            assertThat(decisions(server, "instance=free-full&outcome=guard").size()).isZero();
            // vm-light's resize did spend it: a third shrink waits for the budget.
            server.report("vm-more", "ram", now(), 20, 20, 20, 20, 20);
            await().atMost(WAIT).until(() -> decisions(server, "instance=vm-more&outcome=budget").size() >= 1);
            assertThat(ram(server, "vm-more")).isEqualTo(4096);
            assertThat(server.getJson("/v1/actions?instance=vm-more").path("actions").size()).isZero();

            String metrics = server.get("/metrics").body();
            assertThat(metrics).containsPattern(
                    "scalemanager_rule_outcomes_total\\{outcome=\"guard\",rule=\"ram-down\"} 1");
            assertThat(metrics).doesNotContain("scalemanager_manager_actions_finished_total{status=\"failed\"}");
            assertThat(server.getJson("/v1/alerts?instance=vm-full").path("alerts").size()).isZero();
        }
    }
}
