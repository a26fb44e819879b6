package io.scalemanager.manager.alert.config;

import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.manager.alert.Severity;

import java.util.List;
import java.util.Set;

/** Alerts of these severities on instances matching the pattern go to these channels. */
public record Route(Set<Severity> severities, InstancePattern instances, List<String> channels) {

    public boolean matches(Severity severity, String instance) {
        // An alert about no instance in particular (the manager falling behind) matches only "*".
        return severities.contains(severity)
                && (instance == null ? "*".equals(instances.text()) : instances.matches(instance));
    }
}
