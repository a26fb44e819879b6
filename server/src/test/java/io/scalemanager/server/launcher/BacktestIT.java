package io.scalemanager.server.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code scalemanager rules backtest} through the real launcher: over a recorded run of the demo it takes the
 * actions the live manager took; bad usage ends with one line and exit 2, an invalid ruleset with exit 1.
 */
class BacktestIT {
    private static final Path DEMO_RULES = Launcher.REPO.resolve("server/src/main/resources/demo/rules.yaml");
    private static final Map<String, String> ENV = Map.of("SCALEMANAGER_JAVA_OPTS", Launcher.SMALL_JVM);
    /**
     * A live action waits for the verifier's next look after the instance reports its new size, a simulated one
     * ends at that report: a cooldown may end a report or two earlier in the backtest. Within this much of the
     * run's end, an action may therefore be on one side only.
     */
    private static final long EDGE_MS = 20_000;

    @TempDir
    Path dir;

    private Process demo;

    @AfterEach
    void stop() throws InterruptedException {
        if (demo != null && demo.isAlive()) {
            demo.destroy();
            if (!demo.waitFor(60, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }

    /** One action, as the live ActionLog and the backtest both give it. */
    record Taken(long timeMs, String instance, String rule, String component, long from, long to) {
        String what() {
            return instance + " " + rule + " " + component + " " + from + "→" + to;
        }
    }

    @Test
    void aBacktestOfTheDemoRunTakesTheActionsTheLiveManagerTook() throws Exception {
        Path data = dir.resolve("data");
        int port = Launcher.freePort();
        long startMs = System.currentTimeMillis() - 1000;
        demo = Launcher.start(dir, dir.resolve("demo.log"), ENV, List.of("demo", "--data", data.toString(),
                "--listen", "127.0.0.1:" + port));
        // Until a second round: a component resized twice, and a scale-down (the demo's take a minute to hold).
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().until(() -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/actions?limit=1000")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode actions = Json.mapper().readTree(r.body()).path("actions");
            Map<String, Integer> perComponent = new LinkedHashMap<>();
            boolean shrank = false;
            for (JsonNode a : actions) {
                perComponent.merge(a.path("instance").asText() + a.path("component").asText(), 1, Integer::sum);
                shrank |= a.path("to").asLong() < a.path("from").asLong() && !a.path("to").isNull();
            }
            return shrank && perComponent.values().stream().anyMatch(n -> n >= 2);
        });
        demo.destroy();
        assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long endMs = System.currentTimeMillis() + 1000;

        List<Taken> live = liveActions(data);
        String json = backtest(List.of("rules", "backtest", DEMO_RULES.toString(), "--from",
                Long.toString(startMs / 1000), "--to", Long.toString(endMs / 1000 + 1), "--data", data.toString(),
                "--format", "json"));
        List<Taken> replayed = new ArrayList<>();
        for (JsonNode a : Json.mapper().readTree(json).path("actions")) {
            replayed.add(new Taken(Math.round(a.path("time").asDouble() * 1000), a.path("instance").asText(),
                    a.path("rule").asText(), a.path("component").asText(), a.path("from").asLong(),
                    a.path("to").asLong()));
        }

        assertThat(live).as("the demo acted").hasSizeGreaterThanOrEqualTo(6);
        Map<String, List<Taken>> livePerComponent = perComponent(live);
        Map<String, List<Taken>> replayedPerComponent = perComponent(replayed);
        assertThat(replayedPerComponent.keySet()).as("components resized, live %s, backtest %s", live, replayed)
                .containsAll(keysBefore(livePerComponent, endMs - EDGE_MS));
        for (String key : union(livePerComponent, replayedPerComponent)) {
            List<Taken> l = livePerComponent.getOrDefault(key, List.of());
            List<Taken> b = replayedPerComponent.getOrDefault(key, List.of());
            int common = Math.min(l.size(), b.size());
            for (int i = 0; i < common; i++) {
                assertThat(b.get(i).what()).as("action %d of %s", i, key).isEqualTo(l.get(i).what());
                assertThat(Math.abs(b.get(i).timeMs() - l.get(i).timeMs())).as("%s, live %s", b.get(i), l.get(i))
                        .isLessThan(10_000);
            }
            for (Taken extra : (l.size() > common ? l : b).subList(common, Math.max(l.size(), b.size()))) {
                assertThat(extra.timeMs()).as("on one side only: %s (live %s, backtest %s)", extra, l, b)
                        .isGreaterThan(endMs - EDGE_MS);
            }
        }
    }

    @Test
    void badUsageEndsWithOneLineAndExit2AndAnInvalidRulesetWithExit1() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.copy(DEMO_RULES, rules);
        Path empty = Files.createDirectories(dir.resolve("empty"));

        Result badTime = exec(List.of("rules", "backtest", rules.toString(), "--from", "yesterday", "--to",
                "1764633600", "--data", empty.toString()));
        assertThat(badTime.code()).isEqualTo(2);
        assertThat(badTime.lines()).containsExactly("scalemanager rules backtest: --from 'yesterday' is not a time: "
                + "write epoch seconds (1764547200) or ISO-8601 (2025-12-01T00:00:00Z, 2025-12-01)");

        Result backwards = exec(List.of("rules", "backtest", rules.toString(), "--from", "2025-12-02", "--to",
                "2025-12-01T00:00:00Z", "--data", empty.toString()));
        assertThat(backwards.code()).isEqualTo(2);
        assertThat(backwards.lines()).hasSize(1).first().asString().contains("is not after --from");

        Result unreadable = exec(List.of("rules", "backtest", dir.resolve("missing.yaml").toString(), "--from",
                "2025-12-01", "--to", "2025-12-02", "--data", empty.toString()));
        assertThat(unreadable.code()).isEqualTo(2);
        assertThat(unreadable.lines()).hasSize(1).first().asString().contains("missing.yaml: cannot read");

        Result noDatabase = exec(List.of("rules", "backtest", rules.toString(), "--from", "2025-12-01", "--to",
                "2025-12-02", "--data", empty.toString()));
        assertThat(noDatabase.code()).isEqualTo(2);
        assertThat(noDatabase.lines()).hasSize(1).first().asString().contains("no database at");

        Files.writeString(rules, "rules:\n  - name: cpu-up\n    when: load > 4\n    for: 20 seconds\n    then: cpu +1\n");
        Result invalid = exec(List.of("rules", "backtest", rules.toString(), "--from", "2025-12-01", "--to",
                "2025-12-02", "--data", empty.toString()));
        assertThat(invalid.code()).isEqualTo(1);
        assertThat(invalid.output()).contains("rules.yaml:4: rule 'cpu-up'");
    }

    private List<Taken> liveActions(Path data) throws Exception {
        List<Taken> live = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("scalemanager"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT created_at, instance, rule, component, from_value, to_value "
                     + "FROM action_log WHERE to_value IS NOT NULL ORDER BY id")) {
            while (rs.next()) {
                live.add(new Taken(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getLong(6)));
            }
        }
        return live;
    }

