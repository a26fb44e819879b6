package io.scalemanager.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With a token configured, the dashboard shows no page before signing in; signing in keeps the token in an HttpOnly,
 * SameSite=Strict cookie scripts cannot read, and the page's changes carry the CSRF header the server requires.
 */
@EnabledIf("io.scalemanager.core.process.Installed#chromium")
class DashboardSignInTest {
    private static final String TOKEN = "dashboard-test-token-8d1f";

    @Test
    void noPageWithoutSigningInAndChangesNeedTheCsrfHeader(@TempDir Path dir) throws Exception {
        try (DashboardServer server = DashboardServer.start(dir.resolve("server"), "rules: []\n",
                Map.of("SCALEMANAGER_API_TOKEN", TOKEN));
             Browser browser = new Browser(dir.resolve("chromium-profile"))) {
            server.postStates("[{\"instance\":\"web-1\",\"type\":\"cpu\",\"value\":5,\"timestamp\":"
                    + Instant.now().getEpochSecond() + "}]");

            browser.open(server.url("/"));
            assertThat(browser.driver.getCurrentUrl()).endsWith("/login");
            assertThat(browser.all("#fleet")).isEmpty();

            signIn(browser, "wrong-token");
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.driver.getCurrentUrl()
                    .endsWith("/login?failed=1"));
            assertThat(browser.driver.manage().getCookieNamed("sm_token")).isNull();
            browser.open(server.url("/"));
            assertThat(browser.driver.getCurrentUrl()).endsWith("/login");

            signIn(browser, TOKEN);
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#fleet tbody tr").size() == 1);
            Cookie session = browser.driver.manage().getCookieNamed("sm_token");
            assertThat(session.isHttpOnly()).isTrue();
            assertThat(session.getSameSite()).isEqualTo("Strict");
            assertThat((String) browser.js("return document.cookie")).doesNotContain("sm_token")
                    .contains("sm_csrf=");

            // A change from the page (cookie and CSRF header) goes through ...
            browser.open(server.url("/#/silences"));
            WebElement form = await().atMost(Duration.ofSeconds(20)).until(() -> browser.one("#silence-form"),
                    WebElement::isDisplayed);
            form.findElement(By.name("comment")).sendKeys("signed in");
            form.findElement(By.cssSelector("button[type=submit]")).click();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (JsonNode s : server.getJson("/v1/silences").path("silences")) {
                    if (s.path("comment").asText().equals("signed in")) {
                        return true;
                    }
                }
                return false;
            });
            // ... the same request without the CSRF header does not, though the browser sends the cookie.
            Object status = browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch('/v1/silences', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                    + " body: JSON.stringify({instances: '*', duration: '1h', comment: 'no csrf'})})"
                    + ".then(r => done(r.status), e => done(String(e)))");
            assertThat(status).isEqualTo(403L);

            browser.one("#signout").click();
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.driver.getCurrentUrl().endsWith("/login"));
            assertThat(browser.driver.manage().getCookieNamed("sm_token")).isNull();
            browser.open(server.url("/"));
            assertThat(browser.driver.getCurrentUrl()).endsWith("/login");
        }
    }

    private static void signIn(Browser browser, String token) {
        WebElement field = browser.one("#token");
        field.clear();
        field.sendKeys(token);
        browser.one("#signin-button").click();
    }
}
