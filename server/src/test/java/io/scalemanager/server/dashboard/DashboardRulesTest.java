package io.scalemanager.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rules page in a real browser: the loaded ruleset's hash and load time, each rule's actions in the last 24 h
 * and its dry-run state, the reload button (a changed file is loaded, a broken one is refused and named), and the
 * backtest form (a pasted ruleset over a range: the same result table as {@code POST /v1/rules/backtest}).
 */
@EnabledIf("io.scalemanager.core.process.Installed#chromium")
class DashboardRulesTest {
    private static final String RULES = """
            rules:
              - name: cpu-up
                when: load > 4
                for: 0s
                then: cpu +1
                cooldown: 10m
              - name: ram-shadow
                when: ram > 80
                for: 0s
                then: ram +1024
                dry_run: true
            """;

    @Test
    void rulesPageShowsTheLoadedRulesetAndReloadsIt(@TempDir Path dir) throws Exception {
        try (DashboardServer server = DashboardServer.start(dir.resolve("server"), RULES, Map.of());
             Browser browser = new Browser(dir.resolve("chromium-profile"))) {
            // Not signed in, the page shows (reads are open on loopback) but offers no change: a change needs a
            // token, so the reload button and the backtest form are disabled and the form says how to get one.
            browser.open(server.url("/#/rules"));
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#rules tbody tr").size() == 2);
            assertThat(browser.one("#caller").getText()).isEqualTo("anonymous · read");
            assertThat(browser.one("#reload").isEnabled()).isFalse();
            assertThat(browser.one("#backtest-form button[type=submit]").isEnabled()).isFalse();
            assertThat(text(browser, "#backtest-form .hint"))
                    .isEqualTo("Sign in with a token that has scope operate to change this.");

            signIn(browser, server);
            server.postStates("[{\"instance\":\"web-1\",\"type\":\"load\",\"value\":9,\"timestamp\":"
                    + Instant.now().getEpochSecond() + "}]");
            await().atMost(Duration.ofSeconds(60)).until(() -> server.getJson("/v1/actions?instance=web-1")
                    .path("actions").size() == 1);
            // The dry-run rule holds: it starts nothing, and the page counts what it would have started.
            server.postStates("[{\"instance\":\"web-2\",\"type\":\"ram\",\"value\":95,\"timestamp\":"
                    + Instant.now().getEpochSecond() + "}]");
            await().atMost(Duration.ofSeconds(60)).until(() -> wouldFire(server, "ram-shadow") == 1);
            assertThat(server.getJson("/v1/actions?instance=web-2").path("actions").size()).isZero();
            assertThat(wouldFire(server, "cpu-up")).isZero();
            JsonNode loaded = server.getJson("/v1/rules");

            browser.open(server.url("/#/rules"));
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#rules tbody tr").size() == 2);
            assertThat(browser.one("#reload").isEnabled()).isTrue();
            assertThat(text(browser, "#ruleset-hash")).isEqualTo(loaded.path("hash").asText()).isNotBlank();
            assertThat(text(browser, "#ruleset-loaded")).isNotBlank();
            assertThat(text(browser, "#rules tr[data-rule='cpu-up'] td.fired")).isEqualTo("1");
            assertThat(text(browser, "#rules tr[data-rule='cpu-up'] td.dry-run")).isEqualTo("no");
            assertThat(text(browser, "#rules tr[data-rule='ram-shadow'] td.fired")).isEqualTo("0");
            assertThat(text(browser, "#rules tr[data-rule='ram-shadow'] td.would-fire")).isEqualTo("1 would fire");
            assertThat(text(browser, "#rules tr[data-rule='cpu-up'] td.would-fire")).isEqualTo("0");
            assertThat(text(browser, "#rules tr[data-rule='ram-shadow'] td.dry-run")).isEqualTo("yes");
            assertThat(browser.all("#dry-run-all")).isEmpty();

            // A changed file: the button loads it, the page shows the new hash and the new rule.
            Path file = dir.resolve("server").resolve("rules.yaml");
            Files.writeString(file, RULES + """
                      - name: load-alert
                        when: load > 20
                        for: 1m
                        then: alert
                    """);
            browser.one("#reload").click();
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#rules tbody tr").size() == 3);
            String reloaded = server.getJson("/v1/rules").path("hash").asText();
            assertThat(reloaded).isNotEqualTo(loaded.path("hash").asText());
            await().atMost(Duration.ofSeconds(20)).until(() -> text(browser, "#ruleset-hash").equals(reloaded));
            assertThat(text(browser, "#notice")).contains("3 rules");

            // A broken file is refused: the ruleset in use stays, and the page names the rule and the line.
            Files.writeString(file, RULES + """
                      - name: broken-rule
                        when: load >> 20
                        then: alert
                    """);
            browser.one("#reload").click();
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.one("#notice").isDisplayed()
                    && text(browser, "#notice").contains("broken-rule"));
            assertThat(text(browser, "#notice")).contains("line 13 broken-rule");
            assertThat(browser.one("#notice").getAttribute("class")).contains("error");
            assertThat(server.getJson("/v1/rules").path("hash").asText()).isEqualTo(reloaded);
            assertThat(browser.all("#rules tbody tr")).hasSize(3);
        }
    }

    @Test
    void backtestFormShowsTheResultTableOfAPastedRuleset(@TempDir Path dir) throws Exception {
        try (DashboardServer server = DashboardServer.start(dir.resolve("server"), RULES, Map.of());
             Browser browser = new Browser(dir.resolve("chromium-profile"))) {
            signIn(browser, server);
            String odd = "web-9/eu:1@dc-2.example";
            long now = Instant.now().getEpochSecond();
            StringBuilder json = new StringBuilder("[");
            for (long t = now - 600; t <= now; t += 10) {
                for (String id : new String[]{"web-1", odd}) {
                    json.append(json.length() > 1 ? "," : "").append("{\"instance\":\"").append(id)
                            .append("\",\"type\":\"load\",\"value\":9,\"timestamp\":").append(t).append('}');
                }
            }
            server.postStates(json.append(']').toString());
            String ruleset = """
                    rules:
                      - name: bt-up.v2
                        when: load > 4
                        for: 30s
                        then: cpu +1
                        cooldown: 5m
                      - name: bt-dry
                        when: load > 4
                        for: 30s
                        then: ram +1024
                        cooldown: 5m
                        dry_run: true
                    """;
            // Whole minutes, as the form's fields hold them: the page and the API replay the same range.
            long from = (now / 60 - 60) * 60;
            long to = (now / 60 + 5) * 60;
            JsonNode expected = Json.mapper().readTree(server.send("POST", "/v1/rules/backtest",
                    Json.mapper().writeValueAsString(Map.of("rules", ruleset, "from", from, "to", to))).body());
            assertThat(expected.path("rules").get(0).path("fired").asInt()).isPositive();

            browser.open(server.url("/#/rules"));
            await().atMost(Duration.ofSeconds(20)).until(() -> !browser.all("#backtest-form").isEmpty());
            browser.js("const f = document.getElementById('backtest-form');"
                    + "const local = s => new Date((s - new Date(s * 1000).getTimezoneOffset() * 60) * 1000)"
                    + ".toISOString().slice(0, 16);"
                    + "f.elements.rules.value = arguments[0]; f.elements.from.value = local(arguments[1]);"
                    + "f.elements.to.value = local(arguments[2]);", ruleset, from, to);
            browser.one("#backtest-form button[type=submit]").click();
            await().atMost(Duration.ofSeconds(60)).until(() -> !browser.all("#backtest-rules tbody tr").isEmpty());

            JsonNode rule = expected.path("rules").get(0);
            String row = "#backtest-rules tr[data-rule='bt-up.v2']";
            assertThat(text(browser, row + " td")).isEqualTo("bt-up.v2");
            assertThat(text(browser, row + " td.fired")).isEqualTo(rule.path("fired").asText());
            assertThat(text(browser, row)).contains(rule.path("up").asText(), rule.path("flaps").asText());
            assertThat(browser.all("#backtest-actions tbody tr")).hasSize(expected.path("actions").size());
            // A dry-run rule's would-be resizes: counted apart, and marked in the list.
            JsonNode dry = expected.path("rules").get(1);
            assertThat(dry.path("would_fire").asInt()).isPositive();
            assertThat(text(browser, "#backtest-rules tr[data-rule='bt-dry'] td.would-fire"))
                    .isEqualTo(dry.path("would_fire").asText());
            long dryActions = 0;
            for (JsonNode a : expected.path("actions")) {
                dryActions += a.path("dry_run").asBoolean() ? 1 : 0;
            }
            assertThat(browser.all("#backtest-actions tbody tr").stream().filter(tr -> tr.getText()
                    .contains("(dry run)")).count()).isEqualTo(dryActions).isPositive();
            assertThat(text(browser, "#backtest-summary")).startsWith(expected.path("events").asText()
                    + " events replayed");
            // The instance id is shown as the text it is, linking to its page.
            assertThat(browser.all("#backtest-actions tbody a.instance").stream().map(a -> a.getText()))
                    .contains(odd, "web-1");

            // A broken ruleset: the server's errors, with their line, instead of a table.
            browser.js("document.getElementById('backtest-form').elements.rules.value = arguments[0];",
                    "rules:\n  - name: bt-broken\n    when: load >> 4\n    then: alert\n");
            browser.one("#backtest-form button[type=submit]").click();
            await().atMost(Duration.ofSeconds(30)).until(() -> text(browser, "#backtest-result").contains("bt-broken"));
            assertThat(text(browser, "#backtest-result")).contains("line 3");
            assertThat(browser.all("#backtest-rules")).isEmpty();
        }
    }

    /** Text read in the page itself: the live refresh replaces elements between two Selenium calls. */
    private static String text(Browser browser, String css) {
        return (String) browser.js("const e = document.querySelector(arguments[0]); return e ? e.innerText : ''",
                css);
    }

    /** Changes (a reload, a backtest) need a token also on loopback: the browser signs in with the admin token. */
    private static void signIn(Browser browser, DashboardServer server) {
        browser.open(server.url("/login"));
        browser.one("#token").sendKeys(server.app.adminToken());
        browser.one("#signin-button").click();
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.driver.manage().getCookieNamed("sm_token") != null);
    }

    /** The rule's {@code would_fire} count in {@code GET /v1/rules/activity}. */
    private static long wouldFire(DashboardServer server, String rule) throws Exception {
        for (JsonNode r : server.getJson("/v1/rules/activity").path("rules")) {
            if (r.path("rule").asText().equals(rule)) {
                return r.path("would_fire").asLong();
            }
        }
        throw new AssertionError("no rule " + rule + " in /v1/rules/activity");
    }

}
