package io.scalemanager.server.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rollback exactly once across SIGKILL of {@code scalemanager run}: killed between the shrink and the rollback
 * condition, the restarted process rolls back; killed again after the rollback, the next one does not roll back a
 * second time although the condition still holds.
 */
class RollbackKillIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String RULES = """
            rules:
              - name: ram-down
                when: ram < 30
                for: 3s
                then: ram -1024
                cooldown: 1h
                rollback: {when: "ram > 95", within: 10m}
            """;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private URI base;

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process launch(int port) throws IOException {
        Process p = Launcher.start(dir, dir.resolve("server.log"), Map.of(), List.of("run",
                "--listen", "127.0.0.1:" + port, "--data", dir.resolve("data").toString(),
                "--rules", dir.resolve("rules.yaml").toString()));
        processes.add(p);
        base = URI.create("http://127.0.0.1:" + port);
        await().atMost(WAIT).ignoreExceptions().until(() -> get("/ready").statusCode() == 200);
        return p;
    }

    private static void kill(Process p) throws InterruptedException {
        ProcessHandle.of(p.pid()).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown hook runs
        p.waitFor();
    }

    @Test
    void aRollbackHappensExactlyOnceAcrossKillMinusNine() throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), RULES);
        int port = Launcher.freePort();
        Process first = launch(port);
        long now = System.currentTimeMillis() / 1000;
        report("web-1", now - 5, 10, 10, 10, 10, 10, 10);
        await().atMost(WAIT).until(() -> actions().size() == 1
                && actions().get(0).path("status").asText().equals("succeeded"));
        long shrink = actions().get(0).path("id").asLong();
        assertThat(ram("web-1")).isEqualTo(3072);

        kill(first); // between the shrink and the rollback
        Process second = launch(port);
        report("web-1", System.currentTimeMillis() / 1000, 97);
        await().atMost(WAIT).until(() -> actions().size() == 2);
        JsonNode back = actions().get(0);
        assertThat(back.path("rollback_of").asLong()).isEqualTo(shrink);
        await().atMost(WAIT).until(() -> ram("web-1") == 4096);

        kill(second); // after the rollback; the condition still holds on the next reports
        launch(port);
        report("web-1", System.currentTimeMillis() / 1000, 98);
        await().atMost(WAIT).until(() -> metric("scalemanager_queue_pending_events") == 0);
        // Through at least two looks of the rollback watch (every 5 s) with the condition holding: one rollback.
        await().during(Duration.ofSeconds(12)).atMost(WAIT).until(() -> actions().size() == 2);
        assertThat(ram("web-1")).isEqualTo(4096);
        JsonNode alerts = getJson("/v1/alerts?instance=web-1").path("alerts");
        int rollbackAlerts = 0;
        for (JsonNode a : alerts) {
            rollbackAlerts += a.path("message").asText().contains("rollback of action " + shrink) ? 1 : 0;
        }
        assertThat(rollbackAlerts).isEqualTo(1);
    }

    private void report(String instance, long start, double... values) throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"instance\":\"").append(instance)
                    .append("\",\"type\":\"ram\",\"value\":").append(values[i]).append(",\"timestamp\":")
                    .append(start + i).append('}');
        }
        // No api.token is set: run generated its admin token into the data directory on its first start.
        String token = Files.readString(dir.resolve("data/admin.token")).strip();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/states"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json.append(']').toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private JsonNode actions() throws Exception {
        return getJson("/v1/actions?instance=web-1").path("actions");
    }

    private long ram(String instance) throws Exception {
        return getJson("/v1/instances/" + instance).path("ram").asLong();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        return Json.mapper().readTree(get(path).body());
    }

    private double metric(String name) throws Exception {
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no metric " + name);
    }
}
