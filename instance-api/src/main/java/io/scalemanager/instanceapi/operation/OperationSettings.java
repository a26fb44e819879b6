package io.scalemanager.instanceapi.operation;

import java.time.Duration;

/**
 * How operations run.
 *
 * @param workers       resizes carried out at the same time (on different instances); more wait as pending
 * @param shutdownGrace how long {@link OperationService#close()} lets running resizes finish; the rest stay
 *                      running in the database and are resumed on the next start
 */
public record OperationSettings(int workers, Duration shutdownGrace) {

    public OperationSettings {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, not " + workers);
        }
        if (shutdownGrace == null || shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdown grace must be zero or positive, not " + shutdownGrace);
        }
    }

    public static OperationSettings defaults() {
        return new OperationSettings(8, Duration.ofSeconds(10));
    }
}
