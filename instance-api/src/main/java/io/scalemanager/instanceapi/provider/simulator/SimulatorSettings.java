package io.scalemanager.instanceapi.provider.simulator;

import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Size;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the simulator behaves.
 *
 * @param defaultSize size of an instance the first time the simulator sees it
 * @param resizeDelay how long a resize takes
 * @param failPattern instances whose resizes fail with "simulated failure", when present
 */
public record SimulatorSettings(Size defaultSize, Duration resizeDelay, Optional<InstancePattern> failPattern) {
    /** The contract's default size: 2 cpu, 4096 MiB ram, 50 GiB storage. */
    public static final Size DEFAULT_SIZE = new Size(2, 4096, 50);

    public SimulatorSettings {
        Objects.requireNonNull(defaultSize, "defaultSize");
        Objects.requireNonNull(failPattern, "failPattern");
        if (resizeDelay == null || resizeDelay.isNegative()) {
            throw new IllegalArgumentException("resize delay must be zero or positive, not " + resizeDelay);
        }
    }

    /** Default size, resizes that take two seconds, nothing fails. */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings(DEFAULT_SIZE, Duration.ofSeconds(2), Optional.empty());
    }
}
