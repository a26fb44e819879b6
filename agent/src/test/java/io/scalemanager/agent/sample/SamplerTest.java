package io.scalemanager.agent.sample;

import io.scalemanager.agent.config.CustomMetric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SamplerTest {
    @TempDir
    Path dir;

    @Test
    void customMetricsTakeTheFirstNumberOfACommandOrAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("temp"), "47500\n");
        Sampler sampler = new Sampler(List.of(
                new CustomProbe(new CustomMetric("queue", List.of("/bin/sh", "-c", "echo 'depth: 12.5 items'"), null),
                        Duration.ofSeconds(5)),
                new CustomProbe(new CustomMetric("temp", null, file), Duration.ofSeconds(5))));
        assertThat(sampler.sample()).containsExactly(Map.entry("queue", 12.5), Map.entry("temp", 47500.0));
    }

    @Test
    void failingProbeIsLeftOutAndTheOthersStillCount() throws Exception {
        Sampler sampler = new Sampler(List.of(
                new CustomProbe(new CustomMetric("fails", List.of("/bin/sh", "-c", "exit 3"), null),
                        Duration.ofSeconds(5)),
                new CustomProbe(new CustomMetric("words", List.of("/bin/echo", "none"), null), Duration.ofSeconds(5)),
                new CustomProbe(new CustomMetric("slow", List.of("/bin/sleep", "30"), null), Duration.ofMillis(200)),
                new MemoryProbe(Path.of("/proc"))));
        assertThat(sampler.sample()).containsOnlyKeys("ram", "ram_used_mb", "ram_total_mb");
    }

    @Test
    void extraFilesystemGetsItsOwnTypes() throws Exception {
        Map<String, Double> values = new Sampler(List.of(new StorageProbe(dir, "scratch"))).sample();
        assertThat(values).containsOnlyKeys("storage.scratch", "storage_used_gb.scratch", "storage_total_gb.scratch");
        assertThat(values.get("storage.scratch")).isBetween(0.0, 100.0);
    }

    @Test
    void firstNumberReadsSignsDecimalsAndExponents() {
        assertThat(CustomProbe.firstNumber("t=-1.5e3 x").getAsDouble()).isEqualTo(-1500.0);
        assertThat(CustomProbe.firstNumber("nothing")).isEmpty();
    }

    @Test
    void customMetricCommandsDoNotSeeTheAgentsToken() throws Exception {
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("LEFTOVER", "x"));
        CustomProbe.minimalEnvironment(env, java.util.Map.of("PATH", "/usr/bin:/bin", "HOME", "/var/lib/a",
                "SCALEMANAGER_AGENT_TOKEN", "agent-token-value", "SCALEMANAGER_AGENT_CONFIG", "/etc/a.yaml"));
        org.assertj.core.api.Assertions.assertThat(env)
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("PATH", "/usr/bin:/bin", "HOME", "/var/lib/a"));
    }
}
