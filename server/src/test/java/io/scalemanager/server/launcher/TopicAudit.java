package io.scalemanager.server.launcher;

import io.scalemanager.core.state.Event;
import io.scalemanager.queue.kafka.EventCodec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What the Kafka topic and the managers' consumer group hold, read with plain Kafka clients: the events in the
 * topic, the group's members and their partitions, and how far the group has committed.
 */
final class TopicAudit implements AutoCloseable {
    private final String bootstrap;
    private final String topic;
    private final String group;
    private final Admin admin;

    TopicAudit(String bootstrap, String topic, String group) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.group = group;
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 5000,
                "default.api.timeout.ms", 10000));
    }

    /** The keys ({@link SentState#key()}) of every event in the topic whose instance starts with {@code prefix}. */
    Set<String> eventKeys(String prefix) {
        Set<String> keys = new HashSet<>();
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", false,
                "max.poll.records", 5000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    Event e = EventCodec.decode(r.value());
                    if (e.instance().startsWith(prefix)) {
                        keys.add(SentState.key(e.instance(), e.state().type(), e.state().value()));
                    }
                }
            }
        }
        return keys;
    }

    /** Partition → log-end offset minus the group's committed offset (the whole log when nothing is committed). */
    Map<Integer, Long> uncommitted() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition()))
                .collect(Collectors.toSet());
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        Map<Integer, Long> behind = new TreeMap<>();
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((p, end) -> {
            OffsetAndMetadata c = committed.get(p);
            behind.put(p.partition(), end.offset() - (c == null ? 0 : c.offset()));
        });
        return behind;
    }

    /** Member client host/id → the partitions of the topic it holds now. */
    Map<String, Set<Integer>> assignment() throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS)
                .get(group);
        Map<String, Set<Integer>> byMember = new HashMap<>();
        for (MemberDescription m : d.members()) {
            byMember.put(m.consumerId(), m.assignment().topicPartitions().stream()
                    .filter(p -> p.topic().equals(topic)).map(TopicPartition::partition)
                    .collect(Collectors.toSet()));
        }
        return byMember;
    }

    @Override
    public void close() {
        admin.close();
    }
}