    private static Map<String, List<Taken>> perComponent(List<Taken> actions) {
        Map<String, List<Taken>> per = new LinkedHashMap<>();
        for (Taken t : actions) {
            per.computeIfAbsent(t.instance() + " " + t.component(), k -> new ArrayList<>()).add(t);
        }
        per.values().forEach(list -> list.sort(java.util.Comparator.comparingLong(Taken::timeMs)));
        return per;
    }

    private static List<String> keysBefore(Map<String, List<Taken>> per, long beforeMs) {
        return per.entrySet().stream().filter(e -> e.getValue().get(0).timeMs() < beforeMs).map(Map.Entry::getKey)
                .toList();
    }

    private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
        java.util.Set<String> keys = new java.util.TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return List.copyOf(keys);
    }

    record Result(int code, String output) {
        List<String> lines() {
            return output.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private Result exec(List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Launcher.REPO.resolve("bin/scalemanager").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(ENV);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    /** Runs a backtest to its end: exit 0, and stdout only (the result; the log is on stderr). */
    private String backtest(List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Launcher.REPO.resolve("bin/scalemanager").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(dir.resolve("backtest.err").toFile());
        builder.environment().putAll(ENV);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output + Files.readString(dir.resolve("backtest.err"))).isZero();
        return output;
    }
}
