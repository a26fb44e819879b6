package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

/** Scoped tokens, Origin and JSON checks and the audit trail, end to end over HTTP on the all-in-one. */
class ScopedTokensTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String RESIZE = "{\"component\":\"cpu\",\"mode\":\"abs\",\"value\":3}";

    @TempDir
    Path dir;

    private static String tokenLine(String name, String token, String scopes, String instances) {
        return "  - {name: " + name + ", sha256: " + Credentials.sha256Hex(token) + ", scopes: [" + scopes + "]"
                + (instances == null ? "" : ", instances: \"" + instances + "\"") + "}\n";
    }

    private static HttpResponse<String> send(TestServer s, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i + 1] != null) {
                b.header(headers[i], headers[i + 1]);
                typed |= headers[i].equals("Content-Type");
            }
        }
        if (body != null && !typed) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static String states(long ts, String... instances) {
        StringBuilder sb = new StringBuilder("[");
        for (String i : instances) {
            sb.append(sb.length() > 1 ? "," : "").append("{\"instance\":\"").append(i)
                    .append("\",\"type\":\"cpu\",\"value\":5,\"timestamp\":").append(ts).append('}');
        }
        return sb.append(']').toString();
    }

    @Test
    void eachScopeIsAllowedAndRefusedAndTheAuditTrailShowsWhoAndFromWhere() throws Exception {
        Path tokens = dir.resolve("tokens.yaml");
        Files.writeString(tokens, "tokens:\n"
                + tokenLine("root", "admin-token-1", "admin", null)
                + tokenLine("ops", "operate-token-1", "operate", null)
                + tokenLine("viewer", "read-token-1", "read", null)
                + tokenLine("web-agents", "ingest-token-1", "ingest", "web-*"));
        try (TestServer s = TestServer.start(dir, "rules: []\n",
                Map.of("SCALEMANAGER_API_TOKENS", tokens.toString()))) {
            long now = System.currentTimeMillis() / 1000 - 5;
            // Load balancers' checks stay open.
            assertThat(send(s, "GET", "/health", null).statusCode()).isEqualTo(200);
            assertThat(send(s, "GET", "/ready", null).statusCode()).isEqualTo(200);

            // The dashboard's page and files hold no data and load without a token; the page sends the browser
            // to sign in, and what it would show comes from reads, which need one.
            HttpResponse<String> page = send(s, "GET", "/", null);
            assertThat(page.statusCode()).isEqualTo(303);
            assertThat(page.headers().firstValue("Location")).hasValue("/login");
            assertThat(send(s, "GET", "/login", null).statusCode()).isEqualTo(200);
            assertThat(send(s, "GET", "/ui/app.js", null).statusCode()).isEqualTo(200);
            assertThat(send(s, "GET", "/v1/fleet", null).statusCode()).isEqualTo(401);

            // Reads need read (operate and admin include it); ingest does not read.
            assertThat(send(s, "GET", "/v1/actions", null).statusCode()).isEqualTo(401);
            assertThat(send(s, "GET", "/v1/actions", null, "Authorization", bearer("read-token-1")).statusCode())
                    .isEqualTo(200);
            assertThat(send(s, "GET", "/v1/actions", null, "Authorization", bearer("operate-token-1"))
                    .statusCode()).isEqualTo(200);
            assertThat(send(s, "GET", "/v1/actions", null, "Authorization", bearer("ingest-token-1"))
                    .statusCode()).isEqualTo(403);

            // Ingest within its glob; one state outside it refuses the whole request, nothing stored.
            assertThat(send(s, "POST", "/v1/states", states(now, "web-1"), "Authorization",
                    bearer("ingest-token-1")).statusCode()).isEqualTo(202);
            HttpResponse<String> foreign = send(s, "POST", "/v1/states", states(now, "web-2", "db-1"),
                    "Authorization", bearer("ingest-token-1"));
            assertThat(foreign.statusCode()).isEqualTo(403);
            assertThat(foreign.body()).contains("web-agents", "db-1", "nothing stored");
            assertThat(send(s, "GET", "/v1/history?instance=web-2&type=cpu&from=0", null, "Authorization",
                    bearer("read-token-1")).body()).contains("\"samples\":[]");
            assertThat(send(s, "POST", "/v1/states", states(now, "web-3"), "Authorization",
                    bearer("read-token-1")).statusCode()).isEqualTo(403);

            // Resizes need operate.
            String resize = "/v1/instances/web-1/resize";
            assertThat(send(s, "POST", resize, RESIZE).statusCode()).isEqualTo(401);
            assertThat(send(s, "POST", resize, RESIZE, "Authorization", bearer("nope-nope")).statusCode())
                    .isEqualTo(401);
            assertThat(send(s, "POST", resize, RESIZE, "Authorization", bearer("read-token-1")).statusCode())
                    .isEqualTo(403);
            assertThat(send(s, "POST", resize, RESIZE, "Authorization", bearer("ingest-token-1")).statusCode())
                    .isEqualTo(403);
            // A cross-site form post: no token, form body, foreign Origin. Refused, nothing changes.
            assertThat(send(s, "POST", "/instance?instance=web-1&type=abs&value=8&component=cpu", "x=1",
                    "Content-Type", "application/x-www-form-urlencoded", "Origin", "http://evil.example")
                    .statusCode()).isEqualTo(401);
            // With a token, a foreign Origin is still refused, and a body that is not JSON too.
            assertThat(send(s, "POST", resize, RESIZE, "Authorization", bearer("operate-token-1"), "Origin",
                    "http://evil.example").statusCode()).isEqualTo(403);
            assertThat(send(s, "POST", resize, RESIZE, "Authorization", bearer("operate-token-1"), "Origin",
                    "null").statusCode()).isEqualTo(403);
            assertThat(send(s, "POST", resize, "component=cpu", "Authorization", bearer("operate-token-1"),
                    "Content-Type", "application/x-www-form-urlencoded").statusCode()).isEqualTo(415);
            HttpResponse<String> ok = send(s, "POST", resize, RESIZE, "Authorization", bearer("operate-token-1"),
                    "Origin", s.base.toString().replaceAll("/$", ""));
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);

            // The audit trail is admin's.
            assertThat(send(s, "GET", "/v1/audit", null, "Authorization", bearer("operate-token-1")).statusCode())
                    .isEqualTo(403);
            HttpResponse<String> audit = send(s, "GET", "/v1/audit?since=0&limit=100", null, "Authorization",
                    bearer("admin-token-1"));
            assertThat(audit.statusCode()).isEqualTo(200);
            List<String> entries = new ArrayList<>();
            for (JsonNode e : Json.mapper().readTree(audit.body()).path("entries")) {
                assertThat(e.get("client").asText()).isEqualTo("127.0.0.1");
                assertThat(e.get("time").asLong()).isGreaterThan(now - 60);
                entries.add(e.get("who").asText() + "|" + e.get("action").asText() + "|" + e.get("target").asText()
                        + "|" + e.get("result").asText());
            }
            assertThat(entries).anyMatch(e -> e.matches("ops\\|POST /v1/instances/[<{]instance[>}]/resize\\|web-1\\|ok.*"));
            assertThat(entries).anyMatch(e -> e.startsWith("anonymous|POST /v1/instances/web-1/resize|")
                    && e.endsWith("|refused: no token"));
            assertThat(entries).anyMatch(e -> e.startsWith("anonymous|") && e.contains("refused: unknown token"));
            assertThat(entries).anyMatch(e -> e.startsWith("viewer|") && e.contains("refused: token lacks scope operate"));
            assertThat(entries).anyMatch(e -> e.startsWith("ops|") && e.contains("evil.example"));
            assertThat(entries).anyMatch(e -> e.startsWith("web-agents|POST /v1/states") && e.contains("refused: HTTP 403"));
            assertThat(entries).noneMatch(e -> e.contains("|POST /v1/states|") && e.endsWith("|ok"));

            // The tokens file is re-read when it changes.
            Files.writeString(tokens, Files.readString(tokens) + tokenLine("late", "late-token-1", "operate", null));
            await().atMost(Duration.ofSeconds(30)).until(() -> send(s, "GET", "/v1/actions", null, "Authorization",
                    bearer("late-token-1")).statusCode() == 200);
        }
    }
}
