package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.server.TestRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit trail after each kind of change, end to end on the all-in-one over HTTP: a resize, a silence and a
 * pause made and ended, a reload over HTTP and one on SIGHUP, and a refused token, each with who and from where;
 * and the trail is still there after a restart (it is in the database, not in memory).
 */
class AuditTrailTest {
    private static final String TOKEN = "audit-admin-token";
    private static final String RULES = TestRules.ramUp("1m", "10m");

    @TempDir
    Path dir;

    private static List<String> trail(TestServer s) throws Exception {
        List<String> entries = new ArrayList<>();
        for (JsonNode e : s.getJson("/v1/audit?since=0&limit=200").path("entries")) {
            entries.add(e.path("who").asText() + "|" + e.path("client").asText() + "|" + e.path("action").asText()
                    + "|" + e.path("target").asText() + "|" + e.path("result").asText());
        }
        return entries;
    }

    @Test
    void everyKindOfChangeIsInTheTrailWithWhoAndFromWhereAndSurvivesARestart() throws Exception {
        Map<String, String> env = Map.of("SCALEMANAGER_API_TOKEN", TOKEN);
        try (TestServer s = TestServer.start(dir, RULES, env)) {
            long now = System.currentTimeMillis() / 1000;
            s.report("web-1", "ram", now, 50);
            HttpResponse<String> resize = s.post("/v1/instances/web-1/resize",
                    "{\"component\": \"cpu\", \"mode\": \"abs\", \"value\": 4}");
            assertThat(resize.statusCode()).as(resize.body()).isEqualTo(202);
            HttpResponse<String> silence = s.post("/v1/silences", "{\"instances\": \"web-*\", \"duration\": \"1h\"}");
            assertThat(silence.statusCode()).as(silence.body()).isEqualTo(201);
            assertThat(s.delete("/v1/silences/" + s.json(silence).path("id").asLong()).statusCode()).isEqualTo(204);
            HttpResponse<String> pause = s.post("/v1/pauses", "{\"instances\": \"web-*\", \"rule\": \"ram-up\", "
                    + "\"duration\": \"1h\", \"comment\": \"release\"}");
            assertThat(pause.statusCode()).as(pause.body()).isEqualTo(201);
            assertThat(s.delete("/v1/pauses/" + s.json(pause).path("id").asLong()).statusCode()).isEqualTo(204);
            assertThat(s.post("/v1/rules/reload", "").statusCode()).isEqualTo(200);
            assertThat(TestServer.send(s.base.resolve("/v1/rules/reload"), "POST", "", "not-the-token")
                    .statusCode()).isEqualTo(401);
            Process hangup = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid()))
                    .inheritIO().start();
            assertThat(hangup.waitFor()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> trail(s).stream()
                    .anyMatch(e -> e.startsWith("SIGHUP|local|SIGHUP rules reload|rules|ok")));

            List<String> trail = trail(s);
            assertThat(trail).anyMatch(e -> e.matches("api\\.token\\|127\\.0\\.0\\.1\\|POST /v1/instances/[{<]instance[}>]"
                    + "/resize\\|web-1\\|ok.*"));
            assertThat(trail).anyMatch(e -> e.startsWith("api.token|127.0.0.1|POST /v1/silences|") && e.endsWith("|ok"));
            assertThat(trail).anyMatch(e -> e.startsWith("api.token|127.0.0.1|DELETE /v1/silences/"));
            assertThat(trail).anyMatch(e -> e.startsWith("api.token|127.0.0.1|POST /v1/pauses|") && e.endsWith("|ok"));
            assertThat(trail).anyMatch(e -> e.startsWith("api.token|127.0.0.1|DELETE /v1/pauses/"));
            assertThat(trail).anyMatch(e -> e.startsWith("api.token|127.0.0.1|POST /v1/rules/reload|")
                    && e.endsWith("|ok"));
            assertThat(trail).anyMatch(e -> e.startsWith("anonymous|127.0.0.1|POST /v1/rules/reload|")
                    && e.endsWith("|refused: unknown token"));
        }
        try (TestServer again = TestServer.start(dir, RULES, env)) {
            assertThat(trail(again)).as("the trail after a restart")
                    .anyMatch(e -> e.startsWith("api.token|127.0.0.1|POST /v1/pauses|"))
                    .anyMatch(e -> e.startsWith("SIGHUP|local|"));
        }
    }
}
