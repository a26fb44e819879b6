package io.scalemanager.server.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scalemanager config} prints the effective configuration with the source of each value, secrets masked;
 * {@code --help} shows the values a command would use, not the built-in ones.
 */
class ConfigCommandIT {
    @TempDir
    Path dir;

    private void writeConfigFile() throws Exception {
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("config/scalemanager.yaml"), """
                data: ./var/sm
                rules: config/mine.yaml
                db:
                  password: file-secret
                """);
    }

    @Test
    void configPrintsEachValueWithItsSourceAndMasksSecrets() throws Exception {
        writeConfigFile();
        String out = Launcher.run(dir, Map.of("SCALEMANAGER_JAVA_OPTS", Launcher.SMALL_JVM,
                "SCALEMANAGER_QUEUE_PARTITIONS", "7", "SCALEMANAGER_API_TOKEN", "env-secret",
                "SCALEMANAGER_MANAGER_PEER_TOKEN", "peer-secret"),
                List.of("config", "--listen", "127.0.0.1:9999"));

        assertThat(out).contains("| `listen` | `127.0.0.1:9999` | the command line |")
                .contains("| `data` | `./var/sm` | config file config/scalemanager.yaml |")
                .contains("| `queue.partitions` | `7` | environment variable SCALEMANAGER_QUEUE_PARTITIONS |")
                .contains("| `db.pool_size` | `10` | the default |")
                .contains("| `db.password` | `********` | config file config/scalemanager.yaml |")
                .contains("| `api.token` | `********` | environment variable SCALEMANAGER_API_TOKEN |")
                .contains("| `manager.peer_token` | `********` | environment variable SCALEMANAGER_MANAGER_PEER_TOKEN |")
                .doesNotContain("file-secret").doesNotContain("env-secret").doesNotContain("peer-secret");
        assertThat(Launcher.run(dir, Map.of("SCALEMANAGER_JAVA_OPTS", Launcher.SMALL_JVM), List.of("config", "--keys")))
                .contains("| `db.pool_size` | `SCALEMANAGER_DB_POOL_SIZE` | `10` |");
    }

    @Test
    void helpShowsTheEffectiveDefaults() throws Exception {
        writeConfigFile();
        Map<String, String> env = Map.of("SCALEMANAGER_JAVA_OPTS", Launcher.SMALL_JVM,
                "SCALEMANAGER_LISTEN", "127.0.0.1:8181");
        String run = Launcher.run(dir, env, List.of("run", "--help")).replaceAll("\\s+", " ");
        assertThat(run).contains("now ./var/sm from config file config/scalemanager.yaml")
                .contains("now config/mine.yaml from config file config/scalemanager.yaml")
                .contains("now 127.0.0.1:8181 from environment variable SCALEMANAGER_LISTEN");
        String demo = Launcher.run(dir, env, List.of("demo", "--help")).replaceAll("\\s+", " ");
        assertThat(demo).contains("now the built-in demo ruleset").contains("now ./data/demo");
    }
}
