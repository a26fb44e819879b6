package io.scalemanager.server.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Posts states to a collector as an agent does, with the API token. */
final class CollectorClient {
    /** What {@link #post} answers when no HTTP answer came (the collector is gone or the connection broke). */
    static final int NO_ANSWER = -1;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String token;

    CollectorClient(String token) {
        this.token = token;
    }

    /** The HTTP status of {@code POST /v1/states}, or {@link #NO_ANSWER}. */
    int post(URI collector, List<SentState> states) {
        return post(collector, states, token);
    }

    int post(URI collector, List<SentState> states, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(collector.resolve("/v1/states"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SentState.toJson(states)));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return NO_ANSWER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NO_ANSWER;
        }
    }
}
