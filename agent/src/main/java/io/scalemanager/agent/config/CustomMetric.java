package io.scalemanager.agent.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A state type whose value comes from the first number a command prints or a file holds.
 * Exactly one of {@code command} and {@code file} is set.
 */
public record CustomMetric(String type, List<String> command, Path file) {
}
