package io.scalemanager.queue.kafka;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.state.Event;
import io.scalemanager.queue.QueueUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The queue while its broker is down and after it is back: a broker of its own, as this test stops it. */
class KafkaOutageTest {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private KafkaBroker broker;
    private KafkaEventPublisher publisher;
    private KafkaEventConsumer consumer;

    @BeforeEach
    void startBroker() throws Exception {
        broker = KafkaBroker.start(dir);
    }

    @AfterEach
    void stopAll() {
        if (consumer != null) {
            consumer.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        broker.close();
    }

    @Test
    void publishFailsWithinTheSendTimeoutWhileKafkaIsDownAndBothSidesRecoverAfterwards() throws Exception {
        KafkaQueueSettings settings = KafkaQueueSettings.defaults(broker.bootstrap())
                .withPartitions(3, 1)
                .withTimeouts(SEND_TIMEOUT, Duration.ofSeconds(4));
        InstancePartitioner partitioner = new InstancePartitioner(KafkaTopic.ensure(settings, Duration.ofSeconds(30)));
        publisher = new KafkaEventPublisher(settings, partitioner, new SimpleMeterRegistry());
        Recorder recorder = new Recorder("A");
        consumer = new KafkaEventConsumer(settings, Clock.systemUTC());
        consumer.start(recorder, recorder);
        Events events = new Events();
        Event before = events.next("vm-1", 1);
        publisher.publish(List.of(before)).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).until(() -> recorder.handled.contains(before));
        assertThat(publisher.available()).isTrue();
        await("the consumer to see its connection").atMost(Duration.ofSeconds(10)).until(consumer::connected);

        broker.stop();
        List<Event> during = List.of(events.next("vm-1", 2), events.next("vm-2", 2));
        long started = System.nanoTime();
        CompletableFuture<Void> failed = publisher.publish(during);
        long returnedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThatThrownBy(() -> failed.get(SEND_TIMEOUT.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(QueueUnavailableException.class)
                .hasMessageContaining("Kafka did not acknowledge within 2000 ms");
        long failedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        // send() may wait up to max.block.ms (= send timeout) for metadata: a stopping broker withdraws it.
        // Bounded by max.block.ms (2 s) plus scheduling; a loaded machine can add more than a second to that.
        assertThat(returnedAfterMs).as("publish() blocks at most max.block.ms")
                .isLessThan(SEND_TIMEOUT.plusSeconds(5).toMillis());
        assertThat(failedAfterMs).isLessThan(SEND_TIMEOUT.plusSeconds(5).toMillis());
        assertThat(publisher.available()).isFalse();
        await("the consumer to notice it lost the broker").atMost(Duration.ofSeconds(30))
                .until(() -> !consumer.connected());

        broker.restart();
        // As the collector does after a failure: the same group again, until Kafka takes it.
        await("Kafka takes events again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    publisher.publish(during).get(SEND_TIMEOUT.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
                    return true;
                });
        assertThat(publisher.available()).isTrue();
        Event after = events.next("vm-1", 3);
        publisher.publish(List.of(after)).get(30, TimeUnit.SECONDS);

        await("the same consumer resumes").atMost(Duration.ofSeconds(60))
                .until(() -> recorder.handled.contains(after) && recorder.handled.containsAll(during));
        List<Long> vm1 = recorder.seqsByInstance.get("vm-1");
        assertThat(vm1.get(0)).isEqualTo(before.seq());
        assertThat(vm1.get(vm1.size() - 1)).isEqualTo(after.seq());
        assertThat(vm1).isSorted();
        // Looked at once a second, so the last look may predate the reconnection.
        await("the consumer to see its connection again").atMost(Duration.ofSeconds(10)).until(consumer::connected);
    }
}
