package io.scalemanager.manager.rules;

import io.scalemanager.core.pattern.InstancePattern;

import java.time.Duration;
import java.util.Objects;

/**
 * A change budget ({@code budgets:} in the rules file): on the instances matching {@code instances}, at most
 * {@code maxActions} actions may start within any {@code per}, and at most {@code maxConcurrent} may be pending or
 * running at once. The ActionLog enforces it in the database, so it holds across managers.
 *
 * @param maxActions    0 when only concurrency is bounded
 * @param per           the period of {@code maxActions}; zero when {@code maxActions} is 0
 * @param maxConcurrent 0 when only the rate is bounded
 * @param line          the line of the budget in its file
 */
public record Budget(InstancePattern instances, int maxActions, Duration per, int maxConcurrent, int line) {

    public Budget {
        Objects.requireNonNull(instances, "instances");
        Objects.requireNonNull(per, "per");
        if (maxActions < 0 || maxConcurrent < 0 || (maxActions == 0 && maxConcurrent == 0)) {
            throw new IllegalArgumentException("a budget bounds max_actions, max_concurrent or both");
        }
        if (maxActions > 0 && (per.isZero() || per.isNegative())) {
            throw new IllegalArgumentException("max_actions needs a positive 'per'");
        }
    }

    /** What the database knows this budget by: its instance pattern. */
    public String key() {
        return instances.text();
    }

    /** For reasons and alerts: {@code budget "web-*" (10 actions per 10m, 3 at once)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder("budget \"").append(instances.text()).append("\" (");
        if (maxActions > 0) {
            sb.append(maxActions).append(maxActions == 1 ? " action per " : " actions per ")
                    .append(io.scalemanager.core.time.DurationText.format(per));
        }
        if (maxConcurrent > 0) {
            sb.append(maxActions > 0 ? ", " : "").append(maxConcurrent).append(" at once");
        }
        return sb.append(')').toString();
    }
}
