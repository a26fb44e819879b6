package io.scalemanager.agent;

import io.scalemanager.agent.config.AgentConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Agent configs for tests: a report every 200 ms, quick retries. */
final class TestConfigs {
    private TestConfigs() {
    }

    static AgentConfig fast(String instance, Path stateDir, long bufferMax, URI... collectors) {
        return new AgentConfig(instance, List.of(collectors), Optional.of(TestCollector.TOKEN), Optional.empty(),
                Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(400), stateDir, bufferMax,
                Map.of(), List.of());
    }
}
