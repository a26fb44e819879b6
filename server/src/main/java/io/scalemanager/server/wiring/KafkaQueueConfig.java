package io.scalemanager.server.wiring;

import io.scalemanager.queue.kafka.KafkaQueueSettings;
import io.scalemanager.queue.kafka.KafkaTopic;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.server.config.Settings;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** The queue.kafka.* keys, and the topic check every Kafka process makes before it starts. */
final class KafkaQueueConfig {
    /** Start-up waits this long for Kafka to answer before it gives up with a message. */
    private static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(30);

    private KafkaQueueConfig() {
    }

    /** The Kafka queue's settings, or empty when queue.kafka.bootstrap is not set (the embedded queue). */
    static Optional<KafkaQueueSettings> read(Settings settings) {
        Optional<String> bootstrap = settings.optional(ConfigKeys.KAFKA_BOOTSTRAP).filter(b -> !b.isBlank());
        if (bootstrap.isEmpty()) {
            return Optional.empty();
        }
        String topic = settings.string(ConfigKeys.KAFKA_TOPIC);
        int partitions = settings.integer(ConfigKeys.KAFKA_PARTITIONS, 1, 10_000);
        int replication = settings.integer(ConfigKeys.KAFKA_REPLICATION, 1, 100);
        String group = settings.string(ConfigKeys.KAFKA_GROUP);
        Duration sendTimeout = settings.duration(ConfigKeys.KAFKA_SEND_TIMEOUT);
        Duration sessionTimeout = settings.duration(ConfigKeys.KAFKA_SESSION_TIMEOUT);
        Map<String, String> clientProperties = settings.optional(ConfigKeys.KAFKA_CLIENT_CONFIG)
                .map(KafkaQueueConfig::clientProperties).orElse(Map.of());
        try {
            return Optional.of(new KafkaQueueSettings(bootstrap.get(), topic, partitions, replication, group,
                    sendTimeout, sessionTimeout, clientProperties));
        } catch (IllegalArgumentException e) {
            throw new StartupException("config keys 'queue.kafka.*': " + e.getMessage());
        }
    }

    private static Map<String, String> clientProperties(String file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(file))) {
            properties.load(in);
        } catch (IOException e) {
            throw new StartupException("config key 'queue.kafka.client_config': cannot read " + file + ": "
                    + e.getMessage());
        }
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }

    /**
     * Creates the topic when missing and returns its real partition count. A refused login or a missing
     * permission is the client config's to fix, anything else (no answer, unknown host) the bootstrap's.
     */
    static int ensureTopic(KafkaQueueSettings kafka) {
        try {
            return KafkaTopic.ensure(kafka, TOPIC_CHECK_TIMEOUT);
        } catch (IllegalStateException e) {
            boolean credentials = e.getCause() instanceof AuthenticationException
                    || e.getCause() instanceof AuthorizationException;
            String key = credentials ? ConfigKeys.KAFKA_CLIENT_CONFIG.key() : ConfigKeys.KAFKA_BOOTSTRAP.key();
            throw new StartupException("config key '" + key + "': " + e.getMessage());
        }
    }
}
