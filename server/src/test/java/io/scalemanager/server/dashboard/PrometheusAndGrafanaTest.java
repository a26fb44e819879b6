package io.scalemanager.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What teams that watch with Prometheus and Grafana rely on: every metric of a real all-in-one (after a rule fired
 * and an action finished, so the lazily registered ones are there too) has HELP text and passes
 * {@code promtool check metrics} (Debian's {@code prometheus}; that part is skipped where promtool is not installed,
 * CI installs it), and every query of {@code deploy/grafana/scalemanager.json} names a metric that exists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusAndGrafanaTest {
    private static final Path GRAFANA = Path.of("..", "deploy", "grafana", "scalemanager.json");
    private static final Pattern METRIC = Pattern.compile("\\b(?:scalemanager|process|jvm|system)_[a-z0-9_]+\\b");

    private DashboardServer server;
    private String metrics;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        server = DashboardServer.start(dir, """
                rules:
                  - name: cpu-up
                    when: load > 4
                    for: 0s
                    then: cpu +1
                """, Map.of());
        long now = Instant.now().getEpochSecond();
        server.postStates("[{\"instance\":\"web-1\",\"type\":\"load\",\"value\":9,\"timestamp\":" + now + "}]");
        metrics = await().atMost(Duration.ofSeconds(60)).until(
                () -> server.send("GET", "/metrics", null).body(),
                m -> m.contains("scalemanager_manager_actions_finished_total{status=\"succeeded\"}"));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyMetricHasHelpText() {
        Map<String, String> help = new HashMap<>();
        List<String> typed = new ArrayList<>();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] parts = line.split(" ", 4);
                help.put(parts[2], parts.length > 3 ? parts[3].trim() : "");
            } else if (line.startsWith("# TYPE ")) {
                typed.add(line.split(" ")[2]);
            }
        }
        assertThat(typed).hasSizeGreaterThan(20);
        for (String name : typed) {
            assertThat(help.get(name)).as("HELP text of " + name).isNotBlank();
        }
    }

    @Test
    @EnabledIf("io.scalemanager.core.process.Installed#promtool")
    void promtoolChecksTheMetricsClean() throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(metrics.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("promtool's findings").isEmpty();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void grafanaDashboardQueriesOnlyMetricsThatExist() throws Exception {
        JsonNode dashboard = Json.mapper().readTree(Files.readString(GRAFANA));
        Set<String> exposed = new HashSet<>();
        for (String line : metrics.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exposed.add(line.split("[{ ]", 2)[0]);
            }
        }
        List<String> titles = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            titles.add(panel.path("title").asText());
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText());
            }
        }
        assertThat(titles).contains("Ingest rate", "Queue lag", "Decisions", "Actions by status", "Provider latency");
        assertThat(queries).isNotEmpty();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            boolean any = false;
            while (m.find()) {
                any = true;
                assertThat(exposed).as("metric " + m.group() + " of the query " + q).contains(m.group());
            }
            assertThat(any).as("the query names a metric: " + q).isTrue();
        }
    }
}
