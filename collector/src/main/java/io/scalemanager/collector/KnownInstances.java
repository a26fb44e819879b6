package io.scalemanager.collector;

import io.scalemanager.core.state.State;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The instances this collector has heard from, bounded: beyond {@code maxInstances} a request that brings a new
 * id is refused whole (429), so a stream of made-up ids cannot grow the memory of the collector and of everything
 * behind it without bound. Instances silent longer than {@code forgetAfter} are forgotten and stop counting. The
 * first refusal after the count was below the limit tells {@code onLimitReached} (one alert, not one per request).
 */
public final class KnownInstances {
    /** Why a request was refused. */
    public record Refusal(String instance, int limit) {
    }

    private final int maxInstances;
    private final long forgetAfterMs;
    private final long sweepEveryMs;
    private final Clock clock;
    private final Consumer<String> onLimitReached;
    private final ConcurrentHashMap<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final AtomicBoolean atLimit = new AtomicBoolean();
    private final AtomicLong nextSweep = new AtomicLong();

    public KnownInstances(int maxInstances, Duration forgetAfter, Clock clock, Consumer<String> onLimitReached) {
        this.maxInstances = maxInstances;
        this.forgetAfterMs = forgetAfter.toMillis();
        this.sweepEveryMs = Math.max(1000, Math.min(60_000, forgetAfterMs / 2));
        this.clock = clock;
        this.onLimitReached = onLimitReached;
    }

    /** Admits the request's instances, or refuses the whole request when it brings a new one beyond the limit. */
    public Optional<Refusal> admit(List<State> states) {
        long now = clock.millis();
        sweepIfDue(now);
        String previous = null;
        String firstNew = null;
        int fresh = 0;
        for (int i = 0; i < states.size(); i++) {
            String id = states.get(i).instance();
            if (id.equals(previous)) {
                continue; // agents send one instance's states together: skip the lookup
            }
            previous = id;
            if (!lastSeen.containsKey(id)) {
                fresh++;
                if (firstNew == null) {
                    firstNew = id;
                }
            }
        }
        if (fresh > 0 && lastSeen.size() + fresh > maxInstances) {
            if (atLimit.compareAndSet(false, true)) {
                onLimitReached.accept("the collector knows " + lastSeen.size() + " instances, its limit "
                        + "collector.max_instances = " + maxInstances + ": reports of new instances (first '"
                        + firstNew + "') are refused with 429 until instances are forgotten (manager.forget_after) "
                        + "or the limit is raised");
            }
            return Optional.of(new Refusal(firstNew, maxInstances));
        }
        previous = null;
        for (int i = 0; i < states.size(); i++) {
            String id = states.get(i).instance();
            if (!id.equals(previous)) {
                lastSeen.put(id, now);
                previous = id;
            }
        }
        return Optional.empty();
    }

    private void sweepIfDue(long now) {
        long due = nextSweep.get();
        if (now >= due && nextSweep.compareAndSet(due, now + sweepEveryMs)) {
            long cutoff = now - forgetAfterMs;
            lastSeen.values().removeIf(seen -> seen < cutoff);
            if (lastSeen.size() < maxInstances) {
                atLimit.set(false);
            }
        }
    }

    public int size() {
        return lastSeen.size();
    }
}
