package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.server.TestRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/openapi.yaml against the running all-in-one: every route the server serves is described, every described
 * operation exists and is exercised here, and every answer provoked (successes and errors) has a described status
 * and a body that fits its schema. A new route without a description, or a body that drifts from it, fails.
 */
class ApiDescriptionTest {
    private static final Path DESCRIPTION = Path.of(System.getProperty("user.dir")).getParent()
            .resolve("docs/openapi.yaml");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String RULES = TestRules.ramUp("2s", "0s");

    @TempDir
    Path dir;

    private ApiDescription api;
    private URI base;
    /** The server's admin token: changes always carry it, reads only where they must. */
    private String token;
    private final Set<String> exercised = new TreeSet<>();
    private final List<String> problems = new ArrayList<>();

    @Test
    void everyRouteIsDescribedAndEveryAnswerFitsTheDescription() throws Exception {
        api = ApiDescription.load(DESCRIPTION);
        try (TestServer server = TestServer.start(dir, RULES, Map.of("SCALEMANAGER_SIMULATOR_FAIL", "broken-*",
                "SCALEMANAGER_SIMULATOR_RESIZE_DELAY", "1s"))) {
            base = server.base;
            token = server.token;
            Set<String> served = new TreeSet<>();
            for (ApiServer.Endpoint e : server.app.endpoints()) {
                served.add(e.method() + " " + e.path().replace('<', '{').replace('>', '}'));
            }
            assertThat(api.operations()).as("described operations = served routes").isEqualTo(served);

            exercise();

            assertThat(problems).as("answers that differ from docs/openapi.yaml").isEmpty();
            assertThat(exercised).as("described operations this test exercises").isEqualTo(api.operations());
        }
    }

    private void exercise() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        expect(200, "GET", "/health", null);
        expect(200, "GET", "/ready", null);
        expect(200, "GET", "/metrics", null);

        // States: web-1 and broken-1 cross the threshold long enough for the rule to fire.
        for (String instance : List.of("web-1", "broken-1")) {
            expect(202, "POST", "/v1/states", "[" + state(instance, "ram", 90, now - 3) + ","
                    + state(instance, "ram", 91, now - 2) + "," + state(instance, "ram", 92, now - 1) + "]");
            expect(202, "POST", "/v1/states", "{\"states\": [" + state(instance, "ram", 93, now) + "]}");
        }
        expect(202, "POST", "/v1/state", state("web-2", "cpu", 12.5, now));
        expect(400, "POST", "/v1/states", "[{\"instance\": \"web-1\", \"type\": \"ram\", \"value\": \"x\"}]");
        expect(400, "POST", "/v1/state", "{\"instance\": \"\"}");
        expect(415, "POST", "/v1/states", "[]", "text/plain");

        expect(200, "GET", "/v1/history?instance=web-1&type=ram&from=0", null);
        expect(400, "GET", "/v1/history?type=ram", null);
        expect(200, "GET", "/v1/history/query?instance=web-1&type=ram&op=%3E&value=80&from=0", null);
        expect(400, "GET", "/v1/history/query?instance=web-1&type=ram&op=~&value=80", null);

        await().atMost(Duration.ofSeconds(60)).until(() -> json("/v1/actions?status=succeeded").path("actions")
                .size() >= 1 && json("/v1/alerts").path("alerts").size() >= 1);
        expect(200, "GET", "/v1/actions", null);
        expect(400, "GET", "/v1/actions?status=done", null);
        long done = json("/v1/actions?status=succeeded").path("actions").get(0).path("id").asLong();
        expect(409, "POST", "/v1/actions/" + done + "/release", null);
        expect(404, "POST", "/v1/actions/999999999/release", null);
        expect(400, "POST", "/v1/actions/first/release", null);
        expect(200, "GET", "/v1/alerts", null);
        expect(400, "GET", "/v1/alerts?limit=0", null);
        // The audit trail is admin's; a change without a token is refused and audited.
        expect(401, "POST", "/v1/silences", "{\"instances\": \"*\", \"duration\": \"1h\"}", "application/json",
                false);
        expect(401, "GET", "/v1/audit?since=0", null);
        expect(200, "GET", "/v1/audit?since=0", null, "application/json", true);
        expect(200, "GET", "/v1/instances", null);
        expect(400, "GET", "/v1/instances?scope=world", null);

        String silence = expect(201, "POST", "/v1/silences", "{\"instances\": \"broken-*\", \"duration\": \"1h\", "
                + "\"comment\": \"test\"}");
        expect(400, "POST", "/v1/silences", "{\"instances\": \"web-*\"}");
        expect(200, "GET", "/v1/silences", null);
        String silenceId = Json.mapper().readTree(silence).path("id").asText();
        expect(204, "DELETE", "/v1/silences/" + silenceId, null);

