package io.scalemanager.bench;

/**
 * The queue figures of one {@code GET /metrics} scrape; NaN where the server did not report a figure.
 *
 * @param lagSeconds       {@code scalemanager_queue_lag_seconds}: age of the oldest event not yet handled
 * @param pendingEvents    {@code scalemanager_queue_pending_events}
 * @param delayP50Seconds  {@code scalemanager_queue_delivery_delay_seconds{quantile="0.5"}}: commit to handled
 * @param delayP99Seconds  the same at quantile 0.99
 */
record QueueMetrics(double lagSeconds, double pendingEvents, double delayP50Seconds, double delayP99Seconds) {
    static final String LAG = "scalemanager_queue_lag_seconds";
    static final String PENDING = "scalemanager_queue_pending_events";
    static final String DELAY = "scalemanager_queue_delivery_delay_seconds";

    /** Picks the queue figures out of Prometheus text format; other lines are skipped. */
    static QueueMetrics parse(String text) {
        double lag = Double.NaN;
        double pending = Double.NaN;
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            if (isSample(line, LAG)) {
                lag = value(line, LAG);
            } else if (isSample(line, PENDING)) {
                pending = value(line, PENDING);
            } else if (isSample(line, DELAY)) {
                if (line.contains("quantile=\"0.5\"")) {
                    p50 = value(line, DELAY);
                } else if (line.contains("quantile=\"0.99\"")) {
                    p99 = value(line, DELAY);
                }
            }
        }
        return new QueueMetrics(lag, pending, p50, p99);
    }

    /** Whether the queue has handled everything: no lag, and nothing pending where the server says so. */
    boolean drained() {
        return lagSeconds == 0 && !(pendingEvents > 0);
    }

    private static boolean isSample(String line, String name) {
        if (!line.startsWith(name) || line.length() == name.length()) {
            return false;
        }
        char next = line.charAt(name.length());
        return next == '{' || next == ' ';
    }

    private static double value(String line, String name) {
        // "name{labels} value [timestamp]": labels may hold spaces inside quotes, so start after the closing brace.
        int from = line.charAt(name.length()) == '{' ? line.lastIndexOf('}') + 1 : name.length();
        String[] parts = line.substring(from).trim().split("\\s+");
        try {
            return Double.parseDouble(parts[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
