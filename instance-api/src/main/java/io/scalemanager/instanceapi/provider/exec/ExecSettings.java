package io.scalemanager.instanceapi.provider.exec;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Commands the exec provider runs, as argv lists (no shell). Placeholders: {@code {instance}}, and in the resize
 * command also {@code {component}}, {@code {from}}, {@code {to}} and {@code {unit}}.
 *
 * @param sizeCommand   prints the instance's size as JSON {@code {"cpu": 2, "ram": 4096, "storage": 50}}, or
 *                      nothing when it does not know the instance
 * @param resizeCommand sets one component; exit status 0 means done
 * @param timeout       longest run of one command; then it and its children are killed
 * @param maxOutputChars how much of stdout and of stderr a failure's error keeps
 * @param passEnv       names of this process's environment variables the commands also see; otherwise they get
 *                      only {@link io.scalemanager.instanceapi.provider.ChildEnvironment#BASE} and their own values
 */
public record ExecSettings(List<String> sizeCommand, List<String> resizeCommand, Duration timeout,
                           int maxOutputChars, List<String> passEnv) {
    public static final Set<String> SIZE_PLACEHOLDERS = Set.of("instance");
    public static final Set<String> RESIZE_PLACEHOLDERS = Set.of("instance", "component", "from", "to", "unit");

    public ExecSettings {
        sizeCommand = List.copyOf(sizeCommand);
        resizeCommand = List.copyOf(resizeCommand);
        passEnv = List.copyOf(passEnv);
        if (sizeCommand.isEmpty() || resizeCommand.isEmpty()) {
            throw new IllegalArgumentException("both commands need at least the program");
        }
    }

    public ExecSettings(List<String> sizeCommand, List<String> resizeCommand, Duration timeout, int maxOutputChars) {
        this(sizeCommand, resizeCommand, timeout, maxOutputChars, List.of());
    }
}
