package io.scalemanager.collector;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of the collector API.
 *
 * @param maxStatesPerRequest larger batches are answered with 413
 * @param futureTolerance     states stamped further than this ahead of the server clock are invalid
 * @param ratePerInstance     states per second one instance may send, sustained
 * @param burstPerInstance    states one instance may send at once (an agent draining its buffer)
 * @param maxInstances        instances known at once; a request bringing a new one beyond it is answered 429
 * @param forgetAfter         an instance silent this long is forgotten and stops counting
 */
public record CollectorSettings(int maxStatesPerRequest, Duration futureTolerance, double ratePerInstance,
                                long burstPerInstance, int maxInstances, Duration forgetAfter) {
    public static final int DEFAULT_MAX_INSTANCES = 100_000;
    public static final Duration DEFAULT_FORGET_AFTER = Duration.ofDays(7);

    public CollectorSettings(int maxStatesPerRequest, Duration futureTolerance, double ratePerInstance,
                             long burstPerInstance) {
        this(maxStatesPerRequest, futureTolerance, ratePerInstance, burstPerInstance, DEFAULT_MAX_INSTANCES,
                DEFAULT_FORGET_AFTER);
    }

    public CollectorSettings {
        Objects.requireNonNull(futureTolerance, "futureTolerance");
        if (maxStatesPerRequest < 1) {
            throw new IllegalArgumentException("maxStatesPerRequest must be at least 1, got " + maxStatesPerRequest);
        }
        if (futureTolerance.isNegative()) {
            throw new IllegalArgumentException("futureTolerance must not be negative, got " + futureTolerance);
        }
        if (!(ratePerInstance > 0) || Double.isInfinite(ratePerInstance)) {
            throw new IllegalArgumentException("ratePerInstance must be a positive number, got " + ratePerInstance);
        }
        if (maxInstances < 1) {
            throw new IllegalArgumentException("maxInstances must be at least 1, got " + maxInstances);
        }
        if (burstPerInstance < 1) {
            throw new IllegalArgumentException("burstPerInstance must be at least 1, got " + burstPerInstance);
        }
    }

    /** 10,000 states per request, 10 minutes of clock skew, 1,000 states/s per instance with bursts of 20,000. */
    public static CollectorSettings defaults() {
        return new CollectorSettings(10_000, Duration.ofMinutes(10), 1_000, 20_000);
    }
}
