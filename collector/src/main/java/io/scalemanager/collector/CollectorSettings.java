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
 */
public record CollectorSettings(int maxStatesPerRequest, Duration futureTolerance, double ratePerInstance,
                                long burstPerInstance) {

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
        if (burstPerInstance < 1) {
            throw new IllegalArgumentException("burstPerInstance must be at least 1, got " + burstPerInstance);
        }
    }

    /** 10,000 states per request, 10 minutes of clock skew, 1,000 states/s per instance with bursts of 20,000. */
    public static CollectorSettings defaults() {
        return new CollectorSettings(10_000, Duration.ofMinutes(10), 1_000, 20_000);
    }
}
