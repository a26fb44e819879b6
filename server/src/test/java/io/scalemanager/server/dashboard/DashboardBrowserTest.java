package io.scalemanager.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import com.sun.net.httpserver.HttpServer;
import io.scalemanager.server.demo.SimulatedFleet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser (headless Chromium, Selenium) against a real all-in-one with the demo's fleet.
 * Skipped only where chromium and chromedriver are not installed; CI installs them (.ci/run).
 *
 * <p>With {@code -Ddashboard.screenshots=DIR} it saves the fleet and an instance page as PNGs into DIR (the
 * README's pictures: {@code docs/images}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIf("io.scalemanager.core.process.Installed#chromium")
class DashboardBrowserTest {
    /** Free text (a silence's comment) that is markup: it must show as text. */
    static final String MARKUP = "<img src=x onerror=alert(1)>\"'";
    /** A rule name with every character the rule grammar allows besides letters and digits. */
    static final String ODD_RULE = "rack_load-alert.v2";
    private static final String RULES = """
            limits:
              "*": {cpu: [1, 8], ram: [1024, 16384], storage: [20, 500]}
            rules:
              - name: cpu-up
                when: load > 4
                for: 10s
                then: cpu +1
                cooldown: 10m
              - name: ram-up
                when: ram > 80
                for: 10s
                then: ram +1024
                cooldown: 10m
              - name: %s
                instances: "rack-*"
                when: load > 1000
                for: 10s
                then: alert
              - name: ram-down
                instances: "guard-*"
                when: ram < 30
                for: 3s
                then: ram -1024
                cooldown: 10m
            """.formatted(ODD_RULE);

    private Path dir;
    private DashboardServer server;
    private SimulatedFleet fleet;
    private Browser browser;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        server = DashboardServer.start(dir.resolve("server"), RULES, Map.of());
        fleet = SimulatedFleet.reportingTo(server.app, 20).start(Duration.ofSeconds(1));
        browser = new Browser(dir.resolve("chromium-profile"));
        // The pages show without a token on loopback, but changes (silences, pauses) need one: sign in once.
        browser.open(server.url("/login"));
        browser.one("#token").sendKeys(server.app.adminToken());
        browser.one("#signin-button").click();
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.driver.manage().getCookieNamed("sm_token") != null);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1) // first: the other tests add instances to the demo's 20 (and the screenshot shows the demo's)
    void demoFleetAppearsAndAnInstancePageShowsThresholdActionMarkerAndWhy() throws Exception {
        browser.open(server.url("/"));
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.all("#fleet tbody tr").size() == 20);
        assertThat(browser.one("#fleet-summary").getText()).startsWith("20 instances match");
        assertThat(browser.all("#fleet tbody tr canvas.spark")).isNotEmpty();

        // web-1 is overloaded: its load holds above 4, cpu-up resizes it.
        JsonNode action = await().atMost(Duration.ofSeconds(120)).until(() -> {
            for (JsonNode a : server.getJson("/v1/actions?instance=web-1").path("actions")) {
                if (a.path("rule").asText().equals("cpu-up") && a.path("status").asText().equals("succeeded")) {
                    return a;
                }
            }
            return null;
        }, a -> a != null);
        // The fleet page refreshes by itself: web-1's last action (cpu-up's or ram-up's) appears without a reload.
        await().atMost(Duration.ofSeconds(30)).until(() -> text("#fleet tbody tr[data-instance='web-1']")
                .matches("(?s).*(cpu|ram) \\d+ → \\d+ \\((cpu|ram)-up\\).*"));
        saveScreenshot("dashboard-fleet.png");

        browser.one("#fleet tbody tr[data-instance='web-1'] a.instance").click();
        await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(attribute(".chart[data-type='load']",
                "data-drawn-actions")) || "2".equals(attribute(".chart[data-type='load']", "data-drawn-actions")));
        assertThat(attribute(".chart[data-type='load']", "data-drawn-thresholds")).isEqualTo("1");
        assertThat(text("#instance-id")).isEqualTo("web-1");
        assertThat(text(".chart[data-type='load'] .legend"))
                .contains("cpu-up: load > 4 → cpu +1")
                .contains("cpu " + action.path("from").asLong() + " → " + action.path("to").asLong());
        assertThat(browser.all(".chart[data-type='load'] canvas")).isNotEmpty();
        assertThat(browser.all("#sizes .chart[data-component='cpu']")).hasSize(1);
        // Why: cpu-up is blocked by the action it just took (its cooldown runs for 10 minutes).
        await().atMost(Duration.ofSeconds(20)).until(() -> !text("#why-table tr[data-rule='cpu-up']").isEmpty());
        assertThat(text("#why-table tr[data-rule='cpu-up']")).contains("cpu-up").containsAnyOf("succeeded", "blocked");
        assertThat(text("#instance-actions")).contains("cpu-up");
        saveScreenshot("dashboard-instance.png");
        assertNoConsoleErrors();
    }

    @Test
    void silenceCreatedAndExpiredFromThePageChangesWhatTheApiReturns() throws Exception {
        browser.open(server.url("/#/silences"));
        WebElement form = await().atMost(Duration.ofSeconds(20)).until(() -> browser.one("#silence-form"),
                f -> f.isDisplayed());
        WebElement instances = form.findElement(By.name("instances"));
        instances.clear();
        instances.sendKeys("db-*");
        form.findElement(By.name("comment")).sendKeys("maintenance window");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        JsonNode created = await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode s : server.getJson("/v1/silences").path("silences")) {
                if (s.path("comment").asText().equals("maintenance window")) {
                    return s;
                }
            }
            return null;
        }, s -> s != null);
        assertThat(created.path("instances").asText()).isEqualTo("db-*");

        long id = created.path("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.all("#silences tr[data-silence='" + id + "']")
                .isEmpty());
        browser.one("#silences tr[data-silence='" + id + "'] button.expire").click();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode s : server.getJson("/v1/silences").path("silences")) {
                if (s.path("id").asLong() == id) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void pausesCreatedAndExpiredFromThePagesChangeWhatTheApiReturns() throws Exception {
        // From the instance page: "pause this instance".
        browser.open(server.url("/#/instance/web-2"));
        WebElement form = await().atMost(Duration.ofSeconds(20)).until(() -> browser.one("#pause-form"),
                WebElement::isDisplayed);
        WebElement duration = form.findElement(By.name("duration"));
        duration.clear();
        duration.sendKeys("30m");
        form.findElement(By.name("comment")).sendKeys("paused on its page");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        JsonNode fromInstancePage = await().atMost(Duration.ofSeconds(20)).until(
                () -> pause("paused on its page"), p -> p != null);
        assertThat(fromInstancePage.path("instances").asText()).isEqualTo("web-2");
        assertThat(fromInstancePage.path("rule").asText()).isEqualTo("*");
        assertThat(fromInstancePage.path("until").asDouble() - Instant.now().getEpochSecond()).isBetween(1700.0,
                1810.0);

        // From the pauses page: a glob and a rule, then both expired there.
        browser.open(server.url("/#/silences"));
        WebElement create = await().atMost(Duration.ofSeconds(20)).until(() -> browser.one("#pause-create"),
                WebElement::isDisplayed);
        WebElement glob = create.findElement(By.name("instances"));
        glob.clear();
        glob.sendKeys("web-1*");
        WebElement rule = create.findElement(By.name("rule"));
        rule.clear();
        rule.sendKeys("ram-up");
        create.findElement(By.name("comment")).sendKeys("paused from the list");
        create.findElement(By.cssSelector("button[type=submit]")).click();
        JsonNode fromList = await().atMost(Duration.ofSeconds(20)).until(() -> pause("paused from the list"),
                p -> p != null);
        assertThat(fromList.path("instances").asText()).isEqualTo("web-1*");
        assertThat(fromList.path("rule").asText()).isEqualTo("ram-up");

        for (JsonNode p : List.of(fromInstancePage, fromList)) {
            String id = p.path("id").asText();
            String row = "#pauses tr[data-pause='" + id + "']";
            await().atMost(Duration.ofSeconds(20)).until(() -> !browser.all(row).isEmpty());
            assertThat(text(row)).contains(p.path("comment").asText());
            browser.one(row + " button.expire").click();
            await().atMost(Duration.ofSeconds(20)).until(() -> pause(p.path("comment").asText()) == null);
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.all(row).isEmpty());
        }
        assertThat(server.getJson("/v1/pauses").path("pauses").size()).isZero();
    }

    @Test
    void whyPanelShowsTheActionThatBlocksARule() throws Exception {
        // why-1 reports a load above cpu-up's threshold (from the test, so nothing else moves it): cpu-up resizes
        // it once, and from then on its cooldown's action blocks the rule.
        long start = Instant.now().getEpochSecond();
        StringBuilder states = new StringBuilder("[");
        for (long t = start - 30; t <= start; t += 5) {
            states.append(states.length() > 1 ? "," : "").append("{\"instance\":\"why-1\",\"type\":\"load\",")
                    .append("\"value\":9,\"timestamp\":").append(t).append('}');
        }
        server.postStates(states.append(']').toString());
        JsonNode action = await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (JsonNode a : server.getJson("/v1/actions?instance=why-1").path("actions")) {
                if (a.path("rule").asText().equals("cpu-up")) {
                    return a;
                }
            }
            return null;
        }, a -> a != null);
        long actionId = action.path("id").asLong();
        JsonNode blocked = await().atMost(Duration.ofSeconds(60)).until(() -> {
            server.postStates("[{\"instance\":\"why-1\",\"type\":\"load\",\"value\":9,\"timestamp\":"
                    + Instant.now().getEpochSecond() + "}]");
            for (JsonNode r : server.getJson("/v1/instances/why-1/why").path("rules")) {
                if (r.path("rule").asText().equals("cpu-up") && r.path("outcome").asText().equals("blocked")) {
                    return r;
                }
            }
            return null;
        }, r -> r != null);
        assertThat(blocked.path("action").asLong()).isEqualTo(actionId);

        browser.open(server.url("/#/instance/why-1"));
        String row = "#why-table tr[data-rule='cpu-up']";
        await().atMost(Duration.ofSeconds(30)).until(() -> text(row).contains("blocked"));
        // The reason's words change as the action goes from under way to cooling down; the action blocking stays.
        assertThat(text(row)).contains("(action " + actionId + ")").contains("action " + actionId + " (cpu-up)");
        assertThat(text("#instance-actions tr[data-action='" + actionId + "']")).contains("cpu-up");
    }

    @Test
    void aShrinkTheGuardRefusedShowsAsRefusedNotAsAFailure() throws Exception {
        // A day of guard-1 using 90% of the size ram-down would leave it (3072 MiB of the simulator's 4096), then
        // the usage the rule shrinks on: the shrink guard refuses it before anything is sent.
        long now = Instant.now().getEpochSecond();
        StringBuilder states = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            states.append(i == 0 ? "" : ",").append("{\"instance\":\"guard-1\",\"type\":\"ram_used_mb\",\"value\":")
                    .append(0.9 * 3072).append(",\"timestamp\":").append(now - 23 * 3600 + i * 800L).append('}');
        }
        for (long t = now - 5; t <= now; t++) {
            states.append(",{\"instance\":\"guard-1\",\"type\":\"ram\",\"value\":20,\"timestamp\":").append(t)
                    .append('}');
        }
        server.postStates(states.append(']').toString());
        JsonNode refused = await().atMost(Duration.ofSeconds(60)).until(
                () -> server.getJson("/v1/actions?instance=guard-1").path("actions").path(0),
                a -> a.path("refused_by").asText().equals("guard"));
        assertThat(refused.path("status").asText()).isEqualTo("failed");

        browser.open(server.url("/#/instance/guard-1"));
        String cell = "#instance-actions tr[data-action='" + refused.path("id").asLong() + "'] .status";
        await().atMost(Duration.ofSeconds(30)).until(() -> text(cell).equals("refused: guard"));
        assertThat(attribute(cell, "class")).isEqualTo("status refused");
        assertThat(attribute(cell, "title")).contains("before anything was sent");
        assertNoConsoleErrors();
    }

    private JsonNode pause(String comment) throws Exception {
        for (JsonNode p : server.getJson("/v1/pauses").path("pauses")) {
            if (p.path("comment").asText().equals(comment)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void fleetPageShowsStatusesFromTheDecisionOutcomesAndFiltersByThem() throws Exception {
        HttpResponse<String> created = server.send("POST", "/v1/pauses", "{\"instances\":\"web-3\",\"rule\":\"*\","
                + "\"duration\":\"10m\",\"comment\":\"status check\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String pause = Json.mapper().readTree(created.body()).path("id").asText();
        try {
            browser.open(server.url("/"));
            // The rules of web-3 decide "paused" on its next reports; the page refreshes by itself.
            await().atMost(Duration.ofSeconds(60)).until(() -> text("#fleet tbody tr[data-instance='web-3'] td:nth-child(2)")
                    .equals("paused"));
            assertThat(attribute("#fleet tbody tr[data-instance='web-3'] td:nth-child(2)", "title"))
                    .contains("status check");
            assertThat(text("#fleet-summary")).contains("paused");

            Select status = new Select(browser.one("#fleet-filter select[name=status]"));
            status.selectByValue("paused");
            browser.one("#fleet-filter button[type=submit]").click();
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#fleet tbody tr").size() == 1
                    && !browser.all("#fleet tbody tr[data-instance='web-3']").isEmpty());
            assertThat(text("#fleet-summary")).startsWith("1 instances match");
        } finally {
            assertThat(server.send("DELETE", "/v1/pauses/" + pause, null).statusCode()).isEqualTo(204);
        }
    }

    @Test
    void instanceIdsAndRuleNamesAreShownAsText() throws Exception {
        String id = "rack-7/web:01@dc-1.example";
        long now = Instant.now().getEpochSecond();
        server.postStates("[{\"instance\":\"" + id + "\",\"type\":\"load\",\"value\":2,\"timestamp\":" + now + "}]");

        browser.open(server.url("/#/fleet?instances=rack-*"));
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#fleet tbody tr").size() == 1);
        assertThat(browser.one("#fleet tbody a.instance").getText()).isEqualTo(id);
        browser.one("#fleet tbody a.instance").click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.all("#why-table tbody tr").isEmpty());
        assertThat(browser.one("#instance-id").getText()).isEqualTo(id);
        assertThat(browser.one("#why-table tbody").getText()).contains(ODD_RULE);

        browser.open(server.url("/#/rules"));
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#rules tbody tr").size() == 4);
        assertThat(browser.one("#rules tbody tr[data-rule='" + ODD_RULE + "'] td").getText()).isEqualTo(ODD_RULE);

        String json = "{\"instances\":\"" + id + "\",\"duration\":\"1h\",\"comment\":"
                + io.scalemanager.core.json.Json.mapper().writeValueAsString(MARKUP) + "}";
        assertThat(server.send("POST", "/v1/silences", json).statusCode()).isEqualTo(201);
        browser.open(server.url("/#/silences"));
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.one("#silences").getText().contains(MARKUP));
        assertThat(browser.one("#silences").getText()).contains(id);
        assertThat(browser.js("return document.images.length")).isEqualTo(0L);
        assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void crossSiteFormPostIsRefused() throws Exception {
        // Another site (another port) with a form that posts JSON-looking text to the API, as a CSRF attack would.
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String page = """
                <!doctype html><form method="post" enctype="text/plain" action="%s">
                <input type="hidden" name='{"instances":"*","duration":"1h","comment":"cross-site","x":"' value='"}'>
                <button id="go" type="submit">go</button></form>""".formatted(server.url("/v1/silences"));
        other.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        other.start();
        try {
            browser.open("http://127.0.0.1:" + other.getAddress().getPort() + "/");
            browser.one("#go").click();
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.driver.getPageSource()
                    .contains("cross-site request refused"));
            for (JsonNode s : server.getJson("/v1/silences").path("silences")) {
                assertThat(s.path("comment").asText()).isNotEqualTo("cross-site");
            }
        } finally {
            other.stop(0);
        }
    }

    /** An attribute read in the page itself: the live refresh replaces elements between two Selenium calls. */
    private String attribute(String css, String name) {
        return (String) browser.js("const e = document.querySelector(arguments[0]); "
                + "return e ? e.getAttribute(arguments[1]) : null", css, name);
    }

    private String text(String css) {
        return (String) browser.js("const e = document.querySelector(arguments[0]); return e ? e.innerText : ''",
                css);
    }

    private void assertNoConsoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : browser.driver.manage().logs().get(LogType.BROWSER)) {
            // Refused requests of other tests are logged too; a script error or a blocked asset is what counts here.
            if (e.getMessage().contains("Content Security Policy") || e.getMessage().contains("Uncaught")) {
                errors.add(e.getMessage());
            }
        }
        assertThat(errors).as("script errors and Content-Security-Policy violations in the browser's console")
                .isEmpty();
    }

    private void saveScreenshot(String name) throws IOException {
        String target = System.getProperty("dashboard.screenshots");
        if (target != null && !target.isBlank()) {
            browser.screenshot(Path.of(target).resolve(name));
        } else {
            browser.screenshot(Path.of("target", "screenshots", name));
        }
    }
}
