package io.scalemanager.retry;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff, the one every retry loop here uses: attempt 0 waits {@code first}, each further attempt twice
 * as long, never more than {@code max}. {@link #jittered} spreads the wait for callers that fail together (agents
 * that lost the same collector) so they do not come back in step.
 *
 * @param first the wait after the first failure
 * @param max   the longest wait; where it is shorter than {@code first}, every wait is {@code max}
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        if (first.isNegative() || max.isNegative()) {
            throw new IllegalArgumentException("waits must not be negative, got first " + first + ", max " + max);
        }
    }

    /** The wait before attempt {@code attempt + 1}, counting from 0: {@code min(max, first * 2^attempt)}. */
    public Duration delay(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be 0 or more, got " + attempt);
        }
        long firstMs = first.toMillis();
        long maxMs = max.toMillis();
        // first * 2^attempt > max, asked without the multiplication, which could overflow.
        if (attempt >= Long.SIZE - 1 || firstMs > maxMs >> attempt) {
            return max;
        }
        return Duration.ofMillis(firstMs << attempt);
    }

    /** Between half and all of {@link #delay}, where {@code random} (0 to 1) says where. */
    public Duration jittered(int attempt, DoubleSupplier random) {
        long ceiling = delay(attempt).toMillis();
        long floor = ceiling / 2;
        return Duration.ofMillis(floor + (long) (random.getAsDouble() * (ceiling - floor)));
    }
}
