package io.scalemanager.queue.kafka;

import io.scalemanager.queue.PartitionListener;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;

/**
 * A manager's consumer in a JVM of its own, so that a test can kill it as a crash would. It prints each
 * assignment and handled event to standard output, and stops forever inside the handler at the first event of
 * the instance named on the command line, so that it dies with an event in hand.
 *
 * <p>Arguments: bootstrap servers, topic, consumer group, instance to stall on.
 */
final class ConsumerProcess {

    public static void main(String[] args) throws InterruptedException {
        KafkaQueueSettings settings = KafkaQueueSettings.defaults(args[0])
                .withTopic(args[1])
                .withPartitions(KafkaQueueSettings.DEFAULT_PARTITIONS, 1)
                .withConsumerGroup(args[2])
                // A short session, so the group notices the crash within seconds.
                .withTimeouts(KafkaQueueSettings.DEFAULT_SEND_TIMEOUT, Duration.ofSeconds(2));
        String stallOn = args[3];
        CountDownLatch never = new CountDownLatch(1);
        KafkaEventConsumer consumer = new KafkaEventConsumer(settings, Clock.systemUTC());
        consumer.start((partition, event) -> {
            if (event.instance().equals(stallOn)) {
                say("stalled " + partition + " " + event.seq());
                awaitForever(never);
            }
            say("handled " + partition + " " + event.seq());
        }, new PartitionListener() {
            @Override
            public void assigned(Collection<Integer> partitions) {
                say("assigned " + partitions.size());
            }

            @Override
            public void revoked(Collection<Integer> partitions) {
                say("revoked " + partitions.size());
            }
        });
        never.await();
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void awaitForever(CountDownLatch never) {
        try {
            never.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
