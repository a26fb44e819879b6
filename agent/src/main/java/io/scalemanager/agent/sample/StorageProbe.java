package io.scalemanager.agent.sample;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * storage (% used as df computes it: used / (used + available to users)), storage_used_gb and
 * storage_total_gb of the filesystem holding a path; extra filesystems get ".NAME" appended to the types.
 */
public final class StorageProbe implements Probe {
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final Path path;
    private final String suffix;

    public StorageProbe(Path path, String name) {
        this.path = path;
        this.suffix = name == null ? "" : "." + name;
    }

    @Override
    public void sample(Map<String, Double> into) throws IOException {
        FileStore store = Files.getFileStore(path);
        long total = store.getTotalSpace();
        long used = total - store.getUnallocatedSpace();
        long available = store.getUsableSpace();
        into.put("storage" + suffix, used + available == 0 ? 0 : 100.0 * used / (used + available));
        into.put("storage_used_gb" + suffix, used / GIB);
        into.put("storage_total_gb" + suffix, total / GIB);
    }
}
