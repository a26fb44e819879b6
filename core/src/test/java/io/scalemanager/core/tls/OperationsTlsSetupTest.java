package io.scalemanager.core.tls;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.access.Caller;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpLimits;
import io.scalemanager.core.web.HttpSettings;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/operations.md's private CA, made by its own {@code openssl} commands, serves: the server's files pass the
 * start-up check and serve HTTPS to a client trusting the CA, and the agent's certificate is the caller web-7.
 */
class OperationsTlsSetupTest {
    private static final Pattern BLOCK = Pattern.compile("<!-- tls-setup -->\\s*```sh\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void theGuidesOpensslCommandsMakeACaTheServersServeWith() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Matcher m = BLOCK.matcher(Files.readString(Path.of("..", "docs", "operations.md")));
        assertThat(m.find()).as("docs/operations.md has the tls-setup block").isTrue();
        Process p = new ProcessBuilder("bash", "-euc", m.group(1)).directory(dir.toFile())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(output).isZero();

        ServerTls tls = new ServerTls(dir.resolve("server.pem"), dir.resolve("server-key.pem"),
                Optional.of(dir.resolve("ca.pem")));
        tls.check();
        try (ApiServer server = new ApiServer(new HttpSettings("127.0.0.1", 0, 4096, Optional.of("t"),
                HttpLimits.DEFAULTS).withTls(tls), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .access(new Credentials(Optional.of("t"), "api.token", Optional.empty()), null)
                .add((routes, http) -> routes.post("/v1/states", ctx -> ctx.json(Map.of("who",
                        ApiServer.caller(ctx).map(Caller::name).orElse(Caller.ANONYMOUS)))))
                .start()) {
            HttpClient agent = HttpClient.newBuilder().sslContext(agentContext()).build();
            HttpResponse<String> r = agent.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + server.port() + "/v1/states"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("[]"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"who\":\"web-7\"");
        }
    }

    private SSLContext agentContext() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(Pem.keyStore(dir.resolve("web-7.pem"), dir.resolve("web-7-key.pem")),
                Pem.STORE_PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(Pem.trustStore(dir.resolve("ca.pem")));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
