package io.scalemanager.queue.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class InstancePartitionerTest {

    @Test
    void agreesWithKafkasDefaultPartitionerForKeyedRecords() throws Exception {
        KafkaQueueSettings settings = TestKafka.settings(12);
        int partitions = KafkaTopic.ensure(settings, Duration.ofSeconds(30));
        InstancePartitioner partitioner = new InstancePartitioner(partitions);
        Set<Integer> seen = new HashSet<>();

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", settings.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 200; i++) {
                String instance = "vm-" + i + ".example.org";
                // No partition given: Kafka's default partitioner picks it from the key.
                RecordMetadata written = producer.send(new ProducerRecord<>(settings.topic(), instance, "x"))
                        .get(60, TimeUnit.SECONDS);
                assertThat(written.partition()).as(instance).isEqualTo(partitioner.partitionOf(instance));
                seen.add(written.partition());
            }
        }
        assertThat(seen).hasSize(12);
    }
}