        // Why and why not, decisions, pauses, the ruleset.
        expect(200, "GET", "/v1/instances/web-1/why", null);
        expect(404, "GET", "/v1/instances/never-seen/why", null);
        expect(200, "GET", "/v1/decisions?instance=web-1", null);
        expect(400, "GET", "/v1/decisions?outcome=maybe", null);
        String pause = expect(201, "POST", "/v1/pauses", "{\"instances\": \"db-*\", \"rule\": \"*\", "
                + "\"duration\": \"1h\", \"comment\": \"maintenance\"}");
        expect(400, "POST", "/v1/pauses", "{\"rule\": \"*\", \"duration\": \"1h\"}");
        expect(200, "GET", "/v1/pauses", null);
        long pauseId = Json.mapper().readTree(pause).path("id").asLong();
        expect(204, "DELETE", "/v1/pauses/" + pauseId, null);
        expect(404, "DELETE", "/v1/pauses/" + pauseId, null);
        expect(200, "GET", "/v1/rules", null);
        expect(200, "POST", "/v1/rules/reload", null);
        String backtest = "{\"rules\": " + Json.mapper().writeValueAsString(RULES) + ", \"from\": " + (now - 60)
                + ", \"to\": " + (System.currentTimeMillis() / 1000 + 1) + "}";
        String replayed = expect(200, "POST", "/v1/rules/backtest", backtest);
        assertThat(Json.mapper().readTree(replayed).path("events").asLong()).as(replayed).isPositive();
        expect(400, "POST", "/v1/rules/backtest", "{\"rules\": \"rules: []\", \"from\": " + now + ", \"to\": "
                + (now - 1) + "}");
        expect(422, "POST", "/v1/rules/backtest", "{\"rules\": \"rules:\\n  - name: x\\n\", \"from\": "
                + (now - 60) + ", \"to\": " + now + "}");
        expect(404, "DELETE", "/v1/silences/" + silenceId, null);

        String accepted = expect(202, "POST", "/v1/instances/web-2/resize",
                "{\"component\": \"cpu\", \"mode\": \"rel\", \"value\": 1}");
        expect(409, "POST", "/v1/instances/web-2/resize", "{\"component\": \"cpu\", \"mode\": \"rel\", \"value\": 1}");
        expect(422, "POST", "/v1/instances/web-2/resize", "{\"component\": \"cpu\", \"mode\": \"rel\", \"value\": 0}");
        expect(404, "POST", "/v1/instances/never-seen/resize", "{\"component\": \"cpu\", \"mode\": \"abs\", \"value\": 2}");
        expect(400, "POST", "/v1/instances/web-2/resize", "{not json");
        expect(200, "GET", "/v1/instances/web-2", null);
        expect(404, "GET", "/v1/instances/never-seen", null);
        String operation = Json.mapper().readTree(accepted).path("operation").asText();
        expect(200, "GET", "/v1/operations/" + operation, null);
        expect(404, "GET", "/v1/operations/no-such-operation", null);
        expect(200, "GET", "/v1/operations?instance=web-2&status=running&limit=5", null);
        expect(400, "GET", "/v1/operations?status=done", null);

        await().atMost(Duration.ofSeconds(30)).until(() -> json("/v1/operations/" + operation).path("status")
                .asText().equals("succeeded"));
        expect(200, "POST", "/instance?instance=web-1&component=cpu&type=rel&value=1", null);
        expect(406, "POST", "/instance?instance=web-1&component=gpu&type=rel&value=1", null);

        // The dashboard: its pages and files (open on loopback without a tokens file), its sign-in, its API.
        expect(200, "GET", "/", null);
        expect(200, "GET", "/login", null);
        expect(200, "GET", "/ui/app.js", null);
        expect(404, "GET", "/ui/no-such-file.js", null);
        expect(401, "POST", "/v1/session", "{\"token\": \"anything\"}");
        expect(204, "POST", "/v1/session", "{\"token\": \"" + token + "\"}");
        expect(204, "DELETE", "/v1/session", null);
        String anonymous = expect(200, "GET", "/v1/whoami", null);
        assertThat(Json.mapper().readTree(anonymous).path("may").toString()).isEqualTo("[\"read\"]");
        String admin = expect(200, "GET", "/v1/whoami", null, "application/json", true);
        assertThat(Json.mapper().readTree(admin).path("may").size()).as(admin).isEqualTo(4);
        expect(200, "GET", "/v1/fleet?sort=last_seen&order=desc", null);
        expect(400, "GET", "/v1/fleet?order=up", null);
        expect(200, "GET", "/v1/history/chart?instance=web-1&from=" + (now - 600), null);
        expect(400, "GET", "/v1/history/chart", null);
        expect(200, "GET", "/v1/rules/activity", null);
        expect(400, "GET", "/v1/rules/activity?since=soon", null);
    }

    /** Sends the request, checks the answer against the description and returns its body. */
    private String expect(int status, String method, String path, String body) throws Exception {
        return expect(status, method, path, body, "application/json");
    }

    private String expect(int status, String method, String path, String body, String contentType) throws Exception {
        return expect(status, method, path, body, contentType, !method.equals("GET"));
    }

    private String expect(int status, String method, String path, String body, String contentType,
                          boolean withToken) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
        if (withToken) {
            request.header("Authorization", "Bearer " + token);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
        String rawPath = path.split("\\?")[0];
        String template = api.template(rawPath).orElse(null);
        if (template == null) {
            problems.add(method + " " + rawPath + ": no path of the description matches");
            return r.body();
        }
        exercised.add(method + " " + template);
        problems.addAll(api.problems(method, template, r.statusCode(),
                r.headers().firstValue("Content-Type").orElse(null), r.body()));
        return r.body();
    }

    private JsonNode json(String path) throws Exception {
        return Json.mapper().readTree(HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static String state(String instance, String type, double value, long timestamp) {
        return "{\"instance\": \"" + instance + "\", \"type\": \"" + type + "\", \"value\": " + value
                + ", \"timestamp\": " + timestamp + "}";
    }
}
