package io.scalemanager.manager.alert;

import java.util.Locale;

/**
 * What an alert is about. Raising and resolving name one of these; the wire name ({@code command_failed}) is what
 * the alert log stores, the API shows and silences match.
 */
public enum AlertKind {
    /** The instance API refused or failed a resize. */
    COMMAND_FAILED,
    /** A resize was not made: the instance is at its limit. */
    LIMIT_REACHED,
    /** A resize was not made: the instance already has the size. */
    NOTHING_TO_CHANGE,
    /** The instance did not show the new size within the verify timeout. */
    UNVERIFIED,
    /** The provider stored the change for the instance's next restart. */
    NEEDS_RESTART,
    /** A rule's change budget is spent. */
    BUDGET,
    /** A rule whose action is to raise an alert fired. */
    RULE,
    /** An instance has not reported for longer than stopped_reporting_after. */
    STOPPED_REPORTING,
    /** The manager lags behind the queue by more than max_lag. */
    MANAGER_BEHIND,
    /** A rules reload was refused: the file is invalid. */
    RULESET_INVALID,
    /** The collector refused a new instance: collector.max_instances is reached. */
    INSTANCE_LIMIT,
    /** A rule's rollback condition held after its resize: the instance is resized back. */
    ROLLBACK;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
