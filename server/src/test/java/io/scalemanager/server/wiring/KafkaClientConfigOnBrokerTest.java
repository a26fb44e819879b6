package io.scalemanager.server.wiring;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.queue.PartitionListener;
import io.scalemanager.queue.kafka.InstancePartitioner;
import io.scalemanager.queue.kafka.KafkaBroker;
import io.scalemanager.queue.kafka.KafkaEventConsumer;
import io.scalemanager.queue.kafka.KafkaEventPublisher;
import io.scalemanager.queue.kafka.KafkaQueueSettings;
import io.scalemanager.queue.kafka.TestKafka;
import io.scalemanager.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The file named by queue.kafka.client_config reaches every Kafka client: against a real broker's SASL/PLAIN
 * listener, the topic check, the publisher and the consumer all log in with it, and a wrong password stops
 * start-up naming the key to fix.
 */
class KafkaClientConfigOnBrokerTest {
    @TempDir
    Path dir;

    private KafkaQueueSettings settingsWithPassword(String password) throws Exception {
        Path client = dir.resolve("kafka-client.properties");
        Files.writeString(client, String.join("\n",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + KafkaBroker.SASL_USER + "\" password=\"" + password + "\";",
                ""));
        Map<String, String> env = Map.of(
                "SCALEMANAGER_KAFKA_BOOTSTRAP", TestKafka.shared().saslBootstrap(),
                "SCALEMANAGER_QUEUE_KAFKA_TOPIC", TestKafka.unique("sasl-events"),
                "SCALEMANAGER_QUEUE_KAFKA_PARTITIONS", "3",
                "SCALEMANAGER_QUEUE_KAFKA_REPLICATION_FACTOR", "1",
                "SCALEMANAGER_QUEUE_KAFKA_GROUP", TestKafka.unique("sasl-managers"),
                "SCALEMANAGER_QUEUE_KAFKA_SEND_TIMEOUT", "15s",
                "SCALEMANAGER_QUEUE_KAFKA_CLIENT_CONFIG", client.toString());
        return KafkaQueueConfig.read(new ConfigLoader(env).load(Optional.empty(), Map.of())).orElseThrow();
    }

    @Test
    void everyClientLogsInWithTheClientConfig() throws Exception {
        KafkaQueueSettings kafka = settingsWithPassword(KafkaBroker.SASL_PASSWORD);
        assertThat(KafkaQueueConfig.ensureTopic(kafka)).isEqualTo(3);

        List<Event> received = new CopyOnWriteArrayList<>();
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(kafka, new InstancePartitioner(3),
                new SimpleMeterRegistry());
             KafkaEventConsumer consumer = new KafkaEventConsumer(kafka, Clock.systemUTC())) {
            consumer.start((partition, event) -> received.add(event), new PartitionListener() {
                @Override
                public void assigned(Collection<Integer> partitions) {
                }

                @Override
                public void revoked(Collection<Integer> partitions) {
                }
            });
            long now = System.currentTimeMillis();
            Event sent = new Event(EventSequence.firstAt(now), new State("web-sasl", "ram", 81.5, now));
            publisher.publish(List.of(sent)).get(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(60)).until(() -> !received.isEmpty());
            assertThat(received).containsExactly(sent);
        }
    }

    @Test
    void aWrongPasswordStopsStartUpNamingTheClientConfig() throws Exception {
        KafkaQueueSettings kafka = settingsWithPassword("not-the-password");

        assertThatThrownBy(() -> KafkaQueueConfig.ensureTopic(kafka))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("queue.kafka.client_config")
                .hasMessageContaining("Authentication failed")
                .hasMessageNotContaining("not-the-password");
    }
}
