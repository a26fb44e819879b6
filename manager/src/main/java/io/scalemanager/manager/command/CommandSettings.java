package io.scalemanager.manager.command;

import java.time.Duration;

/**
 * How the manager drives commands.
 *
 * @param pollInterval  how often a running operation's status is asked
 * @param retryBackoff  first pause before resending after a retryable failure; doubles up to 30 s
 * @param maxAttempts   sends of one command before it counts as failed
 * @param actionTimeout a command without a result after this long counts as failed
 */
public record CommandSettings(Duration pollInterval, Duration retryBackoff, int maxAttempts, Duration actionTimeout) {

    public static CommandSettings defaults() {
        return new CommandSettings(Duration.ofMillis(500), Duration.ofSeconds(1), 8, Duration.ofMinutes(15));
    }
}
