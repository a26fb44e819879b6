package io.scalemanager.instanceapi.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.time.MutableClock;
import io.scalemanager.instanceapi.provider.ProviderException;
import io.scalemanager.instanceapi.provider.http.FakeHoster.Injected;
import io.scalemanager.instanceapi.provider.http.HttpProviderSettings.Auth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpProviderTest {
    private static final String TOKEN_REQUEST =
            "POST /oauth/token grant_type=client_credentials&client_id=scalemanager&client_secret=s3cret%26%3D";
    private static final String LIST_1 = "GET /v1/servers [Bearer tok-1]";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private FakeHoster hoster;

    @BeforeEach
    void startHoster() throws Exception {
        hoster = new FakeHoster(clock, 300);
    }

    @AfterEach
    void stopHoster() {
        hoster.close();
    }

    /** The original hoster flow: token endpoint, list instances, find by IP, PUT cpu/ram/storage. */
    private HttpProviderSettings original(Auth auth, JsonNode body, Duration timeout, int retries) {
        return new HttpProviderSettings(URI.create(hoster.base() + "/v1"), auth,
                Optional.of(new HttpProviderSettings.Find("/servers", "/servers", "/ip", "/id")),
                new HttpProviderSettings.SizeRead(Optional.empty(), "/cpu", "/ram_mb", "/disk_gb"),
                new HttpProviderSettings.Resize("PUT", "/servers/{id}", body),
                timeout, retries, Duration.ofMillis(100), Duration.ofSeconds(30));
    }

    private HttpProviderSettings original() {
        return original(oauth(FakeHoster.CLIENT_SECRET),
                body("{\"cpu\":\"{cpu}\",\"ram_mb\":\"{ram}\",\"disk_gb\":\"{storage}\"}"), Duration.ofSeconds(5), 3);
    }

    private Auth oauth(String secret) {
        return new Auth.OAuth2(URI.create(hoster.base() + "/oauth/token"), FakeHoster.CLIENT_ID, secret,
                Optional.empty());
    }

    private static JsonNode body(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private HttpProvider provider(HttpProviderSettings settings) {
        return new HttpProvider(settings, ClientTls.SYSTEM, clock, waits::add);
    }

    @Test
    void originalHosterFlowFindsTheInstanceByIpAndPutsTheWholeNewSize() {
        HttpProvider p = provider(original());
        assertThat(p.currentSize("10.0.0.5")).contains(new Size(2, 4096, 50));
        p.resize("10.0.0.5", Component.RAM, 8192);

        assertThat(hoster.requests()).containsExactly(
                TOKEN_REQUEST,
                LIST_1,
                LIST_1,
                "PUT /v1/servers/srv-1 [Bearer tok-1] {\"cpu\":2,\"ram_mb\":8192,\"disk_gb\":50}");
        assertThat(p.currentSize("10.0.0.5")).contains(new Size(2, 8192, 50));
        assertThat(hoster.servers.get("srv-1").get("ram_mb").asLong()).isEqualTo(8192);
    }

    @Test
    void aHosterThatSaysTheChangeWaitsForARebootGivesANeedsRestartNoteOrAFailureUnderRestartNever() {
        HttpProviderSettings s = original();
        HttpProvider p = provider(new HttpProviderSettings(s.baseUrl(), s.auth(), s.find(), s.size(),
                new HttpProviderSettings.Resize("PUT", "/servers/{id}", s.resize().body(),
                        Optional.of("/pending_reboot")), s.timeout(), s.retries(), s.backoff(), s.maxBackoff()));
        assertThat(p.resize("10.0.0.5", Component.CPU, 4)).isEqualTo(new ResizeResult.Applied(null));
        assertThat(p.resize("10.0.0.5", Component.CPU, 12))
                .isEqualTo(ResizeResult.NeedsRestart.because("the hoster applies it at the next restart"));
        assertThat(p.currentSize("10.0.0.5")).map(Size::cpu).contains(4L);
        assertThatThrownBy(() -> p.resize("10.0.0.5", Component.CPU, 12, RestartPolicy.NEVER))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("/pending_reboot is true), which the rule does not allow (restart: never)");
    }

    @Test
    void instanceWhoseIpIsNotListedIsUnknown() {
        HttpProvider p = provider(original());
        assertThat(p.currentSize("10.9.9.9")).isEmpty();
        assertThatThrownBy(() -> p.resize("10.9.9.9", Component.CPU, 4))
                .hasMessage("the hoster does not know instance '10.9.9.9'");
        assertThat(hoster.requests()).noneMatch(r -> r.startsWith("PUT"));
    }

    @Test
    void tokenIsCachedAndRenewedAMinuteBeforeItExpires() {
        HttpProvider p = provider(original());
        p.currentSize("10.0.0.5");
        clock.advance(Duration.ofSeconds(239));
        p.currentSize("10.0.0.5");
        clock.advance(Duration.ofSeconds(1)); // 240 s: 60 s before the token's 300 s run out
        p.currentSize("10.0.0.5");

        assertThat(hoster.requests()).containsExactly(TOKEN_REQUEST, LIST_1, LIST_1, TOKEN_REQUEST,
                "GET /v1/servers [Bearer tok-2]");
    }

    @Test
    void tokenTheHosterRevokedIsReplacedOnceAndTheRequestRepeated() {
        HttpProvider p = provider(original());
        p.currentSize("10.0.0.5");
        hoster.revokeTokens();
        assertThat(p.currentSize("10.0.0.6")).contains(new Size(4, 8192, 100));
        assertThat(hoster.requests()).containsExactly(TOKEN_REQUEST, LIST_1, LIST_1, TOKEN_REQUEST,
                "GET /v1/servers [Bearer tok-2]");
        assertThat(waits).isEmpty();
    }

    @Test
    void wrongClientSecretFailsWithoutShowingIt() {
        HttpProvider p = provider(original(oauth("wrong-secret"), body("{}"), Duration.ofSeconds(5), 3));
        assertThatThrownBy(() -> p.currentSize("10.0.0.5"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("refused the client credentials of 'scalemanager' with 401")
                .message().doesNotContain("wrong-secret");
    }

    @Test
    void tooManyRequestsWaitsAsRetryAfterSaysThenRepeats() {
        hoster.inject("PUT /v1/servers/srv-1", new Injected(429, "7", "{\"error\":\"slow down\"}"));
        HttpProvider p = provider(original());
        p.resize("10.0.0.5", Component.CPU, 3);

        assertThat(waits).containsExactly(Duration.ofSeconds(7));
        String put = "PUT /v1/servers/srv-1 [Bearer tok-1] {\"cpu\":3,\"ram_mb\":4096,\"disk_gb\":50}";
        assertThat(hoster.requests()).containsExactly(TOKEN_REQUEST, LIST_1, put, put);
        assertThat(hoster.servers.get("srv-1").get("cpu").asLong()).isEqualTo(3);
    }

    @Test
    void serverErrorsAreRetriedWithDoublingBackoffThenFail() {
        for (int i = 0; i < 4; i++) {
            hoster.inject("GET /v1/servers", new Injected(500, null, "{\"error\":\"database on fire\"}"));
        }
        HttpProvider p = provider(original());
        assertThatThrownBy(() -> p.currentSize("10.0.0.5"))
                .isInstanceOf(ProviderException.class)
                .hasMessage("GET /servers: the hoster answered 500: {\"error\":\"database on fire\"} "
                        + "(gave up after 4 attempts)");
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(hoster.requests()).containsExactly(TOKEN_REQUEST, LIST_1, LIST_1, LIST_1, LIST_1);
    }

    @Test
    void requestWithoutAnswerTimesOutAndIsRetried() {
        hoster.inject("GET /v1/servers", new Injected(0, null, null));
        HttpProvider p = provider(original(oauth(FakeHoster.CLIENT_SECRET),
                body("{\"cpu\":\"{cpu}\",\"ram_mb\":\"{ram}\",\"disk_gb\":\"{storage}\"}"), Duration.ofSeconds(2), 3));
        assertThat(p.currentSize("10.0.0.5")).contains(new Size(2, 4096, 50));
        assertThat(waits).containsExactly(Duration.ofMillis(100));
        assertThat(hoster.requests()).containsExactly(TOKEN_REQUEST, LIST_1, LIST_1);
    }

    @Test
    void clientErrorFailsAtOnceWithTheHostersAnswer() {
        HttpProvider p = provider(original(oauth(FakeHoster.CLIENT_SECRET), body("{\"cpu\":\"{cpu}\"}"),
                Duration.ofSeconds(5), 3));
        assertThatThrownBy(() -> p.resize("10.0.0.5", Component.CPU, 3))
                .hasMessage("PUT /servers/srv-1: the hoster refused with 422: "
                        + "{\"error\":\"cpu, ram_mb and disk_gb are required numbers\"}");
        assertThat(hoster.requests()).filteredOn(r -> r.startsWith("PUT")).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void staticBearerTokenReadsTheSizeByIdFromItsOwnPath() {
        hoster.allowToken("static-1");
        HttpProvider p = provider(new HttpProviderSettings(URI.create(hoster.base() + "/v1"),
                new Auth.Bearer("static-1"), Optional.empty(),
                new HttpProviderSettings.SizeRead(Optional.of("/servers/{id}"), "/cpu", "/ram_mb", "/disk_gb"),
                new HttpProviderSettings.Resize("PUT", "/servers/{id}",
                        body("{\"cpu\":\"{cpu}\",\"ram_mb\":\"{ram}\",\"disk_gb\":\"{storage}\",\"note\":\"by {instance}\"}")),
                Duration.ofSeconds(5), 0, Duration.ofMillis(100), Duration.ofSeconds(1)));

        assertThat(p.currentSize("srv-2")).contains(new Size(4, 8192, 100));
        assertThat(p.currentSize("srv-9")).isEmpty();
        p.resize("srv-2", Component.STORAGE, 200);
        assertThat(hoster.requests()).containsExactly(
                "GET /v1/servers/srv-2 [Bearer static-1]",
                "GET /v1/servers/srv-9 [Bearer static-1]",
                "GET /v1/servers/srv-2 [Bearer static-1]",
                "PUT /v1/servers/srv-2 [Bearer static-1] {\"cpu\":4,\"ram_mb\":8192,\"disk_gb\":200,\"note\":\"by srv-2\"}");
    }

    @Test
    void basicAuthSendsUserAndPasswordAndA401FailsWithoutRetrying() {
        HttpProvider p = provider(new HttpProviderSettings(URI.create(hoster.base() + "/v1"),
                new Auth.Basic("ops", "pa:ss"), Optional.empty(),
                new HttpProviderSettings.SizeRead(Optional.of("/servers/{id}"), "/cpu", "/ram_mb", "/disk_gb"),
                new HttpProviderSettings.Resize("PUT", "/servers/{id}", body("{}")),
                Duration.ofSeconds(5), 3, Duration.ofMillis(100), Duration.ofSeconds(1)));
        assertThatThrownBy(() -> p.currentSize("srv-1"))
                .hasMessage("GET /servers/srv-1: the hoster refused with 401: {\"error\":\"invalid_token\"}");
        assertThat(hoster.requests()).containsExactly("GET /v1/servers/srv-1 [Basic b3BzOnBhOnNz]");
        assertThat(waits).isEmpty();
    }

    @Test
    void idsInPathsAreEncodedAsOneSegment() {
        hoster.allowToken("static-1");
        HttpProvider p = provider(new HttpProviderSettings(URI.create(hoster.base() + "/v1"),
                new Auth.Bearer("static-1"), Optional.empty(),
                new HttpProviderSettings.SizeRead(Optional.of("/servers/{id}"), "/cpu", "/ram_mb", "/disk_gb"),
                new HttpProviderSettings.Resize("PUT", "/servers/{id}", body("{}")),
                Duration.ofSeconds(5), 0, Duration.ofMillis(100), Duration.ofSeconds(1)));
        assertThat(p.currentSize("a/../srv-1")).isEmpty();
        assertThat(hoster.requests()).containsExactly("GET /v1/servers/a%2F..%2Fsrv-1 [Bearer static-1]");
    }
}
