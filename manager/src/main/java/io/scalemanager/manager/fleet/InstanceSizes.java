package io.scalemanager.manager.fleet;

import io.scalemanager.manager.command.InstanceApiClient.SourcedSize;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The instances' sizes as the fleet views show them ({@code GET /v1/instances}, the dashboard's fleet page), read
 * from the instance API at most {@code maxInFlight} requests at a time and kept for {@code ttl}, so that a page of
 * 50 instances refreshed every few seconds is not 50 requests each time, and a page of 500 does not open 500
 * connections at once. A size is forgotten when an action on its instance ends (its size may have changed) and
 * after the ttl (a resize made around ScaleManager shows within it). Failures and unknown instances are not kept:
 * the next page asks again. Two pages asking for one instance at once share one request.
 */
public final class InstanceSizes {
    /** Size requests under way at once toward the instance API, per manager. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 8;
    /** How long a size is shown without asking again (manager.size_cache_ttl). */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

    private final Function<String, CompletableFuture<Optional<SourcedSize>>> source;
    private final Duration ttl;
    private final int maxInFlight;
    private final Clock clock;
    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Fetch> fetching = new ConcurrentHashMap<>();
    private final Deque<Fetch> waiting = new ArrayDeque<>();
    private int running;
    private volatile long nextSweepMs;

    private record Known(SourcedSize size, long untilMs) {
    }

    /** One request for an instance's size, waiting for a slot or under way. */
    private static final class Fetch {
        final String instance;
        final CompletableFuture<Optional<SourcedSize>> result = new CompletableFuture<>();

        Fetch(String instance) {
            this.instance = instance;
        }
    }

    /**
     * @param source      the instance API's answer for one instance; completes empty on any failure
     * @param ttl         how long a size is kept; zero keeps none (every read asks, still at most maxInFlight at once)
     * @param maxInFlight requests under way at once
     */
    public InstanceSizes(Function<String, CompletableFuture<Optional<SourcedSize>>> source, Duration ttl,
                         int maxInFlight, Clock clock) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("the size cache's ttl must not be negative, got " + ttl);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("at least one size request must be allowed, got " + maxInFlight);
        }
        this.source = source;
        this.ttl = ttl;
        this.maxInFlight = maxInFlight;
        this.clock = clock;
    }

    /** The instance's size and where it comes from; completes empty when the instance API gave none. */
    public CompletableFuture<Optional<SourcedSize>> get(String instance) {
        long now = clock.millis();
        sweep(now);
        Known k = known.get(instance);
        if (k != null && k.untilMs() > now) {
            return CompletableFuture.completedFuture(Optional.of(k.size()));
        }
        Fetch fresh = new Fetch(instance);
        Fetch f = fetching.putIfAbsent(instance, fresh);
        if (f != null) {
            return f.result;
        }
        boolean start;
        synchronized (this) {
            start = running < maxInFlight;
            if (start) {
                running++;
            } else {
                waiting.add(fresh);
            }
        }
        if (start) {
            start(fresh);
        }
        return fresh.result;
    }

    /** Forgets the instance's size: an action on it ended, so the next read asks the instance API. */
    public void forget(String instance) {
        known.remove(instance);
        // A request under way may carry the size from before the action: it answers its callers, but is not kept.
        fetching.remove(instance);
    }

    /** Sizes kept now (for tests and metrics). */
    public int kept() {
        return known.size();
    }

    private void start(Fetch f) {
        CompletableFuture<Optional<SourcedSize>> answer;
        try {
            answer = source.apply(f.instance);
        } catch (RuntimeException e) {
            answer = CompletableFuture.completedFuture(Optional.empty());
        }
        answer.whenComplete((size, failure) -> {
            Optional<SourcedSize> result = failure == null && size != null ? size : Optional.empty();
            // Kept only when no action ended on the instance meanwhile (forget removed this fetch).
            if (fetching.remove(f.instance, f) && result.isPresent() && !ttl.isZero()) {
                known.put(f.instance, new Known(result.get(), clock.millis() + ttl.toMillis()));
            }
            f.result.complete(result);
            Fetch next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    running--;
                }
            }
            if (next != null) {
                start(next);
            }
        });
    }

    /** Drops expired sizes at most once per ttl, so instances no longer listed do not stay forever. */
    private void sweep(long now) {
        if (now < nextSweepMs || ttl.isZero()) {
            return;
        }
        nextSweepMs = now + ttl.toMillis();
        known.values().removeIf(k -> k.untilMs() <= now);
    }
}
