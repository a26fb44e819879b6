package io.scalemanager.core.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which external commands this machine has, for tests that need one: {@code @EnabledIf(
 * "io.scalemanager.core.process.Installed#virsh")}. On a developer's machine without it the test is skipped;
 * CI installs it (.ci/run) and fails if it cannot.
 */
public final class Installed {
    private Installed() {
    }

    public static boolean virsh() {
        return onPath("virsh");
    }

    /** Debian's {@code chromium} and {@code chromium-driver}: the dashboard's browser tests. */
    public static boolean chromium() {
        return onPath("chromium") && onPath("chromedriver");
    }

    /** Prometheus's {@code promtool} (Debian package {@code prometheus}). */
    public static boolean promtool() {
        return onPath("promtool");
    }

    public static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
