package io.scalemanager.manager.fleet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.scalemanager.core.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The other managers, asked for their share of a fleet-wide read. Each manager knows the instances of its own Kafka
 * partitions; a fleet-wide read asks every live peer of the roster for its own ({@code scope=local}) in parallel,
 * reads each answer into a record, and names the peers that did not answer within
 * {@link FleetTimeouts#peerWait()}.
 */
public final class FleetPeers {
    private final ManagerRoster roster;
    private final FleetTimeouts timeouts;
    private final HttpClient http;
    private final Optional<String> token;

    /** A manager that did not answer in time, or answered with an error, and why. */
    public record Unanswered(String manager, String error) {
    }

    /**
     * The answers of the peers asked, in the order asked.
     *
     * @param answered   per peer that answered, its answer; empty when it does not know what was asked (404)
     * @param unanswered the peers that did not answer in time or answered with another error
     */
    public record Answers<T>(Map<URI, Optional<T>> answered, List<Unanswered> unanswered) {
    }

    /** Peers that take reads without a token (no tokens file). */
    public FleetPeers(ManagerRoster roster, FleetTimeouts timeouts, HttpClient http) {
        this(roster, timeouts, http, Optional.empty());
    }

    /**
     * @param http  the client for manager → manager requests (its connect timeout should be at most
     *              {@link FleetTimeouts#peerRequest()})
     * @param token the bearer token sent with every request (config key manager.peer_token: a token with the
     *              read scope that the peers accept); never logged nor shown in an answer
     */
    public FleetPeers(ManagerRoster roster, FleetTimeouts timeouts, HttpClient http, Optional<String> token) {
        this.roster = roster;
        this.timeouts = timeouts;
        this.http = http;
        this.token = token;
    }

    /** A plain HTTP/1.1 client whose connect timeout is one peer request. */
    public static HttpClient plainClient(FleetTimeouts timeouts) {
        return HttpClient.newBuilder().connectTimeout(timeouts.peerRequest()).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The addresses of the other live managers. */
    public List<URI> peers() {
        return roster.peers();
    }

    public FleetTimeouts timeouts() {
        return timeouts;
    }

    /** Asks every live peer {@code GET pathAndQuery}, to be read as a {@code type}; {@link Pending#await} waits. */
    public <T> Pending<T> askAll(String pathAndQuery, Class<T> type) {
        return ask(peers(), peer -> pathAndQuery, type);
    }

    /**
     * Asks each of {@code peers} its own {@code GET} in parallel, without waiting: the caller does its own share
     * meanwhile, then waits with {@link Pending#await}.
     */
    public <T> Pending<T> ask(Collection<URI> peers, Function<URI, String> pathAndQuery, Class<T> type) {
        Map<URI, CompletableFuture<Optional<T>>> requests = new LinkedHashMap<>();
        for (URI peer : peers) {
            requests.put(peer, get(peer, pathAndQuery.apply(peer), type));
        }
        return new Pending<>(requests, System.nanoTime() + timeouts.peerWait().toNanos());
    }

    /** Requests under way to the peers, answered within {@link FleetTimeouts#peerWait()} of their sending. */
    public static final class Pending<T> {
        private final Map<URI, CompletableFuture<Optional<T>>> requests;
        private final long deadlineNanos;

        private Pending(Map<URI, CompletableFuture<Optional<T>>> requests, long deadlineNanos) {
            this.requests = requests;
            this.deadlineNanos = deadlineNanos;
        }

        /**
         * Waits for the answers until the deadline; the peers not answered by then are named.
         *
         * @throws InterruptedException when interrupted while waiting; the requests under way are left to time out
         */
        public Answers<T> await() throws InterruptedException {
            Map<URI, Optional<T>> answered = new LinkedHashMap<>();
            List<Unanswered> unanswered = new ArrayList<>();
            for (Map.Entry<URI, CompletableFuture<Optional<T>>> e : requests.entrySet()) {
                try {
                    answered.put(e.getKey(), e.getValue().get(Math.max(0, deadlineNanos - System.nanoTime()),
                            TimeUnit.NANOSECONDS));
                } catch (ExecutionException | TimeoutException failure) {
                    Throwable cause = failure instanceof ExecutionException ? failure.getCause() : failure;
                    unanswered.add(new Unanswered(e.getKey().toString(), cause.getMessage() == null
                            ? cause.getClass().getSimpleName() : cause.getMessage()));
                }
            }
            return new Answers<>(answered, unanswered);
        }
    }

    /** One peer's answer: empty on 404, failed on any other answer but 200 or on a body that is no {@code type}. */
    private <T> CompletableFuture<Optional<T>> get(URI peer, String pathAndQuery, Class<T> type) {
        HttpRequest.Builder request = HttpRequest.newBuilder(peer.resolve(pathAndQuery))
                .timeout(timeouts.peerRequest()).GET();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw new IllegalStateException("answered " + response.statusCode() + ": it does not accept "
                        + (token.isPresent() ? "this manager's manager.peer_token for reads"
                        : "reads without a token; set manager.peer_token to a read token it accepts"));
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("answered " + response.statusCode());
            }
            try {
                // Fractional epoch seconds stay decimals, so they are passed on without an exponent.
                return Optional.of(Json.mapper().readerFor(type)
                        .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readValue(response.body()));
            } catch (IOException e) {
                throw new IllegalStateException("answered with unreadable JSON: " + e.getMessage(), e);
            }
        });
    }
}
