package io.scalemanager.agent.ship;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Status handling, failover, token and TLS against stub collectors on loopback. */
class CollectorsTest {
    @TempDir
    Path dir;

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    private URI stub(int status, String body, String retryAfter) throws IOException {
        return serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "http", status, body, retryAfter);
    }

    private URI serve(HttpServer server, String scheme, int status, String body, String retryAfter) {
        server.createContext("/v1/states", (HttpExchange ex) -> {
            try (InputStream in = ex.getRequestBody()) {
                seen.add(scheme + ":" + server.getAddress().getPort() + " " + ex.getRequestHeaders()
                        .getFirst("Authorization") + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            if (retryAfter != null) {
                ex.getResponseHeaders().add("Retry-After", retryAfter);
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        servers.add(server);
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    private static Collectors to(Optional<String> token, Optional<SSLContext> tls, URI... bases) {
        return new Collectors(List.of(bases), token, tls, Duration.ofSeconds(5));
    }

    @Test
    void acceptedSendsTheBodyAndTheToken() throws Exception {
        URI c = stub(202, "{\"accepted\":1}", null);
        assertThat(to(Optional.of("t0k"), Optional.empty(), c).send("[{\"a\":1}]"))
                .isInstanceOf(Outcome.Accepted.class);
        assertThat(seen).singleElement().asString().endsWith(" Bearer t0k [{\"a\":1}]");
    }

    @Test
    void badRequestIsRejectedWithTheDetails() throws Exception {
        URI c = stub(400, "{\"error\":\"bad\",\n \"details\":[]}", null);
        Outcome o = to(Optional.empty(), Optional.empty(), c).send("[]");
        assertThat(o).isEqualTo(new Outcome.Rejected(400, "{\"error\":\"bad\", \"details\":[]}"));
    }

    @Test
    void tooLargeIsRejectedNotRetriedAsItIs() throws Exception {
        URI c = stub(413, "too large", null);
        assertThat(to(Optional.empty(), Optional.empty(), c).send("[]")).isInstanceOf(Outcome.Rejected.class);
    }

    @Test
    void rateLimitedIsRetriedNoEarlierThanRetryAfter() throws Exception {
        URI c = stub(429, "{\"error\":\"slow down\"}", "7");
        Outcome o = to(Optional.empty(), Optional.empty(), c).send("[]");
        assertThat(o).isInstanceOfSatisfying(Outcome.Retry.class,
                r -> assertThat(r.retryAfter()).contains(Duration.ofSeconds(7)));
    }

    @Test
    void unavailableCollectorFailsOverAndTheNextOneIsKept() throws Exception {
        URI down = stub(503, "{\"error\":\"storage\"}", null);
        URI up = stub(202, "{\"accepted\":1}", null);
        Collectors collectors = to(Optional.empty(), Optional.empty(), down, up);
        assertThat(collectors.send("[1]")).isInstanceOf(Outcome.Accepted.class);
        assertThat(collectors.send("[2]")).isInstanceOf(Outcome.Accepted.class);
        assertThat(seen).hasSize(3).last().asString().startsWith("http:" + up.getPort());
    }

    @Test
    void unauthorizedIsRetriedWithoutFailover() throws Exception {
        URI denies = stub(401, "{\"error\":\"token\"}", null);
        URI other = stub(202, "{}", null);
        assertThat(to(Optional.empty(), Optional.empty(), denies, other).send("[]"))
                .isInstanceOfSatisfying(Outcome.Retry.class, r -> assertThat(r.reason()).startsWith("401"));
        assertThat(seen).hasSize(1);
    }

    @Test
    void httpsCollectorIsTrustedThroughTheCaFileAndOnlyThen() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path pem = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "collector", "-keyalg", "EC", "-dname", "CN=collector",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "collector", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-file", pem.toString());

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        URI c = serve(https, "https", 202, "{\"accepted\":1}", null);

        assertThat(to(Optional.empty(), Optional.of(Tls.trusting(pem)), c).send("[]"))
                .isInstanceOf(Outcome.Accepted.class);
        assertThat(to(Optional.empty(), Optional.empty(), c).send("[]"))
                .as("the system's CAs do not know this collector").isInstanceOf(Outcome.Retry.class);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
