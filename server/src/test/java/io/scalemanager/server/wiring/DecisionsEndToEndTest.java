package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Why and why not, dry run, pauses and reload on the all-in-one, through its HTTP API. */
class DecisionsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String RULES = """
            limits:
              "small-*": {cpu: [1, 2]}
            rules:
              - name: cpu-up
                when: load > 4
                for: 3s
                then: cpu +1
                cooldown: 10m
              - name: ram-up
                instances: "web-*"
                when: ram > 80
                for: 3s
                then: ram +1024
                cooldown: 10m
            """;

    @TempDir
    Path dir;

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static JsonNode decisions(TestServer server, String query) throws Exception {
        return server.getJson("/v1/decisions?" + query).path("decisions");
    }

    @Test
    void everyOutcomeReachesTheApiWithItsReason() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            long t = now();
            // not_held, with the value and the threshold it failed; stale for a rule whose type never came.
            server.report("web-1", "load", t - 20, 1.5);
            await().atMost(WAIT).until(() -> server.outcomeOf("web-1", "cpu-up").equals("not_held"));
            assertThat(server.whyOf("web-1", "cpu-up").path("reason").asText()).startsWith("load 1.5 ≤ 4 at ");
            JsonNode stale = server.whyOf("web-1", "ram-up");
            assertThat(stale.path("outcome").asText()).isEqualTo("stale");
            assertThat(stale.path("reason").asText()).isEqualTo("no ram reported yet");

            // fired: the action is named; then blocked by it, with until.
            server.report("web-1", "load", t - 10, 6, 6, 6, 6, 6);
            await().atMost(WAIT).until(() -> server.getJson("/v1/actions?instance=web-1&status=succeeded")
                    .path("actions").size() == 1);
            long actionId = server.getJson("/v1/actions?instance=web-1").path("actions").get(0).path("id").asLong();
            JsonNode fired = decisions(server, "instance=web-1&outcome=fired").get(0);
            assertThat(fired.path("action").asLong()).isEqualTo(actionId);
            assertThat(fired.path("reason").asText()).isEqualTo("cpu +1: load > 4 for 3s, latest 6");

            server.report("web-1", "load", t - 4, 7, 7);
            await().atMost(WAIT).until(() -> server.outcomeOf("web-1", "cpu-up").equals("blocked"));
            JsonNode blocked = server.whyOf("web-1", "cpu-up");
            assertThat(blocked.path("reason").asText()).startsWith("blocked: action " + actionId
                    + " (cpu-up) cooling down until ");
            assertThat(blocked.path("action").asLong()).isEqualTo(actionId);
            assertThat(blocked.path("until").asDouble()).isGreaterThan(now() + 500);
            // Recorded once per blocking action and end, not once per sample: running, then cooling down.
            await().atMost(WAIT).until(() -> decisions(server, "instance=web-1&outcome=blocked").size() >= 1);
            assertThat(decisions(server, "instance=web-1&outcome=blocked").size()).isLessThanOrEqualTo(2);
            assertThat(decisions(server, "instance=web-1&outcome=blocked").get(0).path("action").asLong())
                    .isEqualTo(actionId);

            // at_limit: small-1 starts at 2 cpus, the limit of small-*.
            server.report("small-1", "load", t - 10, 6, 6, 6, 6, 6);
            await().atMost(WAIT).until(() -> decisions(server, "instance=small-1&outcome=at_limit").size() == 1);
            assertThat(decisions(server, "instance=small-1&outcome=at_limit").get(0).path("reason").asText())
                    .isEqualTo("at limit: cpu 2 = max 2 for small-*");

            // too_old: older than manager.max_event_age (10m).
            server.report("old-1", "load", t - 3600, 9);
            await().atMost(WAIT).until(() -> server.outcomeOf("old-1", "cpu-up").equals("too_old"));

            // The fleet listing shows each instance's most pressing outcome; the metric counts them.
            JsonNode instances = server.getJson("/v1/instances").path("instances");
            for (JsonNode i : instances) {
                if (i.path("instance").asText().equals("web-1")) {
                    assertThat(i.path("outcome").path("outcome").asText()).isEqualTo("blocked");
                    assertThat(i.path("outcome").path("rule").asText()).isEqualTo("cpu-up");
                }
            }
            String metrics = server.get("/metrics").body();
            assertThat(metrics).containsPattern(
                    "scalemanager_rule_outcomes_total\\{outcome=\"fired\",rule=\"cpu-up\"} [1-9]");
            assertThat(metrics).containsPattern(
                    "scalemanager_rule_outcomes_total\\{outcome=\"not_held\",rule=\"cpu-up\"} [1-9]");

            assertThat(server.get("/v1/instances/never-seen/why").statusCode()).isEqualTo(404);
            assertThat(server.get("/v1/decisions?outcome=maybe").statusCode()).isEqualTo(400);
            assertThat(server.get("/v1/decisions?since=yesterday").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void aPausedRuleRecordsPausedAndFiresAtOnceWhenThePauseEnds() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            HttpResponse<String> created = server.post("/v1/pauses", """
                    {"instances": "web-*", "rule": "cpu-up", "duration": "1h", "comment": "release 4.2"}""");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            long pauseId = server.getJson("/v1/pauses").path("pauses").get(0).path("id").asLong();
            JsonNode listed = server.getJson("/v1/pauses").path("pauses").get(0);
            assertThat(listed.path("comment").asText()).isEqualTo("release 4.2");
            assertThat(listed.path("rule").asText()).isEqualTo("cpu-up");
            assertThat(listed.path("created_by").asText()).isNotEmpty();

            long t = now();
            server.report("web-2", "load", t - 8, 6, 6, 6, 6, 6, 6);
            await().atMost(WAIT).until(() -> server.outcomeOf("web-2", "cpu-up").equals("paused"));
            JsonNode paused = server.whyOf("web-2", "cpu-up");
            assertThat(paused.path("reason").asText()).contains("by pause " + pauseId + " (release 4.2)")
                    .endsWith("the condition holds");
            assertThat(paused.path("until").asLong()).isGreaterThan(now() + 3000);
            assertThat(server.getJson("/v1/actions?instance=web-2").path("actions").size()).isZero();

            assertThat(server.delete("/v1/pauses/" + pauseId).statusCode()).isEqualTo(204);
            assertThat(server.getJson("/v1/pauses").path("pauses").size()).isZero();
            // The window was kept through the pause: the next sample fires without waiting its `for` again.
            server.report("web-2", "load", now(), 6);
            await().atMost(WAIT).until(() -> server.getJson("/v1/actions?instance=web-2").path("actions").size() == 1);

            assertThat(server.post("/v1/pauses", "{\"instances\": \"web-*\", \"rule\": \"cpu-up\"}").statusCode())
                    .isEqualTo(400);
            assertThat(server.post("/v1/pauses", "{\"rule\": \"*\", \"duration\": \"1h\"}").body())
                    .contains("instances");
            assertThat(server.delete("/v1/pauses/999").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aPauseEndsByItself() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            assertThat(server.post("/v1/pauses", "{\"instances\": \"*\", \"rule\": \"*\", \"until\": "
                    + (now() + 2) + "}").statusCode()).isEqualTo(201);
            assertThat(server.getJson("/v1/pauses").path("pauses").size()).isEqualTo(1);
            await().atMost(WAIT).until(() -> server.getJson("/v1/pauses").path("pauses").size() == 0);
            server.report("web-3", "load", now(), 6, 6, 6, 6, 6);
            await().atMost(WAIT).until(() -> server.getJson("/v1/actions?instance=web-3").path("actions").size() == 1);
        }
    }

    @Test
    void aDryRunRecordsWhatItWouldDoOncePerCooldownAndActsOnceReloadedLive() throws Exception {
        String dry = RULES.replace("    cooldown: 10m\n  - name: ram-up", "    cooldown: 10m\n    dry_run: true\n"
                + "  - name: ram-up");
        try (TestServer server = TestServer.start(dir, dry, Map.of())) {
            long t = now();
            server.report("web-4", "load", t - 12, 6, 6, 6, 6, 6);
            await().atMost(WAIT).until(() -> decisions(server, "instance=web-4&outcome=would_fire").size() == 1);
            JsonNode would = decisions(server, "instance=web-4&outcome=would_fire").get(0);
            assertThat(would.path("reason").asText())
                    .isEqualTo("would resize cpu 2 → 3 (dry run): load > 4 for 3s, latest 6");
            assertThat(would.path("action").isNull()).isTrue();

            // The shadow cooldown: more crossings record blocked, not a second would_fire; nothing is resized.
            server.report("web-4", "load", t - 6, 7, 7, 7);
            await().atMost(WAIT).until(() -> server.outcomeOf("web-4", "cpu-up").equals("blocked"));
            assertThat(server.whyOf("web-4", "cpu-up").path("reason").asText())
                    .startsWith("blocked: the dry run of rule cpu-up cooling down until ");
            assertThat(decisions(server, "instance=web-4&outcome=would_fire").size()).isEqualTo(1);
            assertThat(server.getJson("/v1/actions?instance=web-4").path("actions").size()).isZero();
            assertThat(server.getJson("/v1/instances/web-4").path("cpu").asLong()).isEqualTo(2);

            // Live by reload: the condition held all along, so the next sample acts.
            Files.writeString(dir.resolve("rules.yaml"), RULES);
            HttpResponse<String> reloaded = server.post("/v1/rules/reload", "");
            assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
            assertThat(server.getJson("/v1/rules").path("rules").get(0).path("dry_run").asBoolean()).isFalse();
            server.report("web-4", "load", now(), 7);
            await().atMost(WAIT).until(() -> server.getJson("/v1/actions?instance=web-4&status=succeeded")
                    .path("actions").size() == 1);
            assertThat(server.getJson("/v1/instances/web-4").path("cpu").asLong()).isEqualTo(3);
        }
    }

    /**
     * manager.dry_run covers the schedules: a due occurrence records would_fire with the resize a real one would
     * make (clamped by the limits), shown in the instance's why, once (a restart within catch_up records it not
     * again), and resizes nothing.
     */
    @Test
    void underManagerDryRunADueScheduleRecordsWouldFireAndResizesNothing() throws Exception {
        Instant occurrence = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        String at = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC).format(occurrence);
        String rules = RULES.replace("limits:\n", "limits:\n  \"sched-*\": {cpu: [1, 3]}\n") + """
                schedules:
                  - name: morning
                    instances: "sched-*"
                    at: "%s"
                    timezone: UTC
                    set: {cpu: 8}
                """.formatted(at);
        try (TestServer server = TestServer.start(dir, rules, Map.of("SCALEMANAGER_MANAGER_DRY_RUN", "true"))) {
            // Known to the manager (it has reported), so the scheduler's next tick (every 10 s) finds it due.
            server.report("sched-1", "load", now(), 1);
            await().atMost(WAIT).until(() -> decisions(server, "instance=sched-1&outcome=would_fire").size() == 1);
            JsonNode would = decisions(server, "instance=sched-1&outcome=would_fire").get(0);
            assertThat(would.path("rule").asText()).isEqualTo("morning");
            // 8 cpus asked, clamped to the limit's 3, from the simulator's 2.
            assertThat(would.path("reason").asText())
                    .isEqualTo("would resize cpu 2 → 3 (dry run): schedule morning (" + at + " UTC)");
            assertThat(would.path("action").isNull()).isTrue();
            assertThat(server.get("/metrics").body()).containsPattern(
                    "scalemanager_rule_outcomes_total\\{outcome=\"would_fire\",rule=\"morning\"} 1");
            // The instance's why shows it too, under the schedule's name, after the rules' lines.
            JsonNode whyLines = server.getJson("/v1/instances/sched-1/why").path("rules");
            assertThat(whyLines).extracting(r -> r.path("rule").asText()).containsExactly("cpu-up", "morning");
            JsonNode morning = whyLines.get(1);
            assertThat(morning.path("outcome").asText()).isEqualTo("would_fire");
            assertThat(morning.path("reason").asText()).isEqualTo(would.path("reason").asText());
            assertThat(morning.path("at").asLong()).isEqualTo(would.path("time").asLong())
                    .isEqualTo(occurrence.getEpochSecond());
            assertThat(morning.path("action").isNull()).isTrue();
            assertThat(morning.path("until").asLong()).as("its shadow cooldown, 5m by default")
                    .isBetween(now() + 240, now() + 300);

        }
        // Recorded once, also by a manager restarted within the catch_up: its ticks find the occurrence recorded.
        try (TestServer restarted = TestServer.start(dir, rules, Map.of("SCALEMANAGER_MANAGER_DRY_RUN", "true"))) {
            restarted.report("sched-1", "load", now(), 1);
            await().during(Duration.ofSeconds(12)).atMost(WAIT).until(() ->
                    decisions(restarted, "instance=sched-1&outcome=would_fire").size() == 1);
            assertThat(restarted.getJson("/v1/actions?instance=sched-1").path("actions").size()).isZero();
            assertThat(restarted.getJson("/v1/instances/sched-1").path("cpu").asLong()).isEqualTo(2);
        }
    }

    /**
     * A live schedule's occurrence shows in the instance's why as fired, with its action; a manager restarted
     * within the occurrence's catch_up does not apply it again (the ActionLog's unique key on its trigger).
     */
    @Test
    void aLiveScheduleShowsInWhyAndARestartWithinCatchUpDoesNotApplyItAgain() throws Exception {
        Instant occurrence = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        String at = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC).format(occurrence);
        String rules = RULES + """
                schedules:
                  - name: morning
                    instances: "sched-*"
                    at: "%s"
                    timezone: UTC
                    set: {cpu: 3}
                """.formatted(at);
        long actionId;
        try (TestServer server = TestServer.start(dir, rules, Map.of())) {
            server.report("sched-1", "load", now(), 1);
            await().atMost(WAIT).until(() -> server.getJson("/v1/actions?instance=sched-1").path("actions").size() == 1);
            actionId = server.getJson("/v1/actions?instance=sched-1").path("actions").get(0).path("id").asLong();
            JsonNode morning = server.whyOf("sched-1", "morning");
            assertThat(morning.path("outcome").asText()).isEqualTo("fired");
            assertThat(morning.path("reason").asText()).isEqualTo("cpu =3: schedule morning (" + at + " UTC)");
            assertThat(morning.path("action").asLong()).isEqualTo(actionId);
            assertThat(morning.path("at").asLong()).isEqualTo(occurrence.getEpochSecond());
            await().atMost(WAIT).until(() -> server.getJson("/v1/instances/sched-1").path("cpu").asLong() == 3);
        }
        try (TestServer restarted = TestServer.start(dir, rules, Map.of())) {
            restarted.report("sched-1", "load", now(), 1);
            // A tick (every 10 s) with sched-1 known finds the occurrence done: no second action, no second row.
            await().during(Duration.ofSeconds(12)).atMost(WAIT).until(() ->
                    restarted.getJson("/v1/actions?instance=sched-1").path("actions").size() == 1);
            assertThat(decisions(restarted, "instance=sched-1&rule=morning&outcome=fired"))
                    .singleElement().satisfies(d -> assertThat(d.path("action").asLong()).isEqualTo(actionId));
        }
    }

    @Test
    void anInvalidReloadKeepsTheRulesetAndSaysWhyEverywhere() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            JsonNode before = server.getJson("/v1/rules");
            assertThat(before.path("rules").size()).isEqualTo(2);
            String hash = before.path("hash").asText();
            assertThat(server.getJson("/ready").path("ruleset").asText()).isEqualTo(hash);
            assertThat(server.get("/metrics").body()).contains("scalemanager_ruleset{hash=\"" + hash + "\"} 1");

            Files.writeString(dir.resolve("rules.yaml"), RULES.replace("when: ram > 80", "when: ram >> 80"));
            HttpResponse<String> refused = server.post("/v1/rules/reload", "");
            assertThat(refused.statusCode()).isEqualTo(422);
            JsonNode body = server.json(refused);
            assertThat(body.path("error").asText()).contains("invalid");
            assertThat(body.path("details").get(0).path("rule").asText()).isEqualTo("ram-up");
            assertThat(body.path("details").get(0).path("line").asInt()).isEqualTo(11);
            assertThat(server.getJson("/v1/rules").path("hash").asText()).isEqualTo(hash);
            assertThat(server.get("/metrics").body())
                    .containsPattern("scalemanager_ruleset_reloads_total\\{result=\"invalid\"} 1");
            await().atMost(WAIT).until(() -> server.getJson("/v1/alerts").path("alerts").toString()
                    .contains("ruleset_invalid"));

            Files.writeString(dir.resolve("rules.yaml"), RULES.replace("for: 3s\n    then: cpu", "for: 4s\n    then: cpu"));
            HttpResponse<String> ok = server.post("/v1/rules/reload", "");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(server.json(ok).path("rules").asInt()).isEqualTo(2);
            String newHash = server.json(ok).path("hash").asText();
            assertThat(newHash).isNotEqualTo(hash);
            assertThat(server.getJson("/ready").path("ruleset").asText()).isEqualTo(newHash);
            assertThat(server.getJson("/v1/rules").path("rules").get(0).path("for").asText()).isEqualTo("4s");
        }
    }
}
