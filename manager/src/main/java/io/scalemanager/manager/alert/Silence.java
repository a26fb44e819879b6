package io.scalemanager.manager.alert;

import io.scalemanager.core.pattern.InstancePattern;

/**
 * While it lasts, alerts it matches are recorded and listed but nobody is told.
 *
 * @param rule null: any rule
 * @param kind null: any kind
 */
public record Silence(long id, String instances, String rule, String kind, String comment, long createdAtMs,
                      long endsAtMs) {

    public boolean matches(String instance, String alertRule, String alertKind, long nowMs) {
        if (nowMs >= endsAtMs) {
            return false;
        }
        boolean instanceMatches = instance == null ? "*".equals(instances)
                : InstancePattern.parse(instances).matches(instance);
        return instanceMatches && (rule == null || rule.equals(alertRule)) && (kind == null || kind.equals(alertKind));
    }
}
