package io.scalemanager.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard's pages and reads over HTTP, without a browser: paging, sorting, filters, errors, headers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardApiTest {
    private DashboardServer server;
    private long now;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        server = DashboardServer.start(dir, """
                rules:
                  - name: cpu-up
                    when: cpu > 95
                    for: 1m
                    then: cpu +1
                """, Map.of());
        now = Instant.now().getEpochSecond();
        StringBuilder json = new StringBuilder("[");
        for (int i = 1; i <= 5; i++) {
            for (int s = 0; s < 30; s++) {
                json.append(json.length() > 1 ? "," : "").append("{\"instance\":\"web-").append(i)
                        .append("\",\"type\":\"cpu\",\"value\":").append(i * 10 + s % 3)
                        .append(",\"timestamp\":").append(now - 290 + s * 10).append('}');
            }
        }
        server.postStates(json.append(']').toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> server.getJson("/v1/fleet").path("total").asInt() == 5);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void fleetIsPagedSortedAndFilteredOnTheServer() throws Exception {
        JsonNode page = server.getJson("/v1/fleet?size=2&page=1");
        assertThat(page.path("total").asInt()).isEqualTo(5);
        assertThat(ids(page)).containsExactly("web-3", "web-4");
        assertThat(page.path("watched").toString()).isEqualTo("[\"cpu\"]");
        assertThat(page.path("statuses").path("ok").asInt()).isEqualTo(5);

        assertThat(ids(server.getJson("/v1/fleet?sort=value:cpu&order=desc&size=3")))
                .containsExactly("web-5", "web-4", "web-3");
        assertThat(ids(server.getJson("/v1/fleet?instances=web-2*"))).containsExactly("web-2");
        assertThat(server.getJson("/v1/fleet?status=stopped_reporting").path("total").asInt()).isZero();

        JsonNode row = server.getJson("/v1/fleet?instances=web-1").path("instances").get(0);
        assertThat(row.path("size").path("cpu").asLong()).isEqualTo(2);
        JsonNode spark = row.path("sparklines").path("cpu");
        assertThat(spark.size()).isEqualTo(60);
        assertThat(spark.get(59).isNumber() || spark.get(58).isNumber()).isTrue();
    }

    @Test
    void chartReducesTheSamplesAndCarriesTheThresholds() throws Exception {
        JsonNode chart = server.getJson("/v1/history/chart?instance=web-2&from=" + (now - 300) + "&to=" + now
                + "&points=10");
        assertThat(chart.path("samples").asInt()).isEqualTo(30);
        JsonNode cpu = chart.path("series").get(0);
        assertThat(cpu.path("type").asText()).isEqualTo("cpu");
        assertThat(cpu.path("points").size()).isBetween(9, 11);
        for (JsonNode p : cpu.path("points")) {
            assertThat(p.get(2).asDouble()).isLessThanOrEqualTo(p.get(1).asDouble());
            assertThat(p.get(3).asDouble()).isGreaterThanOrEqualTo(p.get(1).asDouble());
        }
        assertThat(chart.path("thresholds").get(0).path("condition").asText()).isEqualTo("cpu > 95");
    }

    @Test
    void badParametersAreFourHundredsNamingTheField() throws Exception {
        assertError("/v1/fleet?sort=size", "sort");
        assertError("/v1/fleet?size=5000", "size");
        assertError("/v1/fleet?status=sleepy", "status");
        assertError("/v1/fleet?instances=web-%5B1%5D", "instances");
        assertError("/v1/history/chart?instance=web-1&from=yesterday", "from");
        assertError("/v1/history/chart?from=1", "instance");
        assertError("/v1/rules/activity?since=forever", "since");
    }

    @Test
    void pagesCarryTheContentSecurityPolicyAndAssetsComeFromTheJar() throws Exception {
        HttpResponse<String> page = server.send("GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(page.body()).doesNotContain("<script>").contains("src=\"/ui/app.js\"");
        HttpResponse<String> uplot = server.send("GET", "/ui/uPlot.min.js", null);
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        assertThat(server.send("GET", "/ui/secret.txt", null).statusCode()).isEqualTo(404);
        assertThat(server.send("GET", "/ui/..%2Fdashboard%2Fapp.js", null).statusCode()).isIn(400, 404);
    }

    @Test
    void aChangeFromAnotherOriginIsRefused() throws Exception {
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(server.base.resolve("/v1/silences")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + server.app.adminToken()) // refused for its Origin alone
                .header("Origin", "http://evil.example").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"instances\":\"*\",\"duration\":\"1h\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(server.getJson("/v1/silences").path("silences").size()).isZero();
    }

    private void assertError(String path, String field) throws Exception {
        HttpResponse<String> r = server.send("GET", path, null);
        assertThat(r.statusCode()).as(path).isEqualTo(400);
        assertThat(Json.mapper().readTree(r.body()).path("details").get(0).path("field").asText()).as(path)
                .isEqualTo(field);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("instances").forEach(i -> ids.add(i.path("instance").asText()));
        return ids;
    }
}
