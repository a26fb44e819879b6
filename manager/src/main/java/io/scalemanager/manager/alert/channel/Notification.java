package io.scalemanager.manager.alert.channel;

import io.scalemanager.manager.alert.Severity;

import java.time.Instant;
import java.util.List;

/** What one message to one channel carries: alerts that arrived within the grouping window, firing or resolved. */
public record Notification(List<Item> items) {

    /** One alert in a notification. {@code resolved} means the problem has cleared. */
    public record Item(long timeMs, Severity severity, String instance, String rule, String kind, String message,
                       boolean resolved) {

        /** One line: {@code [CRITICAL] web-1: ...} or {@code [RESOLVED] ...}. */
        public String line() {
            String tag = resolved ? "RESOLVED" : severity.name();
            String text = resolved ? "resolved: " + message : message;
            return "[" + tag + "] " + text;
        }
    }

    public Notification {
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("a notification carries at least one alert");
        }
    }

    /** The worst severity among firing items, or INFO when everything resolved. */
    public Severity severity() {
        Severity worst = Severity.INFO;
        for (Item i : items) {
            if (!i.resolved() && i.severity().compareTo(worst) > 0) {
                worst = i.severity();
            }
        }
        return worst;
    }

    public boolean allResolved() {
        return items.stream().allMatch(Item::resolved);
    }

    /** A short title: the mail subject, the chat headline. */
    public String title() {
        Item first = items.get(0);
        if (items.size() == 1) {
            String what = first.resolved() ? "resolved" : first.severity().wireName();
            return "[ScaleManager] " + what + ": " + (first.instance() == null ? "" : first.instance() + " ")
                    + first.kind();
        }
        long firing = items.stream().filter(i -> !i.resolved()).count();
        return "[ScaleManager] " + firing + " firing, " + (items.size() - firing) + " resolved";
    }

    /** Plain text: one line per alert, with its time. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Item i : items) {
            sb.append(Instant.ofEpochMilli(i.timeMs())).append("  ").append(i.line()).append('\n');
        }
        return sb.toString();
    }
}
