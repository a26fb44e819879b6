package io.scalemanager.server.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import io.scalemanager.server.TestRules;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pauses, reloads and schedules of the all-in-one started by the real launcher: a pause survives {@code kill -9};
 * SIGHUP reloads a valid rules file and refuses an invalid one, keeping the ruleset in use; a schedule's
 * occurrence, dry or live, happens once across {@code kill -9}.
 */
class DecisionsLauncherIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "decisions-launcher-it-token";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String RULES = TestRules.ramUp("3s", "10m");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private URI base;

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private Process launch(int port) throws IOException {
        Process p = Launcher.start(dir, dir.resolve("server.log"), Map.of("SCALEMANAGER_JAVA_OPTS",
                Launcher.SMALL_JVM, "SCALEMANAGER_API_TOKEN", TOKEN), List.of("run", "--listen", "127.0.0.1:" + port,
                "--data", dir.resolve("data").toString(), "--rules", dir.resolve("rules.yaml").toString()));
        processes.add(p);
        base = URI.create("http://127.0.0.1:" + port);
        await().atMost(WAIT).ignoreExceptions().until(() -> send("GET", "/ready", null).statusCode() == 200);
        return p;
    }

    @Test
    void aPauseSurvivesKillMinusNineAndIsHonouredAfterTheRestart() throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), RULES);
        int port = Launcher.freePort();
        Process first = launch(port);
        HttpResponse<String> created = send("POST", "/v1/pauses", "{\"instances\": \"web-*\", \"rule\": \"ram-up\", "
                + "\"duration\": \"2h\", \"comment\": \"release 4.2\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = Json.mapper().readTree(created.body()).path("id").asLong();

        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        launch(port);

        JsonNode pauses = json(send("GET", "/v1/pauses", null)).path("pauses");
        assertThat(pauses).hasSize(1);
        assertThat(pauses.get(0).path("id").asLong()).isEqualTo(id);
        assertThat(pauses.get(0).path("comment").asText()).isEqualTo("release 4.2");
        long t = System.currentTimeMillis() / 1000;
        StringBuilder states = new StringBuilder("[");
        for (int i = 0; i < 6; i++) {
            states.append(i == 0 ? "" : ",").append("{\"instance\":\"web-1\",\"type\":\"ram\",\"value\":90,")
                    .append("\"timestamp\":").append(t - 5 + i).append('}');
        }
        assertThat(send("POST", "/v1/states", states.append(']').toString()).statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> outcome("web-1", "ram-up").startsWith("paused"));
        assertThat(outcome("web-1", "ram-up")).contains("by pause " + id + " (release 4.2); the condition holds");
        assertThat(json(send("GET", "/v1/actions", null)).path("actions")).isEmpty();
    }

    /**
     * A schedule's occurrence is carried out once across {@code kill -9} within its catch_up: a dry-run one's
     * would_fire is recorded once, a live one's resize is applied once.
     */
    @Test
    void scheduleOccurrencesHappenOnceAcrossKillMinusNine() throws Exception {
        Instant occurrence = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        String at = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC).format(occurrence);
        Files.writeString(dir.resolve("rules.yaml"), RULES + """
                schedules:
                  - name: dry-morning
                    instances: "dry-*"
                    at: "%1$s"
                    timezone: UTC
                    set: {cpu: 3}
                    dry_run: true
                  - name: live-morning
                    instances: "live-*"
                    at: "%1$s"
                    timezone: UTC
                    set: {cpu: 3}
                """.formatted(at));
        int port = Launcher.freePort();
        Process first = launch(port);
        reportLoad("dry-1", "live-1");
        // The scheduler ticks every 10 s; once it has seen both instances, each occurrence is done.
        await().atMost(WAIT).until(() -> decisions("rule=dry-morning&outcome=would_fire").size() == 1
                && json(send("GET", "/v1/actions?instance=live-1", null)).path("actions").size() == 1);

        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        launch(port);
        reportLoad("dry-1", "live-1");
        // More than a tick with both instances known, well within the catch_up (10m): nothing again.
        await().during(Duration.ofSeconds(15)).atMost(WAIT).until(() ->
                decisions("rule=dry-morning&outcome=would_fire").size() == 1
                        && json(send("GET", "/v1/actions?instance=live-1", null)).path("actions").size() == 1);
        assertThat(decisions("rule=live-morning&outcome=fired")).hasSize(1);
        assertThat(json(send("GET", "/v1/actions?instance=dry-1", null)).path("actions")).isEmpty();
    }

    private void reportLoad(String... instances) throws Exception {
        long t = System.currentTimeMillis() / 1000;
        StringBuilder states = new StringBuilder("[");
        for (int i = 0; i < instances.length; i++) {
            states.append(i == 0 ? "" : ",").append("{\"instance\":\"").append(instances[i])
                    .append("\",\"type\":\"load\",\"value\":1,\"timestamp\":").append(t).append('}');
        }
        assertThat(send("POST", "/v1/states", states.append(']').toString()).statusCode()).isEqualTo(202);
    }

    private JsonNode decisions(String query) throws Exception {
        return json(send("GET", "/v1/decisions?" + query, null)).path("decisions");
    }

    @Test
    void sighupReloadsAValidFileAndKeepsTheRulesetOnAnInvalidOne() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, RULES);
        Process server = launch(Launcher.freePort());
        String first = json(send("GET", "/v1/rules", null)).path("hash").asText();

        Files.writeString(rules, RULES + """
                  - name: cpu-up
                    when: load > 4
                    for: 20s
                    then: cpu +1
                """);
        hangUp(server);
        await().atMost(WAIT).until(() -> json(send("GET", "/v1/rules", null)).path("rules").size() == 2);
        String second = json(send("GET", "/v1/rules", null)).path("hash").asText();
        assertThat(second).isNotEqualTo(first);
        assertThat(json(send("GET", "/ready", null)).toString()).contains(second);

        Files.writeString(rules, RULES.replace("for: 3s", "for: 3 seconds"));
        hangUp(server);
        await().atMost(WAIT).until(() -> send("GET", "/metrics", null).body()
                .contains("scalemanager_ruleset_reloads_total{result=\"invalid\"} 1.0"));
        assertThat(Files.readString(dir.resolve("server.log"))).contains("Rules reload refused")
                .contains("rules.yaml:4: rule 'ram-up'");
        JsonNode kept = json(send("GET", "/v1/rules", null));
        assertThat(kept.path("hash").asText()).isEqualTo(second);
        assertThat(kept.path("rules")).hasSize(2);
    }

    private String outcome(String instance, String rule) throws Exception {
        for (JsonNode r : json(send("GET", "/v1/instances/" + instance + "/why", null)).path("rules")) {
            if (r.path("rule").asText().equals(rule)) {
                return r.path("outcome").asText() + ": " + r.path("reason").asText();
            }
        }
        return "none";
    }

    private static void hangUp(Process server) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Authorization",
                "Bearer " + TOKEN);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body());
    }
}
