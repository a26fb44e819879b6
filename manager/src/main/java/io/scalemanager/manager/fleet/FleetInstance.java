package io.scalemanager.manager.fleet;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.scalemanager.core.sizing.Size;

import java.math.BigDecimal;
import java.util.Map;

/**
 * One instance of the fleet listing ({@code GET /v1/instances}), as the API shows it and as managers send it to
 * each other.
 *
 * @param lastSeen   when it last reported, epoch seconds
 * @param values     the newest value of each state type
 * @param size       its size from the instance API; null when the instance API did not answer in time
 * @param sizeSource where the size comes from: {@code provider}, {@code agent} (the instance's own reports) or
 *                   {@code simulator} (made up), see {@link ShownSize}; null with no size
 * @param outcome    the most pressing latest outcome of its rules; null when no rule was decided for it yet
 */
public record FleetInstance(String instance, @JsonProperty("last_seen") BigDecimal lastSeen,
                            Map<String, Double> values, Size size, @JsonProperty("size_source") String sizeSource,
                            PressingOutcome outcome) {

    /** The outcome of the rule most worth an operator's look (see {@code OutcomeKind.pressure}). */
    public record PressingOutcome(String rule, String outcome, String reason, BigDecimal since) {
    }

    /** Epoch seconds of a time in milliseconds, exact (JSON shows 1764067200.25, never an exponent). */
    static BigDecimal epochSeconds(long epochMs) {
        return BigDecimal.valueOf(epochMs, 3).stripTrailingZeros();
    }
}
