package io.scalemanager.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private AgentConfig load(Map<String, String> env, Map<String, String> flags, String yaml) throws Exception {
        Optional<Path> file = Optional.empty();
        if (yaml != null) {
            file = Optional.of(Files.writeString(dir.resolve("agent.yaml"), yaml));
        }
        return new ConfigLoader(env, () -> "host-1").load(file, flags);
    }

    @Test
    void defaultsNameTheHostAndTheLocalCollector() throws Exception {
        AgentConfig c = load(Map.of(), Map.of(), null);
        assertThat(c.instance()).isEqualTo("host-1");
        assertThat(c.collectors()).containsExactly(URI.create("http://127.0.0.1:8080"));
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.bufferMaxBytes()).isEqualTo(64L << 20);
        assertThat(c.token()).isEmpty();
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverTheFile() throws Exception {
        String yaml = "instance: from-file\ninterval: 30s\ntimeout: 3s\ncollectors: [https://a:8443, https://b:8443/]\n";
        AgentConfig c = load(Map.of("SCALEMANAGER_AGENT_INTERVAL", "20s", "SCALEMANAGER_AGENT_INSTANCE", "from-env"),
                Map.of("instance", "from-flag"), yaml);
        assertThat(c.instance()).isEqualTo("from-flag");
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.collectors()).containsExactly(URI.create("https://a:8443"), URI.create("https://b:8443"));
    }

    @Test
    void filesystemsAndMetricsComeFromTheFile() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        String yaml = "filesystems:\n  data: " + data + "\nmetrics:\n"
                + "  - {type: queue_depth, command: \"echo 3\"}\n"
                + "  - {type: temp, file: /sys/temp}\n"
                + "  - {type: argv, command: [/bin/echo, 4]}\n";
        AgentConfig c = load(Map.of(), Map.of(), yaml);
        assertThat(c.filesystems()).containsEntry("data", data);
        assertThat(c.metrics()).containsExactly(
                new CustomMetric("queue_depth", List.of("/bin/sh", "-c", "echo 3"), null),
                new CustomMetric("temp", null, Path.of("/sys/temp")),
                new CustomMetric("argv", List.of("/bin/echo", "4"), null));
    }

    @Test
    void filesystemsFromTheEnvironmentArePairs() throws Exception {
        AgentConfig c = load(Map.of("SCALEMANAGER_AGENT_FILESYSTEMS", "tmp=/tmp, root=/"), Map.of(), null);
        assertThat(c.filesystems()).containsEntry("tmp", Path.of("/tmp")).containsEntry("root", Path.of("/"));
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "interval|10|option 'interval' (from flag --interval): expected a duration",
            "interval|50ms|expected a duration of at least 100ms",
            "timeout|soon|option 'timeout' (from flag --timeout)",
            "buffer_max|64XB|option 'buffer_max' (from flag --buffer-max): expected a size",
            "buffer_max|1KiB|expected a size of at least 16KiB",
            "collectors|ftp://x|option 'collectors' (from flag --collectors): expected http:// or https:// URLs",
            "collectors|' '|option 'collectors'",
            "instance|web 1|option 'instance' (from flag --instance): expected 1-255 characters",
            "ca_file|/nonexistent.pem|option 'ca_file' (from flag --ca-file): expected a readable file",
            "filesystems|data|expected NAME=PATH pairs",
            "filesystems|data=/nonexistent|expected an existing absolute directory for data",
            "filesystems|da ta=/tmp|expected names of 1-32 characters",
    })
    void badOptionNamesTheKeyTheSourceAndTheValue(String key, String value, String message) {
        assertThatThrownBy(() -> load(Map.of(), Map.of(key, value), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        assertThatThrownBy(() -> load(Map.of("SCALEMANAGER_AGENT_INTERVAL", "often"), Map.of(), null))
                .hasMessageContaining("option 'interval' (from environment variable SCALEMANAGER_AGENT_INTERVAL)")
                .hasMessageContaining("got 'often'");
    }

    @Test
    void shippedConfigFileIsValid() throws Exception {
        AgentConfig c = new ConfigLoader(Map.of(), () -> "host-1").load(Optional.of(Path.of("src/main/dist/agent.yaml")),
                Map.of());
        assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/scalemanager-agent"));
        assertThat(c.collectors()).containsExactly(URI.create("http://127.0.0.1:8080"));
    }

    @Test
    void unknownKeyInTheFileIsAnError() {
        assertThatThrownBy(() -> load(Map.of(), Map.of(), "interval: 10s\nintervall: 5s\n"))
                .hasMessageContaining("unknown option 'intervall'");
    }

    @Test
    void metricWithBothCommandAndFileIsAnError() {
        assertThatThrownBy(() -> load(Map.of(), Map.of(), "metrics:\n  - {type: x, command: a, file: b}\n"))
                .hasMessageContaining("exactly one of 'command' and 'file' for type x");
    }

    @Test
    void invalidYamlAndMissingFileAreErrors() throws Exception {
        assertThatThrownBy(() -> load(Map.of(), Map.of(), "interval: [10s\n")).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), () -> "h").load(Optional.of(dir.resolve("none.yaml")),
                Map.of())).hasMessageContaining("does not exist");
    }

    @Test
    void theTokenIsNeverPrinted() {
        assertThatThrownBy(() -> load(Map.of(), Map.of(), "token: [s3cret]\n"))
                .hasMessageContaining("option 'token'").hasMessageNotContaining("s3cret");
    }

    @Test
    void hostnameThatIsNotAValidInstanceIdAsksForTheOption() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), () -> "bad host").load(Optional.empty(), Map.of()))
                .hasMessageContaining("option 'instance' (from the hostname)");
    }
}
