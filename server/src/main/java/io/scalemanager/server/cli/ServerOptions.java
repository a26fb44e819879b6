package io.scalemanager.server.cli;

import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.config.Settings;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The options every server subcommand takes; each is also a config key and an environment variable. */
public final class ServerOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (env SCALEMANAGER_CONFIG; "
            + "default config/scalemanager.yaml if present)")
    Path config;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "address to serve HTTP on "
            + "(now ${sys:scalemanager.effective.listen:-127.0.0.1:8080})")
    String listen;

    @Option(names = "--data", paramLabel = "DIR", description = "directory of the embedded database "
            + "(now ${sys:scalemanager.effective.data:-./data})")
    String data;

    @Option(names = "--rules", paramLabel = "FILE", description = "ruleset file "
            + "(now ${sys:scalemanager.effective.rules:-config/rules.yaml})")
    String rules;

    @Option(names = "--db-url", paramLabel = "URL", description = "JDBC URL "
            + "(now ${sys:scalemanager.effective.db.url:-an H2 file in the data directory})")
    String dbUrl;

    @Option(names = "--kafka", paramLabel = "HOST:PORT,...", description = "Kafka bootstrap servers "
            + "(now ${sys:scalemanager.effective.queue.kafka.bootstrap:-none: the embedded queue})")
    String kafka;

    @Option(names = "--verbose", description = "on a start-up failure, also log its stack trace")
    boolean verbose;

    public Settings load() {
        return load(System.getenv());
    }

    /** The settings these flags, the given environment, the config file and the defaults make. */
    Settings load(Map<String, String> environment) {
        Map<String, String> flags = new HashMap<>();
        flags.put(ConfigKeys.LISTEN.key(), listen);
        flags.put(ConfigKeys.DATA.key(), data);
        flags.put(ConfigKeys.RULES.key(), rules);
        flags.put(ConfigKeys.DB_URL.key(), dbUrl);
        flags.put(ConfigKeys.KAFKA_BOOTSTRAP.key(), kafka);
        return new ConfigLoader(environment).load(Optional.ofNullable(config), flags);
    }
}
