package io.scalemanager.server.wiring;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.instanceapi.operation.OperationService;
import io.scalemanager.server.TestRules;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who resized what from where: a direct resize is recorded in /v1/actions as rule {@code api} with the caller's
 * token name and address ({@code requested_by}), and the resize log lines name them; a rule's resize is logged by
 * the instance API with the manager's token and address, and by the manager with its rule. /v1/instances shows
 * the agent's own figures as the size when they give every component ({@code size_source: agent}).
 */
class ResizeCallerTest {
    private static final String RESIZE = "{\"component\": \"cpu\", \"mode\": \"rel\", \"value\": 1}";
    private static final String RULES = TestRules.ramUp("2s", "0s");

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final List<Logger> captured = List.of((Logger) LoggerFactory.getLogger(DirectResizeRecorder.class),
            (Logger) LoggerFactory.getLogger(OperationService.class),
            (Logger) LoggerFactory.getLogger("io.scalemanager.manager.command.ActionFinisher"));

    @BeforeEach
    void capture() {
        logged.start();
        captured.forEach(l -> l.addAppender(logged));
    }

    @AfterEach
    void release() {
        captured.forEach(l -> l.detachAppender(logged));
    }

    private List<String> lines() {
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static JsonNode action(TestServer s, String instance, String rule) throws Exception {
        for (JsonNode a : s.getJson("/v1/actions?instance=" + instance).path("actions")) {
            if (a.path("rule").asText().equals(rule)) {
                return a;
            }
        }
        return null;
    }

    @Test
    void aDirectResizeWithTheGeneratedAdminTokenNamesAdminAndTheClient() throws Exception {
        try (TestServer s = TestServer.start(dir, "rules: []\n", Map.of())) {
            s.report("web-1", "cpu", System.currentTimeMillis() / 1000, 10);
            assertThat(s.post("/v1/instances/web-1/resize", RESIZE).statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).until(() -> action(s, "web-1", "api") != null);
            JsonNode direct = action(s, "web-1", "api");
            assertThat(direct.path("requested_by").asText()).isEqualTo("admin from 127.0.0.1");
            assertThat(direct.path("reason").asText()).contains("by admin from 127.0.0.1");
            assertThat(lines()).anyMatch(l -> l.startsWith("web-1: cpu 2 → 3 (rule api: asked by admin from "
                    + "127.0.0.1, operation "));
            assertThat(lines()).anyMatch(l -> l.contains("accepted") && l.contains("on 'web-1'")
                    && l.contains("asked by admin from 127.0.0.1"));
        }
    }

    @Test
    void aDirectResizeWithAScopedTokenNamesThatToken() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens.yaml"), "tokens:\n  - {name: oncall, sha256: "
                + Credentials.sha256Hex("oncall-token-1") + ", scopes: [operate]}\n");
        try (TestServer s = TestServer.start(dir, "rules: []\n", Map.of("SCALEMANAGER_API_TOKENS",
                tokens.toString()))) {
            s.report("web-1", "cpu", System.currentTimeMillis() / 1000, 10);
            HttpResponse<String> r = TestServer.send(s.base.resolve("/v1/instances/web-1/resize"), "POST", RESIZE,
                    "oncall-token-1");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).until(() -> action(s, "web-1", "api") != null);
            assertThat(action(s, "web-1", "api").path("requested_by").asText()).isEqualTo("oncall from 127.0.0.1");
            assertThat(lines()).anyMatch(l -> l.contains("rule api: asked by oncall from 127.0.0.1"));
        }
    }

    @Test
    void aRulesResizeIsLoggedWithItsRuleAndTheManagersTokenAndAddress() throws Exception {
        try (TestServer s = TestServer.start(dir, RULES, Map.of())) {
            long now = System.currentTimeMillis() / 1000;
            s.report("web-1", "ram", now, 90, 91, 92, 93);

            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode a = action(s, "web-1", "ram-up");
                return a != null && a.path("status").asText().equals("succeeded");
            });
            assertThat(action(s, "web-1", "ram-up").path("requested_by").isNull()).as("its rule decided it").isTrue();
            assertThat(lines()).anyMatch(l -> l.startsWith("web-1: ") && l.contains("(rule ram-up: "));
            assertThat(lines()).anyMatch(l -> l.contains("on 'web-1'") && l.contains("asked by admin from 127.0.0.1")
                    && l.contains("key action-"));
        }
    }

    @Test
    void theAgentsOwnFiguresAreTheSizeWhenTheyGiveEveryComponent() throws Exception {
        try (TestServer s = TestServer.start(dir, "rules: []\n", Map.of())) {
            long now = System.currentTimeMillis() / 1000;
            s.report("web-1", "ram", now, 50);
            s.report("web-2", "cpus", now, 4);
            s.report("web-2", "ram_total_mb", now, 3911.6);
            s.report("web-2", "storage_total_gb", now, 49.2);

            await().atMost(Duration.ofSeconds(30)).until(() -> s.getJson("/v1/instances").path("instances")
                    .findValuesAsText("instance").containsAll(List.of("web-1", "web-2")));
            for (JsonNode i : s.getJson("/v1/instances").path("instances")) {
                if (i.path("instance").asText().equals("web-2")) {
                    assertThat(i.path("size_source").asText()).isEqualTo("agent");
                    assertThat(i.path("size").path("cpu").asLong()).isEqualTo(4);
                    assertThat(i.path("size").path("ram").asLong()).isEqualTo(3912);
                    assertThat(i.path("size").path("storage").asLong()).isEqualTo(49);
                } else {
                    assertThat(i.path("size_source").asText()).as("no size reports: the simulator's")
                            .isEqualTo("simulator");
                }
            }
        }
    }
}
