package io.scalemanager.history;

import io.scalemanager.core.condition.Operator;

/**
 * The answer to "did TYPE OP VALUE hold over [from, to]?": held when at least one sample matches and none fails.
 * avg, min and max are NaN when there is no sample.
 */
public record SampleStats(boolean held, int matched, int unmatched, int count, double avg, double min, double max) {

    /** Accumulates stats sample by sample without keeping the samples. */
    public static final class Builder {
        private final Operator op;
        private final double threshold;
        private int matched;
        private int unmatched;
        private double sum;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;

        public Builder(Operator op, double threshold) {
            this.op = op;
            this.threshold = threshold;
        }

        public void add(double value) {
            if (op.test(value, threshold)) {
                matched++;
            } else {
                unmatched++;
            }
            sum += value;
            min = Math.min(min, value);
            max = Math.max(max, value);
        }

        public SampleStats build() {
            int count = matched + unmatched;
            if (count == 0) {
                return new SampleStats(false, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN);
            }
            return new SampleStats(matched > 0 && unmatched == 0, matched, unmatched, count, sum / count, min, max);
        }
    }
}
