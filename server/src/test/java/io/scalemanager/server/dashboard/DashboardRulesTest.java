package io.scalemanager.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
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
 * and its dry-run state, and the reload button (a changed file is loaded, a broken one is refused and named).
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
            server.postStates("[{\"instance\":\"web-1\",\"type\":\"load\",\"value\":9,\"timestamp\":"
                    + Instant.now().getEpochSecond() + "}]");
            await().atMost(Duration.ofSeconds(60)).until(() -> server.getJson("/v1/actions?instance=web-1")
                    .path("actions").size() == 1);
            JsonNode loaded = server.getJson("/v1/rules");

            browser.open(server.url("/#/rules"));
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#rules tbody tr").size() == 2);
            assertThat(text(browser, "#ruleset-hash")).isEqualTo(loaded.path("hash").asText()).isNotBlank();
            assertThat(text(browser, "#ruleset-loaded")).isNotBlank();
            assertThat(text(browser, "#rules tr[data-rule='cpu-up'] td.fired")).isEqualTo("1");
            assertThat(text(browser, "#rules tr[data-rule='cpu-up'] td.dry-run")).isEqualTo("no");
            assertThat(text(browser, "#rules tr[data-rule='ram-shadow'] td.fired")).isEqualTo("0");
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

    /** Text read in the page itself: the live refresh replaces elements between two Selenium calls. */
    private static String text(Browser browser, String css) {
        return (String) browser.js("const e = document.querySelector(arguments[0]); return e ? e.innerText : ''",
                css);
    }
}
