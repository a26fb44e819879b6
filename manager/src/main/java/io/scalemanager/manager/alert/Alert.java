package io.scalemanager.manager.alert;

/**
 * Something people should know: a failed command, a rule whose action is {@code alert}, a change that limits
 * left nothing of.
 *
 * @param kind what kind of problem: {@code command_failed}, {@code rule}, {@code limit_reached}
 */
public record Alert(long id, long timeMs, Severity severity, String instance, String rule, String kind,
                    String message) {
}
