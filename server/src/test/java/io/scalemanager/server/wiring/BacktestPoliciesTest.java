package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/rules/backtest} on the all-in-one replays what the rules' own file and the operator added:
 * a pause made and ended through {@code /v1/pauses}, a schedule, a rule's {@code dry_run} and
 * {@code manager.dry_run} (which makes the schedules dry runs too). The live ruleset watches nothing the test
 * reports, so only the backtest acts.
 */
class BacktestPoliciesTest {
    private static final String LIVE = """
            rules:
              - name: quiet
                when: disk > 1000
                then: alert
            """;
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** The backtested ruleset: a schedule at this minute (UTC), a live cpu rule and a dry-run ram rule. */
    private static String rules(long occurrenceMs) {
        return """
                rules:
                  - name: cpu-up
                    when: load > 4
                    for: 2s
                    then: cpu +1
                    cooldown: 1h
                  - name: ram-up
                    when: load > 4
                    for: 2s
                    then: ram +1024
                    cooldown: 1h
                    dry_run: true
                schedules:
                  - name: morning
                    instances: "web-*"
                    at: "%s"
                    set: {storage: 77}
                """.formatted(HH_MM.format(Instant.ofEpochMilli(occurrenceMs)));
    }

    private static JsonNode backtest(TestServer server, String rules, long fromS, long toS) throws Exception {
        HttpResponse<String> r = server.post("/v1/rules/backtest", "{\"rules\": "
                + Json.mapper().writeValueAsString(rules) + ", \"from\": " + fromS + ", \"to\": " + toS + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private static List<String> actions(JsonNode result) {
        List<String> list = new ArrayList<>();
        for (JsonNode a : result.path("actions")) {
            list.add(a.path("instance").asText() + " " + a.path("rule").asText() + " " + a.path("component").asText()
                    + " " + a.path("from").asLong() + "→" + a.path("to").asLong()
                    + (a.path("dry_run").asBoolean() ? " dry" : ""));
        }
        return list;
    }

    private static JsonNode rule(JsonNode result, String name) {
        for (JsonNode r : result.path("rules")) {
            if (r.path("rule").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no rule " + name + " in " + result);
    }

    @Test
    void aPauseMadeAndEndedThroughTheApiAScheduleAndADryRunAreReplayed() throws Exception {
        try (TestServer server = TestServer.start(dir, LIVE, Map.of())) {
            // The range starts with this minute, the schedule's moment; the samples are of the seconds before now.
            long fromMs = System.currentTimeMillis() / 60_000 * 60_000;
            long now = System.currentTimeMillis() / 1000 - 2;
            // web-1's cpu-up is paused while its load holds; web-2 is not paused.
            HttpResponse<String> created = server.post("/v1/pauses", "{\"instances\": \"web-1\", \"rule\": \"cpu-up\","
                    + " \"duration\": \"1h\", \"comment\": \"release\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            long pause = server.json(created).path("id").asLong();
            server.report("web-1", "load", now, 6, 6, 6, 6);
            server.report("web-2", "load", now, 6, 6, 6, 6);
            long endedMs = System.currentTimeMillis();
            assertThat(server.delete("/v1/pauses/" + pause).statusCode()).isEqualTo(204);
            // The pause has ended; web-1's window was kept, so its next sample fires at once.
            server.report("web-1", "load", now + 1, 6);
            // The range goes on past the scheduler's next tick (every 10 s), which finds web-1 and web-2 known.
            long toS = System.currentTimeMillis() / 1000 + 12;

            JsonNode result = backtest(server, rules(fromMs), fromMs / 1000, toS);

            assertThat(actions(result)).containsExactlyInAnyOrder(
                    "web-1 morning storage 50→77", "web-2 morning storage 50→77",
                    "web-2 cpu-up cpu 2→3", "web-2 ram-up ram 4096→5120 dry",
                    "web-1 ram-up ram 4096→5120 dry", "web-1 cpu-up cpu 2→3");
            for (JsonNode a : result.path("actions")) {
                if (a.path("instance").asText().equals("web-1") && a.path("rule").asText().equals("cpu-up")) {
                    assertThat(a.path("time").asDouble() * 1000).as("fired after the pause ended").isGreaterThan(endedMs);
                }
            }
            assertThat(rule(result, "ram-up").path("would_fire").asLong()).isEqualTo(2);
            assertThat(rule(result, "ram-up").path("fired").asLong()).isZero();
            assertThat(rule(result, "morning").path("fired").asLong()).isEqualTo(2);
            assertThat(rule(result, "cpu-up").path("fired").asLong()).isEqualTo(2);
            // Ended, the pause is no longer listed, but its record still says when it was in force.
            assertThat(server.getJson("/v1/pauses").path("pauses").size()).isZero();
        }
    }

    @Test
    void managerDryRunMakesEveryRuleOfABacktestADryRun() throws Exception {
        try (TestServer server = TestServer.start(dir, LIVE, Map.of("SCALEMANAGER_MANAGER_DRY_RUN", "true"))) {
            long fromMs = System.currentTimeMillis() - 1000;
            long now = System.currentTimeMillis() / 1000 - 1;
            server.report("web-1", "load", now, 6, 6, 6, 6);
            long toS = System.currentTimeMillis() / 1000 + 1;

            JsonNode result = backtest(server, rules(fromMs - 3_600_000), fromMs / 1000, toS);

            assertThat(actions(result)).containsExactlyInAnyOrder("web-1 cpu-up cpu 2→3 dry",
                    "web-1 ram-up ram 4096→5120 dry");
            assertThat(rule(result, "cpu-up").path("fired").asLong()).isZero();
            assertThat(rule(result, "cpu-up").path("would_fire").asLong()).isEqualTo(1);
        }
    }

    @Test
    void managerDryRunMakesABacktestsScheduleADryRunAsLive() throws Exception {
        try (TestServer server = TestServer.start(dir, LIVE, Map.of("SCALEMANAGER_MANAGER_DRY_RUN", "true"))) {
            // The range starts with this minute, the schedule's moment, and goes past the next tick (every 10 s).
            long fromMs = System.currentTimeMillis() / 60_000 * 60_000;
            server.report("web-1", "load", System.currentTimeMillis() / 1000 - 1, 1);
            long toS = System.currentTimeMillis() / 1000 + 12;

            JsonNode result = backtest(server, rules(fromMs), fromMs / 1000, toS);

            assertThat(actions(result)).containsExactly("web-1 morning storage 50→77 dry");
            assertThat(rule(result, "morning").path("would_fire").asLong()).isEqualTo(1);
            assertThat(rule(result, "morning").path("fired").asLong()).isZero();
            assertThat(rule(result, "morning").path("up").asLong()).isZero();
        }
    }
}
