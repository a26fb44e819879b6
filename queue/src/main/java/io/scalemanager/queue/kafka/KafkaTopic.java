package io.scalemanager.queue.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes sure the events topic exists and tells how many partitions it really has. Collectors and managers both
 * call it at start; whichever comes first creates the topic, the others find it.
 */
public final class KafkaTopic {
    private static final Logger log = LoggerFactory.getLogger(KafkaTopic.class);
    private static final long LEADER_CHECK_INTERVAL_MS = 100;

    private KafkaTopic() {
    }

    /**
     * Creates the topic when it is missing and returns its partition count. An existing topic's count wins over
     * the settings: the partition of an instance depends on it, and every process must agree.
     */
    public static int ensure(KafkaQueueSettings settings, Duration timeout) {
        try (Admin admin = Admin.create(settings.clientConfig())) {
            Integer existing = partitionCount(admin, settings.topic(), timeout);
            if (existing == null) {
                existing = create(admin, settings, timeout);
            }
            if (existing != settings.partitions()) {
                log.warn("Kafka topic {} has {} partitions, the settings ask for {}; using {}",
                        settings.topic(), existing, settings.partitions(), existing);
            }
            return existing;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking Kafka topic " + settings.topic(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + settings.bootstrapServers() + " did not answer within "
                    + timeout.toMillis() + " ms while checking topic " + settings.topic()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot check Kafka topic " + settings.topic() + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    private static int create(Admin admin, KafkaQueueSettings settings, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        NewTopic topic = new NewTopic(settings.topic(), settings.partitions(), (short) settings.replicationFactor())
                .configs(Map.of("min.insync.replicas", String.valueOf(minInsyncReplicas(settings.replicationFactor()))));
        try {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(admin, settings.topic(), timeout);
            log.info("Created Kafka topic {} with {} partitions, replication factor {}",
                    settings.topic(), settings.partitions(), settings.replicationFactor());
            return settings.partitions();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            // Another process created it between our look and our create: its count is the truth.
            Integer count = partitionCount(admin, settings.topic(), timeout);
            if (count == null) {
                throw new IllegalStateException("Kafka says topic " + settings.topic() + " exists but cannot describe it");
            }
            return count;
        }
    }

    /**
     * A new topic's partitions get their leaders a moment after the creation returns; sends before that are
     * retried by the producer but count against the send timeout, so the first publish could fail for nothing.
     */
    private static void awaitLeaders(Admin admin, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            boolean allLed = description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            if (allLed) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("partitions of new topic " + topic + " have no leader after "
                        + timeout.toMillis() + " ms");
            }
            Thread.sleep(LEADER_CHECK_INTERVAL_MS);
        }
    }

    /**
     * With three or more replicas an acknowledged event survives the loss of one broker; with fewer, requiring
     * two in sync would make the queue unavailable as soon as one broker is down.
     */
    static int minInsyncReplicas(int replicationFactor) {
        return replicationFactor >= 3 ? 2 : 1;
    }

    /** The topic's partition count, or null when it does not exist. */
    private static Integer partitionCount(Admin admin, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return description.partitions().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }
}
