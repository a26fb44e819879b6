package io.scalemanager.core.web;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty's limits on what one client may cost, over real HTTP on loopback: oversize headers, a connection that
 * sends nothing, a body that trickles in, chunked bodies past the size limit, bodies framed ambiguously (request
 * smuggling), and 405 for a wrong method.
 */
class ApiServerLimitsTest {
    private static final long MAX_BODY = 4096;
    private static final String TOKEN = "limits-test-token";
    private static final HttpLimits LIMITS = new HttpLimits(2048, Duration.ofSeconds(1), 1024);

    private ApiServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        server = new ApiServer(new HttpSettings("127.0.0.1", 0, MAX_BODY, Optional.of(TOKEN), LIMITS),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .add((routes, http) -> {
                    routes.post("/echo", ctx -> ctx.json(Map.of("bytes", ctx.bodyAsBytes().length)));
                    // A busy server: reads a byte, is held up, then reads the rest.
                    routes.post("/slow-reader", ctx -> {
                        InputStream body = ctx.req().getInputStream();
                        int first = body.read();
                        Thread.sleep(1_500);
                        ctx.json(Map.of("bytes", (first < 0 ? 0 : 1) + body.readAllBytes().length));
                    });
                })
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void headersLargerThanTheLimitAreAnswered431() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/health"))
                .header("X-Padding", "x".repeat(4000)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(431);
        assertThat(response.body()).contains("request headers too large: the limit is 2048 bytes");
    }

    @Test
    void headersWithinTheLimitAreServed() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/health"))
                .header("X-Padding", "x".repeat(1000)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            long start = System.nanoTime();

            int read = socket.getInputStream().read();

            assertThat(read).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void aBodyTricklingInSlowerThanTheMinimumRateIsCutOff() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + TOKEN + "\r\n"
                    + "Content-Length: 4000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // A slow-loris client: one byte at a time, well under 1 KiB/s and never idle for a whole second.
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readAll(socket));
            long start = System.nanoTime();
            for (int i = 0; i < 4000 && !answer.isDone(); i++) {
                try {
                    out.write('x');
                    out.flush();
                } catch (SocketException closed) {
                    break;
                }
                try {
                    answer.get(250, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillOpen) {
                    // the server still waits for the body: send the next byte
                }
            }
            String response = answer.get(20, TimeUnit.SECONDS);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            assertThat(response).startsWith("HTTP/1.1 408").contains("arrived too slowly");
        }
    }

    @Test
    void aSmallBodyReadLateByABusyServerIsNotRefused() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/slow-reader"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"instance\": 1}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"bytes\":15");
    }

    @Test
    void aChunkedBodyPastTheSizeLimitIsAnswered413() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/echo"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(chunked(new byte[(int) MAX_BODY * 4])).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("request body too large: the limit is 4096 bytes");
    }

    @Test
    void aChunkedBodyWithinTheSizeLimitIsRead() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/echo"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(chunked(new byte[1000])).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"bytes\":1000");
    }

    /**
     * Request smuggling: a body framed two ways (Content-Length and chunked) or with a chunk size that is no hex
     * number is refused by Jetty's parser with 400 before any handler runs, and the connection is not reused.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n",
        "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"})
    void aBodyFramedAmbiguouslyIsRefusedBeforeAnyHandler(String framing) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\n" + framing
                    + "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(socket);
            assertThat(answer).startsWith("HTTP/1.1 400").doesNotContain("\"bytes\"")
                    .as("the smuggled second request is not answered").doesNotContain("405");
        }
    }

    @Test
    void aKnownPathWithTheWrongMethodIsAnswered405WithAllow() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/echo")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        assertThat(response.body()).contains("\"error\"").contains("POST");
    }

    @Test
    void anUnknownPathIsStill404() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/nothing-here")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("not found");
    }

    private static HttpRequest.BodyPublisher chunked(byte[] body) {
        // Unknown length: the client sends Transfer-Encoding: chunked.
        return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
    }

    private static String readAll(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                got.write(buffer, 0, n);
            }
            return got.toString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "closed: " + e.getMessage();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
