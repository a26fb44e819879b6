package io.scalemanager.queue.kafka;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaTopicTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void anExistingTopicsPartitionCountWins() {
        KafkaQueueSettings settings = TestKafka.settings(3);
        assertThat(KafkaTopic.ensure(settings, TIMEOUT)).isEqualTo(3);

        assertThat(KafkaTopic.ensure(settings.withPartitions(12, 1), TIMEOUT)).isEqualTo(3);
    }

    /**
     * Collectors and managers start together and all ensure the same new topic. The losers of the race, and
     * the winner right after its creation, may find the topic not yet in the broker's metadata; CI once failed
     * on that "does not host this topic-partition". Every process must instead get the count.
     */
    @Test
    void processesCreatingTheSameNewTopicAtOnceAllGetItsPartitionCount() throws Exception {
        ExecutorService processes = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 15; round++) {
                KafkaQueueSettings settings = TestKafka.settings(6);
                List<CompletableFuture<Integer>> counts = new ArrayList<>();
                for (int p = 0; p < 4; p++) {
                    counts.add(CompletableFuture.supplyAsync(() -> KafkaTopic.ensure(settings, TIMEOUT), processes));
                }
                for (CompletableFuture<Integer> count : counts) {
                    assertThat(count.get(60, TimeUnit.SECONDS)).as(settings.topic()).isEqualTo(6);
                }
            }
        } finally {
            processes.shutdownNow();
        }
    }
}
