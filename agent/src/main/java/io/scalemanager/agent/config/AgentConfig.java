package io.scalemanager.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The agent's resolved settings: defaults, then the YAML file, then environment, then flags. */
public record AgentConfig(
        String instance,
        List<URI> collectors,
        Optional<String> token,
        Optional<Path> caFile,
        Duration interval,
        Duration timeout,
        Duration backoffMax,
        Path stateDir,
        long bufferMaxBytes,
        Map<String, Path> filesystems,
        List<CustomMetric> metrics,
        Optional<Path> tlsCert,
        Optional<Path> tlsKey) {

    /** Without a client certificate. */
    public AgentConfig(String instance, List<URI> collectors, Optional<String> token, Optional<Path> caFile,
                       Duration interval, Duration timeout, Duration backoffMax, Path stateDir, long bufferMaxBytes,
                       Map<String, Path> filesystems, List<CustomMetric> metrics) {
        this(instance, collectors, token, caFile, interval, timeout, backoffMax, stateDir, bufferMaxBytes,
                filesystems, metrics, Optional.empty(), Optional.empty());
    }
}
