package io.scalemanager.dashboard.chart;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * Everything the instance page draws for one range, in one answer: a downsampled series per reported type, the
 * thresholds of the rules that watch each type, the actions and alerts on the time axis, and the size over time.
 * Times are epoch seconds.
 *
 * @param step    seconds per point of the series (0: every sample, when there were few)
 * @param samples how many stored samples the series were computed from
 */
public record InstanceChart(String instance, Number from, Number to, long step, long samples, List<Series> series,
                            List<Threshold> thresholds, List<Marker> actions, List<Marker> alerts,
                            Map<String, List<double[]>> sizes, @JsonProperty("last_seen") Number lastSeen) {

    /**
     * One type over the range: {@code points[i] = [time, avg, min, max]} of the samples in step i, at the step's
     * start; a step that holds a single sample is that sample at its own time (every point is, when step is 0).
     */
    public record Series(String type, List<double[]> points) {
    }

    /**
     * One comparison of a rule's condition, drawn as a line on the chart of its type.
     *
     * @param condition the comparison as written ({@code p95(cpu) > 80})
     */
    public record Threshold(String rule, String type, String op, double value, String condition, String then) {
    }

    /**
     * A point on the time axis: an action ({@code cpu 2 → 3}, its rule and status) or an alert (its severity and
     * message in {@code label}).
     */
    public record Marker(long id, Number time, String rule, String label, String status) {
    }
}
