package io.scalemanager.queue.kafka;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.state.Event;
import io.scalemanager.queue.EventHandler;
import io.scalemanager.queue.PartitionListener;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class KafkaEventConsumerTest {
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    private final Events events = new Events();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private KafkaQueueSettings settings;
    private InstancePartitioner partitioner;
    private KafkaEventPublisher publisher;

    @BeforeEach
    void createTopic() {
        settings = TestKafka.settings(12);
    }

    private void useTopic(KafkaQueueSettings chosen) {
        settings = chosen;
        partitioner = new InstancePartitioner(KafkaTopic.ensure(settings, Duration.ofSeconds(30)));
        publisher = closing(new KafkaEventPublisher(settings, partitioner, new SimpleMeterRegistry()));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    private KafkaEventConsumer consumer(EventHandler handler, PartitionListener listener) {
        KafkaEventConsumer consumer = closing(new KafkaEventConsumer(settings, Clock.systemUTC()));
        consumer.start(handler, listener);
        return consumer;
    }

    private void publish(List<Event> list) throws Exception {
        for (int from = 0; from < list.size(); from += 1000) {
            publisher.publish(list.subList(from, Math.min(list.size(), from + 1000))).get(30, TimeUnit.SECONDS);
        }
    }

    private static Set<Long> seqs(List<Event> list) {
        Set<Long> seqs = new HashSet<>();
        for (Event e : list) {
            seqs.add(e.seq());
        }
        return seqs;
    }

    private static void assertStrictlyIncreasingPerInstance(Recorder recorder) {
        recorder.seqsByInstance.forEach((instance, seqs) -> {
            for (int i = 1; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("%s event %d of %s", recorder, i, instance).isGreaterThan(seqs.get(i - 1));
            }
        });
    }

    @Test
    void keepsEachInstancesOrderAcrossTwelvePartitionsAndTwoMembers() throws Exception {
        useTopic(settings);
        Recorder a = new Recorder("A");
        Recorder b = new Recorder("B");
        consumer(a, a);
        consumer(b, b);
        await("both members hold partitions").atMost(DELIVERY)
                .until(() -> !a.held.isEmpty() && !b.held.isEmpty() && a.held.size() + b.held.size() == 12);

        List<Event> sent = events.interleaved("vm", 200, 50);
        publish(sent);

        Set<Long> expected = seqs(sent);
        await("every event handled").atMost(DELIVERY).until(() -> {
            Set<Long> union = new HashSet<>(a.handledSeqs());
            union.addAll(b.handledSeqs());
            return union.containsAll(expected);
        });
        assertStrictlyIncreasingPerInstance(a);
        assertStrictlyIncreasingPerInstance(b);
        assertThat(a.handled).isNotEmpty();
        assertThat(b.handled).isNotEmpty();
        assertThat(a.violations).isEmpty();
        assertThat(b.violations).isEmpty();
    }

    @Test
    void newMemberIsAssignedMovedPartitionsOnlyAfterTheOldOwnerRevokedThem() throws Exception {
        useTopic(settings);
        List<String> journal = new CopyOnWriteArrayList<>();
        Recorder a = new Recorder("A", journal);
        Recorder b = new Recorder("B", journal);
        consumer(a, a);
        await("A holds every partition").atMost(DELIVERY).until(() -> a.held.size() == 12);
        List<Event> first = events.interleaved("vm", 60, 5);
        publish(first);
        await("A handled the first events").atMost(DELIVERY).until(() -> a.handledSeqs().containsAll(seqs(first)));

        consumer(b, b);
        await("the partitions are shared").atMost(DELIVERY)
                .until(() -> !b.held.isEmpty() && a.held.size() + b.held.size() == 12);
        Set<Integer> moved = Set.copyOf(b.held);
        assertThat(a.everRevoked).isEqualTo(moved);
        for (int p : moved) {
            assertThat(indexOf(journal, "A revoked", p)).as("partition %d revoked by A before B gets it", p)
                    .isLessThan(indexOf(journal, "B assigned", p));
        }

        List<Event> second = events.interleaved("vm", 60, 5);
        publish(second);
        await("every second event handled").atMost(DELIVERY).until(() -> {
            Set<Long> union = new HashSet<>(a.handledSeqs());
            union.addAll(b.handledSeqs());
            return union.containsAll(seqs(second));
        });
        for (Event e : second) {
            int p = partitioner.partitionOf(e.instance());
            assertThat(moved.contains(p) ? b.handledSeqs() : a.handledSeqs()).as("event of partition %d", p)
                    .contains(e.seq());
        }
        assertThat(a.violations).isEmpty();
        assertThat(b.violations).isEmpty();
        assertStrictlyIncreasingPerInstance(b);
    }

    private static int indexOf(List<String> journal, String prefix, int partition) {
        for (int i = 0; i < journal.size(); i++) {
            String line = journal.get(i);
            if (line.startsWith(prefix) && line.matches(".*[\\[ ,]" + partition + "[,\\]].*")) {
                return i;
            }
        }
        throw new AssertionError("no '" + prefix + "' for partition " + partition + " in " + journal);
    }

    /**
     * The crash is real: member A runs in its own JVM and is killed with SIGKILL while it holds an event in its
     * handler, so it neither commits nor leaves the group. The group notices by A's session timeout (2 s).
     */
    @Test
    void crashedMembersUnhandledEventsGoToTheSurvivor() throws Exception {
        useTopic(settings);
        String stallOn = "vm-7";
        Process a = ChildJvm.of(List.of("-Xmx128m", "-XX:+UseSerialGC"), ConsumerProcess.class.getName(),
                settings.bootstrapServers(), settings.topic(), settings.consumerGroup(), stallOn)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        closing(a::destroyForcibly);
        List<String> said = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readLines(a, said), "member-A-output");
        reader.setDaemon(true);
        reader.start();
        await("A holds every partition").atMost(DELIVERY).until(() -> said.contains("assigned 12"));

        List<Event> early = events.interleaved("early", 60, 5);
        publish(early);
        await("A handles events that do not stall it").atMost(DELIVERY)
                .until(() -> handledBy(said).containsAll(seqs(early)));
        List<Event> late = events.interleaved("vm", 60, 10);
        publish(late);
        await("A stalls on " + stallOn).atMost(DELIVERY)
                .until(() -> said.stream().anyMatch(l -> l.startsWith("stalled")));
        a.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Set<Long> handledByA = handledBy(said);
        long stalled = Long.parseLong(said.stream().filter(l -> l.startsWith("stalled")).findFirst().orElseThrow()
                .split(" ")[2]);

        Recorder b = new Recorder("B");
        consumer(b, b);
        List<Event> sent = new ArrayList<>(early);
        sent.addAll(late);
        Set<Long> notHandledByA = seqs(sent);
        notHandledByA.removeAll(handledByA);
        await("B receives everything A did not handle").atMost(DELIVERY)
                .until(() -> b.handledSeqs().containsAll(notHandledByA));
        assertThat(notHandledByA).contains(stalled);
        assertThat(handledByA).containsAll(seqs(early));
        assertThat(b.held).hasSize(12);
        assertStrictlyIncreasingPerInstance(b);
        assertThat(b.violations).isEmpty();
    }

    private static void readLines(Process process, List<String> lines) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (java.io.IOException ignored) {
            // the process was killed
        }
    }

    private static Set<Long> handledBy(List<String> said) {
        Set<Long> seqs = new HashSet<>();
        for (String line : said) {
            if (line.startsWith("handled ")) {
                seqs.add(Long.parseLong(line.split(" ")[2]));
            }
        }
        return seqs;
    }

    @Test
    void failedEventIsOfferedAgainBeforeLaterEventsOfItsPartition() throws Exception {
        useTopic(settings);
        String failing = "vm-0";
        String other = firstInstanceNotOnPartitionOf(failing);
        List<Event> failingEvents = new ArrayList<>();
        List<Event> otherEvents = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            failingEvents.add(events.next(failing, i));
            otherEvents.add(events.next(other, i));
        }
        Event poisoned = failingEvents.get(2);
        List<String> attempts = new CopyOnWriteArrayList<>();
        AtomicBoolean failedOnce = new AtomicBoolean();
        Recorder recorder = new Recorder("A");
        EventHandler handler = (partition, event) -> {
            attempts.add(event.instance() + " " + event.seq());
            if (event.seq() == poisoned.seq() && failedOnce.compareAndSet(false, true)) {
                throw new IllegalStateException("the ActionLog is down");
            }
            recorder.handle(partition, event);
        };
        consumer(handler, recorder);
        await().atMost(DELIVERY).until(() -> recorder.held.size() == 12);
        List<Event> all = new ArrayList<>(failingEvents);
        all.addAll(otherEvents);
        publish(all);

        await("every event handled").atMost(DELIVERY).until(() -> recorder.handledSeqs().containsAll(seqs(all)));
        List<String> failingAttempts = attempts.stream().filter(a -> a.startsWith(failing + " ")).toList();
        List<String> expected = new ArrayList<>();
        for (Event e : failingEvents) {
            expected.add(failing + " " + e.seq());
        }
        expected.add(3, failing + " " + poisoned.seq()); // the second offer of the failed event, before the rest
        assertThat(failingAttempts).containsExactlyElementsOf(expected);
        assertThat(recorder.seqsByInstance.get(failing))
                .containsExactlyElementsOf(seqs(failingEvents).stream().sorted().toList());
        // The pause holds back only the failed partition: the other instance's events were not waiting for it.
        int retry = attempts.lastIndexOf(failing + " " + poisoned.seq());
        assertThat(attempts.indexOf(other + " " + otherEvents.get(4).seq())).isLessThan(retry);
    }

    private String firstInstanceNotOnPartitionOf(String instance) {
        int partition = partitioner.partitionOf(instance);
        for (int i = 1; ; i++) {
            if (partitioner.partitionOf("vm-" + i) != partition) {
                return "vm-" + i;
            }
        }
    }

    @Test
    void eventsHandledBeforeACleanCloseAreNotDeliveredAgain() throws Exception {
        useTopic(settings.withPartitions(1, 1));
        List<Event> sent = events.interleaved("vm", 1, 100);
        Event stopAt = sent.get(30);
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Recorder a = new Recorder("A");
        KafkaEventConsumer consumerA = consumer((partition, event) -> {
            if (event.seq() == stopAt.seq()) {
                reached.countDown();
                awaitUninterruptibly(release);
            }
            a.handle(partition, event);
        }, a);
        publish(sent);
        assertThat(reached.await(DELIVERY.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // Close while event 30 is in hand: the member finishes it, commits, and handles nothing after it.
        Thread closer = new Thread(consumerA::close, "closer");
        closer.start();
        await("close() waits for the poll thread").atMost(Duration.ofSeconds(10))
                .until(() -> closer.getState() == Thread.State.TIMED_WAITING);
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(closer.isAlive()).isFalse();
        assertThat(a.handled).containsExactlyElementsOf(sent.subList(0, 31));

        Recorder b = new Recorder("B");
        consumer(b, b);
        await("B receives the rest").atMost(DELIVERY).until(() -> b.handled.size() >= 69);
        assertThat(b.handled).containsExactlyElementsOf(sent.subList(31, 100));
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void undecodableRecordIsSkippedAndLaterEventsArrive() throws Exception {
        useTopic(settings.withPartitions(1, 1));
        Recorder a = new Recorder("A");
        consumer(a, a);
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers", settings.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(settings.topic(), 0, null, "not an event".getBytes(StandardCharsets.UTF_8)))
                    .get(60, TimeUnit.SECONDS);
        }
        List<Event> sent = events.interleaved("vm", 3, 3);
        publish(sent);

        await().atMost(DELIVERY).until(() -> a.handled.size() >= sent.size());
        assertThat(a.handled).containsExactlyElementsOf(sent);
    }

    @Test
    void lagIsTheAgeOfTheEventWaitingForARetryAndZeroWhenCaughtUp() throws Exception {
        useTopic(settings.withPartitions(2, 1));
        AtomicBoolean failing = new AtomicBoolean(true);
        AtomicInteger offers = new AtomicInteger();
        Recorder a = new Recorder("A");
        KafkaEventConsumer consumer = consumer((partition, event) -> {
            offers.incrementAndGet();
            if (failing.get()) {
                throw new IllegalStateException("cannot decide yet");
            }
            a.handle(partition, event);
        }, a);
        await().atMost(DELIVERY).until(() -> a.held.size() == 2);
        assertThat(consumer.lagMillis()).isZero();

        publish(List.of(events.next("vm-1", 1)));
        await("the event waits for more than a second").atMost(DELIVERY)
                .until(() -> offers.get() >= 2 && consumer.lagMillis() > 1000);
        assertThat(consumer.lagMillis()).as("the age of the waiting event, not of the epoch").isLessThan(120_000);
        failing.set(false);
        await("caught up").atMost(DELIVERY).until(() -> a.handled.size() == 1 && consumer.lagMillis() == 0);
    }

    @Test
    void theClientsOwnMetricsArePublished() throws Exception {
        useTopic(settings.withPartitions(2, 1));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KafkaEventPublisher measured = closing(new KafkaEventPublisher(settings, partitioner, registry));
        Recorder a = new Recorder("A");
        closing(new KafkaEventConsumer(settings, Clock.systemUTC(), registry)).start(a, a);
        List<Event> sent = events.interleaved("vm", 2, 5);
        measured.publish(sent).get(30, TimeUnit.SECONDS);
        await().atMost(DELIVERY).until(() -> a.handled.size() >= sent.size());

        assertThat(registry.find("kafka.producer.record.send.total").functionCounter())
                .as("the producer's records sent").isNotNull()
                .satisfies(c -> assertThat(c.count()).isGreaterThanOrEqualTo(sent.size()));
        await("the consumer's fetch metrics").atMost(DELIVERY).untilAsserted(() ->
                assertThat(registry.find("kafka.consumer.fetch.manager.records.consumed.total").functionCounters())
                        .isNotEmpty()
                        .anySatisfy(c -> assertThat(c.count()).isGreaterThanOrEqualTo(sent.size())));
    }
}
