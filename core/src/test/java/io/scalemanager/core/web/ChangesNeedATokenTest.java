package io.scalemanager.core.web;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request that changes something needs a token also on loopback (CONTRACT.md, "Access"): without one it is
 * refused with 401 before the route runs, whether or not the server has a token configured; reads stay open.
 */
class ChangesNeedATokenTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicInteger changes = new AtomicInteger();
    private ApiServer server;

    private void start(Optional<String> token) {
        server = new ApiServer(new HttpSettings("127.0.0.1", 0, 1 << 16, token),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .add((routes, http) -> {
                    routes.post("/change", ctx -> ctx.json(Map.of("changes", changes.incrementAndGet())));
                    routes.delete("/change", ctx -> ctx.json(Map.of("changes", changes.incrementAndGet())));
                    routes.get("/count", ctx -> ctx.json(Map.of("changes", changes.get())));
                })
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json")
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aChangeWithoutATokenOnLoopbackIsRefusedAndChangesNothing() throws Exception {
        start(Optional.of("the-admin-token"));

        HttpResponse<String> post = send("POST", "/change", null);
        HttpResponse<String> delete = send("DELETE", "/change", null);
        HttpResponse<String> wrong = send("POST", "/change", "not-the-token");

        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(post.body()).contains("missing bearer token");
        assertThat(delete.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(changes).hasValue(0);
        assertThat(send("GET", "/count", null).statusCode()).as("reads stay open on loopback").isEqualTo(200);
        assertThat(send("POST", "/change", "the-admin-token").statusCode()).isEqualTo(200);
        assertThat(changes).hasValue(1);
    }

    @Test
    void aServerWithNoTokenConfiguredAcceptsNoChangeAndSaysWhatToSet() throws Exception {
        start(Optional.empty());

        HttpResponse<String> post = send("POST", "/change", null);
        HttpResponse<String> guessed = send("POST", "/change", "anything");

        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(post.body()).contains("no token configured", "api.token");
        assertThat(guessed.statusCode()).isEqualTo(401);
        assertThat(changes).hasValue(0);
        assertThat(send("GET", "/count", null).statusCode()).isEqualTo(200);
    }
}
