package io.scalemanager.queue.kafka;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaQueueSettingsTest {
    private final KafkaQueueSettings defaults = KafkaQueueSettings.defaults("k1:9092, k2:9093");

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(defaults.bootstrapServers()).isEqualTo("k1:9092,k2:9093");
        assertThat(defaults.topic()).isEqualTo("scalemanager-events");
        assertThat(defaults.partitions()).isEqualTo(12);
        assertThat(defaults.replicationFactor()).isEqualTo(3);
        assertThat(defaults.consumerGroup()).isEqualTo("scalemanager-manager");
        assertThat(defaults.sendTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void rejectsBadValuesNamingTheSetting() {
        assertThatThrownBy(() -> KafkaQueueSettings.defaults("k1"))
                .hasMessageContaining("bootstrapServers=k1").hasMessageContaining("host:port");
        assertThatThrownBy(() -> defaults.withTopic("events/2"))
                .hasMessageContaining("topic=events/2").hasMessageContaining("'/'");
        assertThatThrownBy(() -> defaults.withPartitions(0, 1)).hasMessageContaining("partitions=0");
        assertThatThrownBy(() -> defaults.withTimeouts(Duration.ofMillis(10), Duration.ofSeconds(10)))
                .hasMessageContaining("sendTimeout=PT0.01S");
        assertThatThrownBy(() -> defaults.withClientProperties(Map.of("enable.auto.commit", "true")))
                .hasMessageContaining("clientProperties.enable.auto.commit").hasMessageContaining("cannot be overridden");
    }

    @Test
    void passesClientPropertiesToEveryClient() {
        KafkaQueueSettings tls = defaults.withClientProperties(Map.of("security.protocol", "SSL",
                "ssl.truststore.location", "/etc/scalemanager/kafka.jks"));

        assertThat(KafkaEventPublisher.producerConfig(tls)).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", "/etc/scalemanager/kafka.jks");
        assertThat(KafkaEventConsumer.consumerConfig(tls)).containsEntry("security.protocol", "SSL");
        assertThat(tls.clientConfig()).containsEntry("bootstrap.servers", "k1:9092,k2:9093");
    }

    @Test
    void producerTimeoutsFitKafkasConstraint() {
        Map<String, Object> config = KafkaEventPublisher.producerConfig(defaults);

        int delivery = (int) config.get("delivery.timeout.ms");
        int linger = (int) config.get("linger.ms");
        int request = (int) config.get("request.timeout.ms");
        assertThat(delivery).isEqualTo(5000).isGreaterThanOrEqualTo(linger + request);
        assertThat(config).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .containsEntry("max.block.ms", 5000L)
                // KAFKA-14359: with more in flight, a partition's failed first batch can be refused forever.
                .containsEntry("max.in.flight.requests.per.connection", 1);
    }
}
