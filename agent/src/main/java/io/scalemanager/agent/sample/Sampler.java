package io.scalemanager.agent.sample;

import io.scalemanager.agent.config.AgentConfig;
import io.scalemanager.agent.config.CustomMetric;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/** Takes one sample set from every probe; a failing probe is logged and left out, the others still count. */
public final class Sampler {
    private static final Logger LOG = Logger.getLogger(Sampler.class.getName());

    private final List<Probe> probes;

    public Sampler(List<Probe> probes) {
        this.probes = List.copyOf(probes);
    }

    /** The standard Linux probes, the extra filesystems and the custom metrics of a config. */
    public static Sampler linux(AgentConfig config) throws IOException {
        List<Probe> probes = new ArrayList<>();
        probes.add(new CpuProbe(Path.of("/proc"), Path.of("/sys")));
        probes.add(new MemoryProbe(Path.of("/proc")));
        probes.add(new StorageProbe(Path.of("/"), null));
        config.filesystems().forEach((name, path) -> probes.add(new StorageProbe(path, name)));
        for (CustomMetric m : config.metrics()) {
            probes.add(new CustomProbe(m, config.timeout()));
        }
        return new Sampler(probes);
    }

    /** Values by type, in a stable order; only finite values. */
    public Map<String, Double> sample() {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Probe probe : probes) {
            try {
                probe.sample(values);
            } catch (IOException | RuntimeException e) {
                LOG.warning("sample: " + e.getMessage());
            }
        }
        values.values().removeIf(v -> v == null || !Double.isFinite(v));
        return values;
    }
}
