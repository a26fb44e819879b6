package io.scalemanager.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What /proc and df say, read the way an operator would, to compare the agent's values with. */
final class SystemFacts {
    private SystemFacts() {
    }

    static long meminfoKb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.split("\\s+")[1]);
            }
        }
        throw new AssertionError(field + " not in /proc/meminfo");
    }

    record Df(double totalGb, double usedGb, double usedPercent) {
    }

    /** df -P -k PATH: 1024-byte blocks total, used, available; used% as used / (used + available). */
    static Df df(String path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("df", "-P", "-k", path).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (p.waitFor() != 0) {
            throw new AssertionError("df failed: " + lines);
        }
        String[] f = lines.get(1).trim().split("\\s+");
        double total = Long.parseLong(f[1]);
        double used = Long.parseLong(f[2]);
        double available = Long.parseLong(f[3]);
        double gib = 1024.0 * 1024;
        return new Df(total / gib, used / gib, 100.0 * used / (used + available));
    }
}
