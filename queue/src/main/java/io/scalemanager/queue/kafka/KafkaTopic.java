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
            TopicDescription existing = describe(admin, settings.topic(), timeout);
            int partitions = existing == null ? create(admin, settings, timeout) : existing.partitions().size();
            if (partitions != settings.partitions()) {
                log.warn("Kafka topic {} has {} partitions, the settings ask for {}; using {}",
                        settings.topic(), partitions, settings.partitions(), partitions);
            }
            return partitions;
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
            log.info("Created Kafka topic {} with {} partitions, replication factor {}",
                    settings.topic(), settings.partitions(), settings.replicationFactor());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            // Another process created it between our look and our create: its count is the truth.
        }
        return awaitLeaders(admin, settings.topic(), timeout).partitions().size();
    }

    /**
     * A new topic reaches the broker's metadata, and its partitions get their leaders, a moment after the
     * creation returns; until then a describe may answer "unknown topic". Sends before that are retried by the
     * producer but count against the send timeout, so the first publish could fail for nothing.
     */
    private static TopicDescription awaitLeaders(Admin admin, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            TopicDescription description = describe(admin, topic, timeout);
            if (description != null && description.partitions().stream()
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return description;
            }
            if (System.nanoTime() - deadline > 0) {
                String what = description == null ? "new topic " + topic + " is not known to the broker"
                        : "partitions of new topic " + topic + " have no leader";
                throw new TimeoutException(what + " after " + timeout.toMillis() + " ms");
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

    /** The topic's description, or null when the broker does not know it (yet). */
    private static TopicDescription describe(Admin admin, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }
}
