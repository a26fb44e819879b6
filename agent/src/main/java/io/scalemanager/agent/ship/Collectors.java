package io.scalemanager.agent.ship;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * POSTs batches to /v1/states of the first collector that answers: starting with the one that last took a
 * batch, it fails over to the next on a network error or a 503, and stays on one that answered otherwise.
 */
public final class Collectors {
    private final List<URI> bases;
    private final Optional<String> token;
    private final Duration timeout;
    private final Optional<SSLSocketFactory> tls;
    private int current;

    /**
     * HttpURLConnection rather than java.net.http.HttpClient: the latter sets up the default TLS context (and
     * its CA store) even for http://, which costs the agent memory it keeps for its whole life.
     */
    public Collectors(List<URI> bases, Optional<String> token, Optional<SSLContext> tls, Duration timeout) {
        this.bases = List.copyOf(bases);
        this.token = token;
        this.timeout = timeout;
        this.tls = tls.map(SSLContext::getSocketFactory);
    }

    /** Sends a JSON array of states. */
    public Outcome send(String jsonArray) {
        Outcome last = null;
        for (int i = 0; i < bases.size(); i++) {
            int index = (current + i) % bases.size();
            Outcome o = sendTo(bases.get(index), jsonArray);
            if (!(o instanceof Outcome.Retry r) || !r.tryNext()) {
                current = index;
                return o;
            }
            last = o;
        }
        return last;
    }

    private Outcome sendTo(URI base, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpURLConnection c = null;
        int status;
        String text;
        try {
            c = (HttpURLConnection) URI.create(base + "/v1/states").toURL().openConnection();
            if (c instanceof HttpsURLConnection https && tls.isPresent()) {
                https.setSSLSocketFactory(tls.get());
            }
            c.setConnectTimeout((int) timeout.toMillis());
            c.setReadTimeout((int) timeout.toMillis());
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(bytes.length);
            c.setRequestProperty("Content-Type", "application/json");
            if (token.isPresent()) {
                c.setRequestProperty("Authorization", "Bearer " + token.get());
            }
            try (OutputStream out = c.getOutputStream()) {
                out.write(bytes);
            }
            status = c.getResponseCode();
            text = read(status < 400 ? c.getInputStream() : c.getErrorStream());
        } catch (IOException | RuntimeException e) {
            if (c != null) {
                c.disconnect();
            }
            return new Outcome.Retry("unreachable " + base + ": " + e, Optional.empty(), true);
        }
        if (status == 202 || status == 200) {
            return new Outcome.Accepted();
        }
        if (status == 400 || status == 413) {
            return new Outcome.Rejected(status, text);
        }
        Optional<Duration> retryAfter = Optional.ofNullable(c.getHeaderField("Retry-After"))
                .flatMap(Collectors::seconds);
        return new Outcome.Retry(status + " from " + base + ": " + text, retryAfter, status == 503);
    }

    /** Reads the whole body (so the connection can be reused), keeping a short one-line excerpt. */
    private static String read(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            String oneLine = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
            return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
        }
    }

    private static Optional<Duration> seconds(String header) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
