package io.scalemanager.server.wiring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.tls.TestPki;
import io.scalemanager.instanceapi.provider.ProviderException;
import io.scalemanager.instanceapi.provider.ProviderRouter;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.alert.channel.DeliveryException;
import io.scalemanager.manager.alert.channel.Notification;
import io.scalemanager.manager.alert.channel.Notifier;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.config.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Chat webhooks and the HTTP hoster provider call services outside ScaleManager, which may sit behind the
 * operator's own CA: over real HTTPS on 127.0.0.1, with a certificate of a private CA made here, both are trusted
 * once tls.ca names that CA (the JDK's CAs stay trusted too), and refused without it.
 */
class OutsideServicesTlsTest {
    @TempDir
    Path dir;
    private TestPki pki;
    private HttpsServer https;
    private final List<String> hooks = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startPrivateHttpsServer() throws Exception {
        pki = TestPki.create(dir.resolve("pki"), "ops");
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(pki.server("chat-and-hoster").clientContext(pki)));
        https.createContext("/hook", exchange -> {
            hooks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(exchange, 200, "ok");
        });
        https.createContext("/servers/", exchange -> answer(exchange, 200, "{\"cpu\":2,\"ram\":4096,\"disk\":20}"));
        https.start();
    }

    @AfterEach
    void stop() {
        https.stop(0);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private Settings settings(boolean withCa) throws IOException {
        String base = "https://127.0.0.1:" + https.getAddress().getPort();
        Path alerts = Files.writeString(dir.resolve("alerts.yaml"), """
                channels:
                  - name: ops-hook
                    type: webhook
                    url: %s/hook
                """.formatted(base));
        Path providers = Files.writeString(dir.resolve("providers.yaml"), """
                providers:
                  - name: hoster
                    instances: "vm-*"
                    type: http
                    base_url: %s
                    size:
                      path: /servers/{instance}
                      cpu: /cpu
                      ram: /ram
                      storage: /disk
                    resize:
                      method: PUT
                      path: /servers/{instance}
                      body: {cpu: "{cpu}", ram: "{ram}", disk: "{storage}"}
                    retries: 0
                    timeout: 5s
                """.formatted(base));
        Map<String, String> env = new HashMap<>(Map.of("SCALEMANAGER_ALERTS", alerts.toString(),
                "SCALEMANAGER_PROVIDERS", providers.toString()));
        if (withCa) {
            env.put("SCALEMANAGER_TLS_CA", pki.caFile().toString());
        }
        return new ConfigLoader(env).load(Optional.empty(), Map.of());
    }

    private static Notification notification() {
        return new Notification(List.of(new Notification.Item(System.currentTimeMillis(), Severity.CRITICAL,
                "vm-1", "ram-up", "action_failed", "resize failed", false)));
    }

    /** The providers file as the server reads it; it has no simulator route, so none is given. */
    private static ProviderRouter providers(Settings settings) {
        return ProviderWiring.load(Path.of(settings.string(ConfigKeys.PROVIDERS)), null,
                ServerSettings.outsideTls(settings));
    }

    @Test
    void webhooksAndTheHttpProviderTrustTheConfiguredCa() throws Exception {
        Settings settings = settings(true);
        Notifier hook = AllInOne.loadAlerts(settings).channels().get(0);
        hook.send(notification());
        assertThat(hooks).singleElement().asString().contains("resize failed");

        try (ProviderRouter router = providers(settings)) {
            assertThat(router.currentSize("vm-1")).contains(new Size(2, 4096, 20));
        }
    }

    @Test
    void withoutTheCaNeitherTrustsThePrivateCertificate() throws Exception {
        Settings settings = settings(false);
        Notifier hook = AllInOne.loadAlerts(settings).channels().get(0);
        assertThatThrownBy(() -> hook.send(notification())).isInstanceOf(DeliveryException.class)
                .hasMessageContaining("cannot reach 127.0.0.1").hasMessageContaining("SSLHandshakeException");
        assertThat(hooks).isEmpty();

        try (ProviderRouter router = providers(settings)) {
            assertThatThrownBy(() -> router.currentSize("vm-1")).isInstanceOf(ProviderException.class);
        }
    }
}
