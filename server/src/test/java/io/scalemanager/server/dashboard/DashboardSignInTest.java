package io.scalemanager.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.access.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Where reads need a token (a tokens file is configured), the dashboard shows no page before signing in; signing in
 * keeps the token in an HttpOnly, SameSite=Strict cookie scripts cannot read, and the page's changes carry the CSRF
 * header the server requires.
 */
@EnabledIf("io.scalemanager.core.process.Installed#chromium")
class DashboardSignInTest {
    private static final String TOKEN = "dashboard-test-token-8d1f";

    @Test
    void noPageWithoutSigningInAndChangesNeedTheCsrfHeader(@TempDir Path dir) throws Exception {
        Path tokens = Files.createDirectories(dir).resolve("tokens.yaml");
        Files.writeString(tokens, "tokens:\n  - {name: ops, sha256: " + Credentials.sha256Hex(TOKEN)
                + ", scopes: [admin]}\n");
        try (DashboardServer server = DashboardServer.start(dir.resolve("server"), "rules: []\n",
                Map.of("SCALEMANAGER_API_TOKENS", tokens.toString()));
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
            assertThat(browser.one("#caller").getText()).isEqualTo("ops · ingest, read, operate, admin");
            assertThat(form.findElement(By.cssSelector("button[type=submit]")).isEnabled()).isTrue();
            assertThat(form.findElements(By.cssSelector(".hint"))).isEmpty();
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

    @Test
    void aReadTokenSignedInCannotPause(@TempDir Path dir) throws Exception {
        String reader = "dashboard-reader-token-51c0";
        Path tokens = Files.writeString(Files.createDirectories(dir).resolve("tokens.yaml"), """
                tokens:
                  - {name: wallboard, sha256: %s, scopes: [read]}
                """.formatted(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(reader.getBytes(StandardCharsets.UTF_8)))));
        try (DashboardServer server = DashboardServer.start(dir.resolve("server"), "rules: []\n",
                Map.of("SCALEMANAGER_API_TOKEN", TOKEN, "SCALEMANAGER_API_TOKENS", tokens.toString()));
             Browser browser = new Browser(dir.resolve("chromium-profile"))) {
            server.postStates("[{\"instance\":\"web-1\",\"type\":\"cpu\",\"value\":5,\"timestamp\":"
                    + Instant.now().getEpochSecond() + "}]");
            // Reads need a token here (a tokens file), but the sign-in form and the page's files do not.
            assertThat(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    server.base.resolve("/v1/fleet")).build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(401);
            browser.open(server.url("/"));
            assertThat(browser.driver.getCurrentUrl()).endsWith("/login");
            signIn(browser, reader);
            // The read token shows the pages ...
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#fleet tbody tr").size() == 1);

            // ... and says whose token it is and what it may do (GET /v1/whoami) ...
            assertThat(browser.one("#caller").getText()).isEqualTo("wallboard · read");
            assertThat(server.getJson("/v1/whoami").path("may").size()).isEqualTo(4);

            // ... but offers no pause: the instance page's form is disabled, and its hint says why.
            browser.open(server.url("/#/instance/web-1"));
            WebElement form = await().atMost(Duration.ofSeconds(20)).until(() -> browser.one("#pause-form"),
                    WebElement::isDisplayed);
            WebElement pause = form.findElement(By.cssSelector("button[type=submit]"));
            assertThat(pause.isEnabled()).isFalse();
            assertThat(form.findElement(By.name("comment")).isEnabled()).isFalse();
            assertThat(form.findElement(By.cssSelector(".hint")).getText())
                    .isEqualTo("The token \u2018wallboard\u2019 may read: changing this needs scope operate.");
            assertThat(pause.getAttribute("title")).contains("needs scope operate");
            // The silences and pauses page: no create form and no expire button is usable.
            server.send("POST", "/v1/pauses", "{\"instances\":\"db-*\",\"rule\":\"*\",\"duration\":\"1h\"}");
            browser.open(server.url("/#/silences"));
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#pauses button.expire").size() == 1);
            assertThat(browser.one("#silence-form button[type=submit]").isEnabled()).isFalse();
            assertThat(browser.one("#pause-create button[type=submit]").isEnabled()).isFalse();
            assertThat(browser.one("#pauses button.expire").isEnabled()).isFalse();
            assertThat(server.getJson("/v1/pauses").path("pauses").size()).isEqualTo(1);

            // The refusal is the server's: the same request from the page, with the CSRF header, gets 403.
            Object status = browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "const csrf = document.cookie.match(/sm_csrf=([^;]+)/)[1];"
                    + "fetch('/v1/pauses', {method: 'POST', headers: {'Content-Type': 'application/json',"
                    + " 'X-CSRF-Token': csrf}, body: JSON.stringify({instances: 'web-1', rule: '*', duration: '1h'})})"
                    + ".then(r => done(r.status), e => done(String(e)))");
            assertThat(status).isEqualTo(403L);
            assertThat(server.getJson("/v1/pauses").path("pauses").size()).isEqualTo(1);
        }
    }

    private static void signIn(Browser browser, String token) {
        WebElement field = browser.one("#token");
        field.clear();
        field.sendKeys(token);
        browser.one("#signin-button").click();
    }
}
