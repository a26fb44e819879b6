package io.scalemanager.agent.sample;

import java.io.IOException;
import java.util.Map;

/** One source of values (cpu, memory, a filesystem, a custom metric): adds its types to a sample set. */
public interface Probe {
    void sample(Map<String, Double> into) throws IOException;
}
