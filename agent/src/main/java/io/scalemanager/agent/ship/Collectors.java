package io.scalemanager.agent.ship;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/**
 * POSTs batches to /v1/states of the first collector that answers: starting with the one that last took a
 * batch, it fails over to the next on a network error or a 503, and stays on one that answered otherwise.
 */
public final class Collectors {
    private final List<URI> bases;
    private final Optional<String> token;
    private final Duration timeout;
    private final HttpClient http;
    private int current;

    public Collectors(List<URI> bases, Optional<String> token, Optional<SSLContext> tls, Duration timeout,
                      Executor executor) {
        this.bases = List.copyOf(bases);
        this.token = token;
        this.timeout = timeout;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout).executor(executor)
                .version(HttpClient.Version.HTTP_1_1);
        tls.ifPresent(b::sslContext);
        this.http = b.build();
    }

    /** Sends a JSON array of states; reportCount only decides whether a 413 could succeed when split. */
    public Outcome send(String jsonArray, int reportCount) throws InterruptedException {
        Outcome last = null;
        for (int i = 0; i < bases.size(); i++) {
            int index = (current + i) % bases.size();
            Outcome o = sendTo(bases.get(index), jsonArray, reportCount);
            if (!(o instanceof Outcome.Retry r) || !r.reason().startsWith("unreachable") && !r.reason().startsWith("503")) {
                current = index;
                return o;
            }
            last = o;
        }
        return last;
    }

    private Outcome sendTo(URI base, String body, int reportCount) throws InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/v1/states")).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        token.ifPresent(t -> req.header("Authorization", "Bearer " + t));
        HttpResponse<String> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Outcome.Retry("unreachable " + base + ": " + e, Optional.empty());
        }
        int status = res.statusCode();
        String oneLine = res.body().replaceAll("\\s+", " ").trim();
        String text = oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
        if (status == 202 || status == 200) {
            return new Outcome.Accepted();
        }
        if (status == 400 || status == 413 && reportCount <= 1) {
            return new Outcome.Rejected(status, text);
        }
        Optional<Duration> retryAfter = res.headers().firstValue("Retry-After").flatMap(Collectors::seconds);
        return new Outcome.Retry(status + " from " + base + ": " + text, retryAfter);
    }

    private static Optional<Duration> seconds(String header) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
