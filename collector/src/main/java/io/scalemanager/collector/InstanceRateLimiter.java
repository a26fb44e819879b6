package io.scalemanager.collector;

import io.scalemanager.core.state.State;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket per instance, counting states: each instance may send {@code rate} states per second on average
 * and {@code burst} at once. A batch takes its tokens all or nothing, so a rejected request costs no instance in
 * it anything.
 *
 * <p>Memory stays bounded: a bucket that has refilled completely is the same as no bucket, so it is dropped
 * (swept once a minute and whenever the map is full). Should the map still be full of active instances, some
 * are forgotten, which only makes the limit lenient for them.
 */
final class InstanceRateLimiter {
    static final int DEFAULT_MAX_INSTANCES = 50_000;
    private static final long SWEEP_INTERVAL_MS = 60_000;

    /** Why a batch was refused: the first instance over its rate, and when to try again. */
    record Rejection(String instance, long requested, long available, long burst, long retryAfterSeconds) {
    }

    private final double tokensPerMs;
    private final long burst;
    private final Clock clock;
    private final int maxInstances;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong nextSweepMs;

    InstanceRateLimiter(double ratePerSecond, long burst, Clock clock) {
        this(ratePerSecond, burst, clock, DEFAULT_MAX_INSTANCES);
    }

    InstanceRateLimiter(double ratePerSecond, long burst, Clock clock, int maxInstances) {
        this.tokensPerMs = ratePerSecond / 1000.0;
        this.burst = burst;
        this.clock = clock;
        this.maxInstances = maxInstances;
        this.nextSweepMs = new AtomicLong(clock.millis() + SWEEP_INTERVAL_MS);
    }

    /** Takes one token per state from each instance's bucket, or none at all and says why. */
    Optional<Rejection> tryAcquire(List<State> states) {
        if (states.isEmpty()) {
            return Optional.empty();
        }
        long now = clock.millis();
        sweepIfDue(now);
        String first = states.get(0).instance();
        int n = states.size();
        boolean single = true;
        for (int i = 1; i < n && single; i++) {
            single = first.equals(states.get(i).instance());
        }
        if (single) {
            return bucket(first, now).tryTake(first, n, now);
        }
        return tryAcquireEach(count(states), now);
    }

    private Optional<Rejection> tryAcquireEach(Map<String, long[]> counts, long now) {
        List<Bucket> taken = new ArrayList<>(counts.size());
        List<Long> amounts = new ArrayList<>(counts.size());
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            Bucket bucket = bucket(e.getKey(), now);
            long n = e.getValue()[0];
            Optional<Rejection> rejection = bucket.tryTake(e.getKey(), n, now);
            if (rejection.isPresent()) {
                // Give back what this batch already took, so it costs nothing. Another request may have seen
                // these tokens missing for a moment; that errs on the strict side and only briefly.
                for (int i = 0; i < taken.size(); i++) {
                    taken.get(i).giveBack(amounts.get(i));
                }
                return rejection;
            }
            taken.add(bucket);
            amounts.add(n);
        }
        return Optional.empty();
    }

    private static Map<String, long[]> count(List<State> states) {
        // In batch order, so which instance a refusal names does not depend on hashing.
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (int i = 0; i < states.size(); i++) {
            counts.computeIfAbsent(states.get(i).instance(), k -> new long[1])[0]++;
        }
        return counts;
    }

    /** How many instances have a bucket now (for tests and curiosity). */
    int trackedInstances() {
        return buckets.size();
    }

    private Bucket bucket(String instance, long now) {
        Bucket bucket = buckets.get(instance);
        if (bucket != null) {
            return bucket;
        }
        if (buckets.size() >= maxInstances) {
            sweepIfFull(now);
        }
        return buckets.computeIfAbsent(instance, k -> new Bucket(now));
    }

    private void sweepIfDue(long now) {
        long due = nextSweepMs.get();
        if (now >= due && nextSweepMs.compareAndSet(due, now + SWEEP_INTERVAL_MS)) {
            sweep(now);
        }
    }

    private synchronized void sweepIfFull(long now) {
        // Threads that queued here while another swept find room and skip the scan.
        if (buckets.size() >= maxInstances) {
            sweep(now);
        }
    }

    private synchronized void sweep(long now) {
        // A bucket removed while a request holds it loses that request's take: lenient once, never strict.
        buckets.values().removeIf(bucket -> bucket.isFull(now));
        if (buckets.size() >= maxInstances) {
            int excess = buckets.size() - maxInstances * 9 / 10;
            Iterator<Bucket> it = buckets.values().iterator();
            for (int i = 0; i < excess && it.hasNext(); i++) {
                it.next();
                it.remove();
            }
        }
    }

    private final class Bucket {
        private double tokens = burst;
        private long updatedMs;

        Bucket(long now) {
            this.updatedMs = now;
        }

        synchronized Optional<Rejection> tryTake(String instance, long n, long now) {
            refill(now);
            if (tokens >= n) {
                tokens -= n;
                return Optional.empty();
            }
            double missing = Math.min(n, burst) - tokens;
            long retryAfter = Math.max(1, (long) Math.ceil(missing / tokensPerMs / 1000.0));
            return Optional.of(new Rejection(instance, n, (long) tokens, burst, retryAfter));
        }

        synchronized void giveBack(long n) {
            tokens = Math.min(burst, tokens + n);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            if (now > updatedMs) {
                tokens = Math.min(burst, tokens + (now - updatedMs) * tokensPerMs);
                updatedMs = now;
            }
        }
    }
}
