package io.scalemanager.core.web;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.access.Caller;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.core.tls.ServerTls;
import io.scalemanager.core.tls.TestPki;
import io.scalemanager.core.tls.TlsFileException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * HTTPS on a real listener on loopback with a private CA made in the test: only clients trusting the CA connect,
 * only TLS 1.2 and 1.3 are spoken, a client certificate is an ingest caller named by its CN, and a replaced
 * certificate is served without a restart.
 */
class ApiServerTlsTest {
    private static final String ADMIN = "admin-token-for-tls-test";

    @TempDir
    Path dir;
    private ApiServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ApiServer start(ServerTls tls) {
        server = new ApiServer(new HttpSettings("127.0.0.1", 0, 4096, Optional.of(ADMIN), HttpLimits.DEFAULTS)
                .withTls(tls), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .access(new Credentials(Optional.of(ADMIN), "api.token", Optional.empty()), null)
                .add((routes, http) -> {
                    routes.post("/v1/states", ctx -> ctx.json(Map.of("who",
                            ApiServer.caller(ctx).map(Caller::name).orElse(Caller.ANONYMOUS),
                            "may_report_web_1", ApiServer.caller(ctx).map(c -> c.mayIngest("web-1")).orElse(false),
                            "may_report_web_2", ApiServer.caller(ctx).map(c -> c.mayIngest("web-2")).orElse(false))));
                    routes.post("/v1/rules/reload", ctx -> ctx.status(204));
                })
                .start();
        return server;
    }

    private URI uri(String path) {
        return URI.create("https://127.0.0.1:" + server.port() + path);
    }

    @Test
    void clientsTrustingTheCaConnectOthersAreRefused() throws Exception {
        TestPki pki = TestPki.create(dir, "ops");
        TestPki.Issued cert = pki.server("server");
        start(new ServerTls(cert.cert(), cert.key(), Optional.empty()));

        HttpClient trusting = ClientTls.trusting(pki.caFile()).httpClient(Duration.ofSeconds(5)).build();
        HttpResponse<String> health = trusting.send(HttpRequest.newBuilder(uri("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"ok\"");

        HttpClient system = ClientTls.SYSTEM.httpClient(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> system.send(HttpRequest.newBuilder(uri("/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLException.class);

        TestPki other = TestPki.create(dir.resolve("other"), "other");
        HttpClient otherCa = ClientTls.trusting(other.caFile()).httpClient(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> otherCa.send(HttpRequest.newBuilder(uri("/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLException.class);
    }

    @Test
    void speaksTls12And13Only() throws Exception {
        TestPki pki = TestPki.create(dir, "ops");
        TestPki.Issued cert = pki.server("server");
        start(new ServerTls(cert.cert(), cert.key(), Optional.empty()));

        assertThat(handshake(pki.clientContext(), "TLSv1.3")).isEqualTo("TLSv1.3");
        assertThat(handshake(pki.clientContext(), "TLSv1.2")).isEqualTo("TLSv1.2");

        // The JDK's client will not even offer TLS 1.1, so openssl asks for it (allowed at security level 0).
        Optional<Path> openssl = Optional.of(Path.of("/usr/bin/openssl")).filter(Files::isExecutable);
        org.junit.jupiter.api.Assumptions.assumeTrue(openssl.isPresent(), "openssl is not installed: "
                + "TLS 1.1 is refused by configuration (TLSv1.3, TLSv1.2 included only) but not tried here");
        OpensslResult tls12 = sClient("-tls1_2");
        assertThat(tls12.output()).as("openssl's control handshake with TLS 1.2").contains("TLSv1.2");
        assertThat(tls12.exit()).isZero();
        OpensslResult tls11 = sClient("-tls1_1");
        assertThat(tls11.exit()).as("openssl with TLS 1.1: %s", tls11.output()).isNotZero();
        assertThat(tls11.output()).containsIgnoringCase("protocol");
    }

    private record OpensslResult(int exit, String output) {
    }

    private OpensslResult sClient(String protocol) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(), protocol,
                "-cipher", "DEFAULT:@SECLEVEL=0", "-brief")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("openssl s_client finished").isTrue();
        return new OpensslResult(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void clientCertificateIsAnIngestCallerBoundToItsCn() throws Exception {
        TestPki pki = TestPki.create(dir, "ops");
        TestPki.Issued cert = pki.server("server");
        TestPki agents = TestPki.create(dir.resolve("agents"), "agents");
        start(new ServerTls(cert.cert(), cert.key(), Optional.of(agents.caFile())));

        HttpClient web1 = HttpClient.newBuilder()
                .sslContext(agents.client("web-1", "web-1").clientContext(pki)).build();
        HttpResponse<String> posted = web1.send(post("/v1/states"), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(posted.body()).contains("\"who\":\"web-1\"", "\"may_report_web_1\":true",
                "\"may_report_web_2\":false");

        // Ingest only: the certificate cannot operate.
        HttpResponse<String> reload = web1.send(post("/v1/rules/reload"), HttpResponse.BodyHandlers.ofString());
        assertThat(reload.statusCode()).isEqualTo(403);
        assertThat(reload.body()).contains("'web-1' does not have scope 'operate'");

        // Without a certificate the request needs a token as before.
        HttpClient none = HttpClient.newBuilder().sslContext(pki.clientContext()).build();
        assertThat(none.send(post("/v1/states"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

        // A certificate of another CA (here: the server's own) is not sent by a JDK client, which then gets 401;
        // one sent anyway is refused in the handshake.
        TestPki.Issued foreign = pki.client("foreign", "web-1");
        HttpClient polite = HttpClient.newBuilder().sslContext(foreign.clientContext(pki)).build();
        assertThat(polite.send(post("/v1/states"), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
        HttpClient insisting = HttpClient.newBuilder().sslContext(foreign.clientContext(pki, true)).build();
        assertThatThrownBy(() -> insisting.send(post("/v1/states"), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    private HttpRequest post(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[]")).build();
    }

    @Test
    void replacedCertificateIsServedWithinTenSeconds() throws Exception {
        TestPki pki = TestPki.create(dir, "ops");
        TestPki.Issued first = pki.server("server");
        start(new ServerTls(first.cert(), first.key(), Optional.empty()));
        assertThat(servedSerial(pki.clientContext())).isEqualTo(first.certificate().getSerialNumber());

        // Half a renewal: a new key beside the old certificate is not served (they do not belong together).
        TestPki.writeAtomically(first.key(), Files.readString(pki.server("next").key()));
        assertThat(servedSerial(pki.clientContext())).isEqualTo(first.certificate().getSerialNumber());

        TestPki.Issued renewed = pki.server("server");
        long replaced = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> servedSerial(pki.clientContext()).equals(renewed.certificate().getSerialNumber()));
        assertThat(Duration.ofNanos(System.nanoTime() - replaced)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStart() {
        TestPki pki = TestPki.create(dir, "ops");
        TestPki.Issued one = pki.server("one");
        TestPki.Issued two = pki.server("two");
        assertThatThrownBy(() -> new ServerTls(one.cert(), two.key(), Optional.empty()).check())
                .isInstanceOf(TlsFileException.class)
                .hasMessageContaining(two.key().toString())
                .hasMessageContaining("does not hold the private key of the certificate");
    }

    private BigInteger servedSerial(SSLContext context) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private String handshake(SSLContext context, String protocol) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
    }
}
