package io.scalemanager.manager.guard;

/**
 * The reported values of one type on one instance over a time span, as the history (the EventLog behind
 * {@code GET /v1/history}) holds them: what the shrink guard projects from, beyond the rule's own short window.
 */
@FunctionalInterface
public interface UsageHistory {
    /** The values of {@code type} on {@code instance} from {@code fromMs} to {@code toMs} (epoch ms), any order. */
    double[] values(String instance, String type, long fromMs, long toMs);
}
