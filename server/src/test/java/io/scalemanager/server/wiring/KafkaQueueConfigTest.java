package io.scalemanager.server.wiring;

import io.scalemanager.queue.kafka.KafkaQueueSettings;
import io.scalemanager.server.config.ConfigException;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The queue.kafka.* keys: read whole, and every bad value stops start-up with the key named. */
class KafkaQueueConfigTest {
    @TempDir
    Path dir;

    private static Settings settings(Map<String, String> env) {
        return new ConfigLoader(env).load(Optional.empty(), Map.of());
    }

    private static Map<String, String> kafka(String... more) {
        Map<String, String> env = new HashMap<>();
        env.put("SCALEMANAGER_KAFKA_BOOTSTRAP", "127.0.0.1:9092, 127.0.0.1:9093");
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void withoutBootstrapServersTheEmbeddedQueueIsUsed() {
        assertThat(KafkaQueueConfig.read(settings(Map.of()))).isEmpty();
    }

    @Test
    void readsEveryKey() throws Exception {
        Path client = dir.resolve("client.properties");
        Files.writeString(client, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");

        KafkaQueueSettings kafka = KafkaQueueConfig.read(settings(kafka(
                "SCALEMANAGER_QUEUE_KAFKA_TOPIC", "events-eu",
                "SCALEMANAGER_QUEUE_KAFKA_PARTITIONS", "24",
                "SCALEMANAGER_QUEUE_KAFKA_REPLICATION_FACTOR", "1",
                "SCALEMANAGER_QUEUE_KAFKA_GROUP", "managers-eu",
                "SCALEMANAGER_QUEUE_KAFKA_SEND_TIMEOUT", "2s",
                "SCALEMANAGER_QUEUE_KAFKA_SESSION_TIMEOUT", "15s",
                "SCALEMANAGER_QUEUE_KAFKA_CLIENT_CONFIG", client.toString()))).orElseThrow();

        assertThat(kafka.topic()).isEqualTo("events-eu");
        assertThat(kafka.partitions()).isEqualTo(24);
        assertThat(kafka.replicationFactor()).isEqualTo(1);
        assertThat(kafka.consumerGroup()).isEqualTo("managers-eu");
        assertThat(kafka.sendTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(kafka.sessionTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(kafka.clientProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void aBadPartitionCountNamesTheKey() {
        assertThatThrownBy(() -> KafkaQueueConfig.read(settings(kafka("SCALEMANAGER_QUEUE_KAFKA_PARTITIONS", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("queue.kafka.partitions");
    }

    @Test
    void aMissingClientConfigFileNamesTheKey() {
        assertThatThrownBy(() -> KafkaQueueConfig.read(settings(kafka(
                "SCALEMANAGER_QUEUE_KAFKA_CLIENT_CONFIG", dir.resolve("missing.properties").toString()))))
                .isInstanceOf(StartupException.class).hasMessageContaining("queue.kafka.client_config");
    }

    @Test
    void aClientConfigCannotTakeOverWhatTheQueueGuarantees() throws Exception {
        Path client = dir.resolve("client.properties");
        Files.writeString(client, "acks=1\n");

        assertThatThrownBy(() -> KafkaQueueConfig.read(settings(kafka(
                "SCALEMANAGER_QUEUE_KAFKA_CLIENT_CONFIG", client.toString()))))
                .isInstanceOf(StartupException.class).hasMessageContaining("queue.kafka").hasMessageContaining("acks");
    }

    @Test
    void aCollectorWriterIdOutOfRangeNamesTheKey() {
        Settings settings = settings(kafka("SCALEMANAGER_COLLECTOR_WRITER_ID", "64"));
        assertThatThrownBy(() -> CollectorParts.Options.read(settings, settings.hostPort(ConfigKeys.LISTEN),
                ServerSettings.database(settings, dir.toString()), ServerSettings.credentials(settings)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("collector.writer_id");
    }
}
