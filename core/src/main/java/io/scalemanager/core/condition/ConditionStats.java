package io.scalemanager.core.condition;

/**
 * Shared by the History API and the manager's windows, so both answer with one meaning. The answer to "did TYPE OP
 * VALUE hold over [from, to]?": held when at least one sample matches and none fails.
 * avg, min and max are NaN when there is no sample.
 */
public record ConditionStats(boolean held, int matched, int unmatched, int count, double avg, double min, double max) {
    public static final ConditionStats EMPTY = new ConditionStats(false, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN);

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

        public ConditionStats build() {
            // empty: held is false and avg, min and max are NaN (the API writes them as null)
            int count = matched + unmatched;
            if (count == 0) {
                return EMPTY;
            }
            return new ConditionStats(matched > 0 && unmatched == 0, matched, unmatched, count, sum / count, min, max);
        }
    }
}
