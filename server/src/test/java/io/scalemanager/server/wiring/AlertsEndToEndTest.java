package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.scalemanager.core.json.Json;
import io.scalemanager.manager.alert.channel.webhook.WebhookNotifier;
import io.scalemanager.server.TestRules;
import io.scalemanager.server.cli.ScaleManagerCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The all-in-one with an alerts file: a failed command reaches a webhook on loopback. */
class AlertsEndToEndTest {
    private static final String RULES = TestRules.ramUp("5s", "10m");

    @TempDir
    Path dir;
    private HttpServer receiver;
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    private final List<String> signatures = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                bodies.add(in.readAllBytes());
            }
            signatures.add(exchange.getRequestHeaders().getFirst(WebhookNotifier.SIGNATURE_HEADER));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private Path alertsFile(String hookUrl) throws Exception {
        return Files.writeString(dir.resolve("alerts.yaml"), """
                channels:
                  - name: hook
                    type: webhook
                    url: "%s"
                    secret: e2e-secret
                group_window: 0s
                """.formatted(hookUrl));
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    @Test
    void failedCommandReachesTheWebhookSignedAndTheChannelShowsInReadyAndMetrics() throws Exception {
        Map<String, String> env = Map.of("SCALEMANAGER_SIMULATOR_FAIL", "broken-*",
                "SCALEMANAGER_ALERTS", alertsFile(hookUrl()).toString());
        try (TestServer server = TestServer.start(dir, RULES, env)) {
            long now = System.currentTimeMillis() / 1000;
            server.report("broken-1", "ram", now, 95, 95, 95, 95, 95, 95);

            await().atMost(Duration.ofSeconds(30)).until(() -> bodies.size() == 1);
            byte[] body = bodies.get(0);
            assertThat(signatures.get(0)).isEqualTo("sha256=" + WebhookNotifier.hmacSha256Hex("e2e-secret", body));
            JsonNode alert = Json.mapper().readTree(body).path("alerts").get(0);
            assertThat(alert.path("instance").asText()).isEqualTo("broken-1");
            assertThat(alert.path("rule").asText()).isEqualTo("ram-up");
            assertThat(alert.path("kind").asText()).isEqualTo("command_failed");
            assertThat(alert.path("message").asText()).contains("simulated failure").contains("triggered by event ");

            JsonNode ready = server.getJson("/ready");
            assertThat(ready.path("checks").path("alerts.hook").asText()).isEqualTo("ok");
            // The receiver keeps the body before it answers; the dispatcher counts the message once the answer is in.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.get("/metrics").body())
                    .contains("scalemanager_alerts_sent_total{channel=\"hook\"} 1.0")
                    .contains("scalemanager_alerts_channel_up{channel=\"hook\"} 1.0"));
        }
    }

    @Test
    void ruleAlertIsSentAndThenResolvedWhenItsConditionClears() throws Exception {
        String rules = """
                rules:
                  - name: load-alert
                    when: load > 8
                    for: 3s
                    then: alert
                """;
        try (TestServer server = TestServer.start(dir, rules,
                Map.of("SCALEMANAGER_ALERTS", alertsFile(hookUrl()).toString()))) {
            long now = System.currentTimeMillis() / 1000;
            server.report("web-3", "load", now - 1, 9, 9, 9, 9, 9);
            await().atMost(Duration.ofSeconds(30)).until(() -> bodies.size() == 1);
            JsonNode firing = Json.mapper().readTree(bodies.get(0)).path("alerts").get(0);
            assertThat(firing.path("status").asText()).isEqualTo("firing");
            assertThat(firing.path("rule").asText()).isEqualTo("load-alert");

            server.report("web-3", "load", now, 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> bodies.size() == 2);
            JsonNode resolved = Json.mapper().readTree(bodies.get(1)).path("alerts").get(0);
            assertThat(resolved.path("status").asText()).isEqualTo("resolved");
            assertThat(resolved.path("instance").asText()).isEqualTo("web-3");
        }
    }

    @Test
    void silenceCreatedOverHttpIsListed() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            assertThat(server.post("/v1/silences", "{\"instances\": \"broken-*\", \"duration\": \"1h\"}").statusCode())
                    .isEqualTo(201);
            assertThat(server.getJson("/v1/silences").path("silences").get(0).path("instances").asText())
                    .isEqualTo("broken-*");
        }
    }

    @Test
    void invalidAlertsFileStopsStartUpNamingFileLineAndKey() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad-alerts.yaml"), """
                channels:
                  - name: hook
                    type: webhook
                    url: ftp://example.com/x
                """);

        assertThatThrownBy(() -> TestServer.start(dir, RULES, Map.of("SCALEMANAGER_ALERTS", bad.toString())))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("config key 'alerts'")
                .hasMessageContaining(bad + ":4: channels[1]: 'url' must be an http:// or https:// URL");
    }

    @Test
    void alertsTestCommandReportsEachChannelAndFailsWhenOneDid() throws Exception {
        Path file = Files.writeString(dir.resolve("alerts.yaml"), """
                channels:
                  - {name: up, type: webhook, url: "%s"}
                  - {name: down, type: slack, url: "http://127.0.0.1:1/nothing-listens"}
                """.formatted(hookUrl()));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            code = new CommandLine(new ScaleManagerCli()).execute("alerts", "test", "--alerts", file.toString());
        } finally {
            System.setOut(original);
        }

        assertThat(code).isEqualTo(1);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).containsPattern("up: ok \\(\\d+ ms\\)").contains("down: FAILED: cannot reach 127.0.0.1");
        assertThat(bodies).hasSize(1);
        assertThat(new String(bodies.get(0), StandardCharsets.UTF_8)).contains("test alert from");
    }

    @Test
    void alertsTestCommandWithoutChannelsSaysSo() {
        assertThat(new CommandLine(new ScaleManagerCli()).execute("alerts", "test", "--alerts", "")).isEqualTo(2);
    }
}
