package io.scalemanager.history.http;

/**
 * How many samples one History API request may read, so that no request holds a thread and a database connection
 * for long, whatever range it asks for: {@code /v1/history} reads at most its {@code limit}, which may not exceed
 * {@code maxSamples} (400 naming {@code limit} beyond); {@code /v1/history/query} reads every sample of its range
 * and refuses a range holding more than {@code maxQueryRows} (400 naming {@code from}). Both read along the index
 * on (instance, type, ts), so the rows read bound the work.
 *
 * @param maxSamples   largest {@code limit} of {@code /v1/history} ({@code history.max_samples})
 * @param maxQueryRows most samples {@code /v1/history/query} reads ({@code history.max_query_rows})
 */
public record HistoryLimits(int maxSamples, int maxQueryRows) {
    /** 100,000 samples, a million for a query: a month of one sample per 10 s is 268,000. */
    public static final HistoryLimits DEFAULTS = new HistoryLimits(100_000, 1_000_000);

    public HistoryLimits {
        if (maxSamples < 1 || maxQueryRows < 1) {
            throw new IllegalArgumentException("history limits must be at least 1");
        }
    }
}
