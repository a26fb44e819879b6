package io.scalemanager.agent.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** ram, ram_used_mb, ram_total_mb from /proc/meminfo. */
public final class MemoryProbe implements Probe {
    private final Path meminfo;

    public MemoryProbe(Path proc) {
        this.meminfo = proc.resolve("meminfo");
    }

    @Override
    public void sample(Map<String, Double> into) throws IOException {
        ProcParsers.memory(Files.readString(meminfo), into);
    }
}
