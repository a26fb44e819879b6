package io.scalemanager.instanceapi.provider;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The environment a provider's child process (a command, virsh) gets: a few harmless variables of this process
 * and what the configuration names, never the rest, so {@code SCALEMANAGER_API_TOKEN}, the database password and
 * whatever else the server was started with do not reach a script that may log or leak them.
 */
public final class ChildEnvironment {
    /** What programs commonly need to run at all: where to find programs, whose they are, language and zone. */
    public static final List<String> BASE = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR");

    private ChildEnvironment() {
    }

    /** Replaces the builder's environment with BASE and {@code passThrough} taken from {@code own}, then extra. */
    public static void apply(ProcessBuilder builder, Map<String, String> own, Collection<String> passThrough,
                             Map<String, String> extra) {
        Map<String, String> env = builder.environment();
        env.clear();
        for (String name : BASE) {
            copy(own, env, name);
        }
        for (String name : passThrough) {
            copy(own, env, name);
        }
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.putAll(extra);
    }

    private static void copy(Map<String, String> from, Map<String, String> to, String name) {
        String value = from.get(name);
        if (value != null) {
            to.put(name, value);
        }
    }
}
