package io.scalemanager.queue.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where and how the distributed queue reaches Kafka. Every value is checked when the record is built, so a bad
 * setting fails at start with its name and value, not later inside a Kafka client.
 *
 * @param bootstrapServers  comma-separated {@code host:port} list
 * @param topic             the topic that carries the events
 * @param partitions        partitions of the topic when this process creates it (an existing topic's count wins)
 * @param replicationFactor replicas of each partition when this process creates the topic
 * @param consumerGroup     the managers' consumer group
 * @param sendTimeout       how long a publish may wait for Kafka's acknowledgement before it fails
 * @param sessionTimeout    how long a silent manager keeps its partitions before the group moves them
 * @param clientProperties  passed unchanged to the producer, consumer and admin clients (TLS, SASL, ...)
 */
public record KafkaQueueSettings(String bootstrapServers, String topic, int partitions, int replicationFactor,
                                 String consumerGroup, Duration sendTimeout, Duration sessionTimeout,
                                 Map<String, String> clientProperties) {

    public static final String DEFAULT_TOPIC = "scalemanager-events";
    public static final int DEFAULT_PARTITIONS = 12;
    public static final int DEFAULT_REPLICATION_FACTOR = 3;
    public static final String DEFAULT_CONSUMER_GROUP = "scalemanager-manager";
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Settings the queue owns: overriding them would break its guarantees (order, durability, commit after
     * handling) or its wiring, so they are refused in {@code clientProperties}.
     */
    static final Set<String> OWNED_PROPERTIES = Set.of(
            "bootstrap.servers", "key.serializer", "value.serializer", "key.deserializer", "value.deserializer",
            "acks", "enable.idempotence", "max.in.flight.requests.per.connection", "delivery.timeout.ms",
            "max.block.ms", "partitioner.class", "group.id", "group.protocol", "enable.auto.commit",
            "auto.offset.reset", "session.timeout.ms", "partition.assignment.strategy");

    private static final Duration MIN_SEND_TIMEOUT = Duration.ofMillis(500);
    private static final Duration MIN_SESSION_TIMEOUT = Duration.ofSeconds(1);
    private static final int MAX_TOPIC_LENGTH = 249;

    public KafkaQueueSettings {
        bootstrapServers = checkBootstrapServers(bootstrapServers);
        checkTopic(topic);
        require(partitions >= 1 && partitions <= 10_000, "partitions", partitions, "must be between 1 and 10000");
        require(replicationFactor >= 1 && replicationFactor <= Short.MAX_VALUE, "replicationFactor",
                replicationFactor, "must be at least 1");
        require(consumerGroup != null && !consumerGroup.isBlank(), "consumerGroup", consumerGroup,
                "must not be blank");
        require(sendTimeout != null && sendTimeout.compareTo(MIN_SEND_TIMEOUT) >= 0, "sendTimeout", sendTimeout,
                "must be at least " + MIN_SEND_TIMEOUT.toMillis() + " ms");
        require(sessionTimeout != null && sessionTimeout.compareTo(MIN_SESSION_TIMEOUT) >= 0, "sessionTimeout",
                sessionTimeout, "must be at least 1 s (brokers also enforce group.min.session.timeout.ms, 6 s by default)");
        require(clientProperties != null, "clientProperties", null, "must not be null (use an empty map)");
        for (Map.Entry<String, String> e : clientProperties.entrySet()) {
            require(e.getKey() != null && e.getValue() != null, "clientProperties", e,
                    "must not hold null keys or values");
            require(!OWNED_PROPERTIES.contains(e.getKey()), "clientProperties." + e.getKey(), e.getValue(),
                    "is set by the queue itself and cannot be overridden");
        }
        clientProperties = Map.copyOf(clientProperties);
    }

    /** The defaults, for a cluster at the given bootstrap servers. */
    public static KafkaQueueSettings defaults(String bootstrapServers) {
        return new KafkaQueueSettings(bootstrapServers, DEFAULT_TOPIC, DEFAULT_PARTITIONS, DEFAULT_REPLICATION_FACTOR,
                DEFAULT_CONSUMER_GROUP, DEFAULT_SEND_TIMEOUT, DEFAULT_SESSION_TIMEOUT, Map.of());
    }

    public KafkaQueueSettings withTopic(String newTopic) {
        return new KafkaQueueSettings(bootstrapServers, newTopic, partitions, replicationFactor, consumerGroup,
                sendTimeout, sessionTimeout, clientProperties);
    }

    public KafkaQueueSettings withPartitions(int newPartitions, int newReplicationFactor) {
        return new KafkaQueueSettings(bootstrapServers, topic, newPartitions, newReplicationFactor, consumerGroup,
                sendTimeout, sessionTimeout, clientProperties);
    }

    public KafkaQueueSettings withConsumerGroup(String newGroup) {
        return new KafkaQueueSettings(bootstrapServers, topic, partitions, replicationFactor, newGroup,
                sendTimeout, sessionTimeout, clientProperties);
    }

    public KafkaQueueSettings withTimeouts(Duration newSendTimeout, Duration newSessionTimeout) {
        return new KafkaQueueSettings(bootstrapServers, topic, partitions, replicationFactor, consumerGroup,
                newSendTimeout, newSessionTimeout, clientProperties);
    }

    public KafkaQueueSettings withClientProperties(Map<String, String> newProperties) {
        return new KafkaQueueSettings(bootstrapServers, topic, partitions, replicationFactor, consumerGroup,
                sendTimeout, sessionTimeout, newProperties);
    }

    /** The configuration every client starts from: where the cluster is, plus the pass-through properties. */
    Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    private static String checkBootstrapServers(String servers) {
        require(servers != null && !servers.isBlank(), "bootstrapServers", servers, "must not be blank");
        StringBuilder normalized = new StringBuilder();
        for (String server : servers.split(",")) {
            String s = server.trim();
            int colon = s.lastIndexOf(':');
            require(colon > 0 && colon < s.length() - 1, "bootstrapServers", servers,
                    "each entry must be host:port, got '" + s + "'");
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            require(port >= 1 && port <= 65535, "bootstrapServers", servers, "port of '" + s + "' must be 1-65535");
            normalized.append(normalized.isEmpty() ? "" : ",").append(s);
        }
        return normalized.toString();
    }

    /** Kafka's own topic name rules, checked here so the message names our setting. */
    private static void checkTopic(String topic) {
        require(topic != null && !topic.isEmpty(), "topic", topic, "must not be empty");
        require(topic.length() <= MAX_TOPIC_LENGTH, "topic", topic, "must be at most " + MAX_TOPIC_LENGTH + " characters");
        require(!topic.equals(".") && !topic.equals(".."), "topic", topic, "must not be '.' or '..'");
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean legal = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == '-';
            require(legal, "topic", topic, "character '" + c + "' is not allowed; use A-Z a-z 0-9 . _ -");
        }
    }

    private static void require(boolean ok, String name, Object value, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("Kafka queue setting " + name + "=" + value + " " + problem);
        }
    }
}
