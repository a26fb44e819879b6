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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Starts bin/scalemanager as a child process, kills it with SIGKILL, and checks nothing accepted was lost. */
class LauncherDurabilityIT {
    private static final Path REPO = Launcher.REPO;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String RULES = TestRules.ramUp("5s", "0");

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
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get("/ready").statusCode() == 200);
        return p;
    }

    @Test
    void killMinusNineLosesNoAcceptedStateAndRepeatsNoAction() throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), RULES);
        int port = Launcher.freePort();
        Process first = launch(port);

        long now = System.currentTimeMillis() / 1000;
        Map<String, Integer> accepted = new HashMap<>();
        // web-0 crosses the threshold for long enough: exactly one action.
        assertThat(post(states("web-0", "ram", now - 9, 10, 90)).statusCode()).isEqualTo(202);
        accepted.merge("web-0", 10, Integer::sum);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                getJson("/v1/actions?status=succeeded").path("actions").size() == 1);
        for (int batch = 0; batch < 40; batch++) {
            String instance = "web-" + (1 + batch % 8);
            HttpResponse<String> r = post(states(instance, "cpu", now - 100 + batch, 100, 50));
            assertThat(r.statusCode()).isEqualTo(202);
            accepted.merge(instance, 100, Integer::sum);
        }

        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown hook runs
        first.waitFor();
        launch(port);

        for (Map.Entry<String, Integer> e : accepted.entrySet()) {
            String type = e.getKey().equals("web-0") ? "ram" : "cpu";
            JsonNode samples = getJson("/v1/history?instance=" + e.getKey() + "&type=" + type
                    + "&from=0&to=" + (now + 60) + "&limit=100000").path("samples");
            assertThat(samples.size()).as("samples of %s", e.getKey()).isEqualTo(e.getValue());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> metric("scalemanager_queue_pending_events") == 0);
        JsonNode actions = getJson("/v1/actions").path("actions");
        assertThat(actions.size()).isEqualTo(1);
        assertThat(actions.get(0).path("status").asText()).isEqualTo("succeeded");
        assertThat(getJson("/v1/instances/web-0").path("ram").asLong()).isEqualTo(5120);
    }

    @Test
    void sigtermDrainsAndStopsLeavingNothingToReplay() throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), RULES);
        int port = Launcher.freePort();
        Process server = launch(port);
        long now = System.currentTimeMillis() / 1000;
        for (int batch = 0; batch < 20; batch++) {
            assertThat(post(states("vm-" + batch, "ram", now - 30, 500, 50)).statusCode()).isEqualTo(202);
        }

        server.destroy(); // SIGTERM
        assertThat(server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).as("the JVM's exit status after SIGTERM").isEqualTo(143);
        String log = Files.readString(dir.resolve("server.log"));
        assertThat(log).contains("Stopped");

        launch(port);
        assertThat(Files.readString(dir.resolve("server.log"))).doesNotContain("Replaying");
        assertThat(getJson("/v1/history?instance=vm-19&type=ram&from=0&limit=1000").path("samples").size())
                .isEqualTo(500);
    }

    @Test
    void aBrokenRulesetOrConfigValueStopsTheLauncherWithAMessage() throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), "rules:\n  - name: cpu-up\n    when: load > 4\n    then: cpu ++1\n");
        Process broken = new ProcessBuilder(REPO.resolve("bin/scalemanager").toString(), "run",
                "--listen", "127.0.0.1:" + Launcher.freePort(), "--data", dir.resolve("data").toString(),
                "--rules", dir.resolve("rules.yaml").toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        processes.add(broken);
        String output = new String(broken.getInputStream().readAllBytes());
        assertThat(broken.waitFor()).isEqualTo(2);
        assertThat(output).contains("rule 'cpu-up'").contains(":4:").doesNotContain("Exception");

        Process badListen = new ProcessBuilder(REPO.resolve("bin/scalemanager").toString(), "run",
                "--listen", "localhost:http", "--data", dir.resolve("data").toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        processes.add(badListen);
        output = new String(badListen.getInputStream().readAllBytes());
        assertThat(badListen.waitFor()).isEqualTo(2);
        assertThat(output).contains("config key 'listen'").contains("the command line").doesNotContain("Exception");
    }

    private static String states(String instance, String type, long start, int count, double value) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",").append("{\"instance\":\"").append(instance).append("\",\"type\":\"")
                    .append(type).append("\",\"value\":").append(value).append(",\"timestamp\":")
                    .append(start + i / (double) Math.max(1, count / 10)).append('}');
        }
        return json.append(']').toString();
    }

    private HttpResponse<String> post(String json) throws Exception {
        // No api.token is set: run generated its admin token into the data directory on its first start.
        String token = Files.readString(dir.resolve("data/admin.token")).strip();
        return HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/states"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
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
