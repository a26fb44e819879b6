package io.scalemanager.queue.embedded;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.queue.EventHandler;
import io.scalemanager.queue.QueueUnavailableException;
import io.scalemanager.queue.ReplaySource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class EmbeddedQueueTest {
    private static final int PARTITIONS = 4;
    private static final String CONSUMER = "manager";

    @TempDir
    Path dir;
    private Database db;
    private final ListReplaySource source = new ListReplaySource();
    private final List<EmbeddedQueue> queues = new ArrayList<>();
    private long nextSeq = EventSequence.firstAt(System.currentTimeMillis());

    @BeforeEach
    void open() {
        db = TestDatabases.h2File(dir);
    }

    @AfterEach
    void close() {
        for (EmbeddedQueue q : queues) {
            q.close();
        }
        db.close();
    }

    private EmbeddedQueue queue(int capacity) {
        EmbeddedQueue q = new EmbeddedQueue(PARTITIONS, capacity, new OffsetStore(db.dataSource(), CONSUMER), source,
                Clock.systemUTC(), new SimpleMeterRegistry());
        queues.add(q);
        return q;
    }

    /** An event committed to the EventLog (the replay source) now, as the writer does before publishing. */
    private Event commit(String instance, double value) {
        Event e = new Event(++nextSeq, new State(instance, "ram", value, EventSequence.arrivalMs(nextSeq)));
        source.add(e);
        return e;
    }

    private List<Event> commitRoundRobin(int instances, int perInstance) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < perInstance; i++) {
            for (int n = 0; n < instances; n++) {
                events.add(commit("vm-" + n, i));
            }
        }
        return events;
    }

    // --- order ---

    @Test
    void eventsOfEachInstanceArriveInPublishOrderAcrossPartitions() {
        EmbeddedQueue queue = queue(32);
        Recorder recorder = new Recorder();
        queue.start(recorder);
        List<Event> events = commitRoundRobin(200, 25);

        for (int i = 0; i < events.size(); i += 7) {
            queue.publish(events.subList(i, Math.min(events.size(), i + 7)));
        }

        await().atMost(30, TimeUnit.SECONDS).until(() -> recorder.count() == events.size());
        Map<String, List<Long>> byInstance = new HashMap<>();
        for (Delivery d : recorder.deliveries) {
            assertThat(d.partition).isEqualTo(queue.partitionOf(d.event.instance()));
            assertThat(d.thread).isEqualTo("queue-partition-" + d.partition);
            byInstance.computeIfAbsent(d.event.instance(), k -> new ArrayList<>()).add(d.event.seq());
        }
        assertThat(byInstance).hasSize(200);
        for (Map.Entry<String, List<Long>> entry : byInstance.entrySet()) {
            List<Long> expected = events.stream().filter(e -> e.instance().equals(entry.getKey()))
                    .map(Event::seq).toList();
            assertThat(entry.getValue()).as(entry.getKey()).containsExactlyElementsOf(expected);
        }
        // Every partition had work, so order held across partitions, not just within one.
        assertThat(recorder.deliveries.stream().map(d -> d.partition).distinct().count()).isEqualTo(PARTITIONS);
    }

    @Test
    void failedEventIsOfferedAgainBeforeAnythingAfterItInItsPartition() {
        EmbeddedQueue queue = queue(64);
        AtomicReference<Event> poisoned = new AtomicReference<>();
        List<Delivery> attempts = new CopyOnWriteArrayList<>();
        AtomicBoolean failed = new AtomicBoolean();
        Recorder recorder = new Recorder();
        queue.start((p, e) -> {
            attempts.add(new Delivery(p, e, Thread.currentThread().getName()));
            if (e.equals(poisoned.get()) && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("database hiccup");
            }
            recorder.handle(p, e);
        });
        List<Event> events = commitRoundRobin(12, 10);
        poisoned.set(events.get(30));
        int partition = queue.partitionOf(poisoned.get().instance());

        queue.publish(events);

        await().atMost(20, TimeUnit.SECONDS).until(() -> recorder.count() == events.size());
        assertThat(failed).isTrue();
        List<Long> expectedInPartition = events.stream().filter(e -> queue.partitionOf(e.instance()) == partition)
                .map(Event::seq).toList();
        List<Long> expectedAttempts = new ArrayList<>(expectedInPartition);
        expectedAttempts.add(expectedInPartition.indexOf(poisoned.get().seq()), poisoned.get().seq());
        assertThat(attempts.stream().filter(d -> d.partition == partition).map(d -> d.event.seq()).toList())
                .containsExactlyElementsOf(expectedAttempts);
        assertThat(recorder.seqsOf(partition)).containsExactlyElementsOf(expectedInPartition);
        assertThat(recorder.deliveries).filteredOn(d -> d.event.equals(poisoned.get())).hasSize(1);
        // Other partitions were offered each event exactly once.
        assertThat(attempts).hasSize(events.size() + 1);
    }

    // --- offsets and replay ---

    @Test
    void positionsAreSavedWhileRunningWithoutWaitingForClose() {
        EmbeddedQueue queue = queue(64);
        Recorder recorder = new Recorder();
        queue.start(recorder);
        List<Event> events = commitRoundRobin(20, 5);

        queue.publish(events);

        // Idle partitions advance to the last published seq, so a clean restart replays nothing.
        Map<Integer, Long> expected = allPartitionsAt(events.get(events.size() - 1).seq());
        OffsetStore store = new OffsetStore(db.dataSource(), CONSUMER);
        await().atMost(10, TimeUnit.SECONDS).until(() -> store.load().equals(expected));
        assertThat(new OffsetStore(db.dataSource(), "someone-else").load()).isEmpty();
    }

    @Test
    void lowestPositionIsTheLeastDecidedPartitionOfItsConsumerOnly() {
        OffsetStore store = new OffsetStore(db.dataSource(), CONSUMER);
        assertThat(store.lowest()).isEmpty();
        store.save(0, 500);
        store.save(1, 300);
        store.save(2, 900);
        new OffsetStore(db.dataSource(), "someone-else").save(0, 100);

        assertThat(store.lowest()).hasValue(300);
        store.save(1, 700);
        assertThat(store.lowest()).hasValue(500);
    }

    @Test
    void newQueueReplaysExactlyTheEventsAfterTheSavedPositions() {
        EmbeddedQueue first = queue(64);
        Recorder firstRecorder = new Recorder();
        first.start(firstRecorder);
        List<Event> handled = commitRoundRobin(20, 5);
        first.publish(handled);
        await().atMost(10, TimeUnit.SECONDS).until(() -> firstRecorder.count() == handled.size());
        first.close();
        assertThat(new OffsetStore(db.dataSource(), CONSUMER).load())
                .isEqualTo(allPartitionsAt(handled.get(handled.size() - 1).seq()));
        // Committed to the EventLog, but the process died before publishing them.
        List<Event> lost = commitRoundRobin(20, 30);

        EmbeddedQueue second = queue(8); // smaller than the replay, so replay must not deadlock on a full partition
        Recorder secondRecorder = new Recorder();
        second.start(secondRecorder);
        List<Event> live = List.of(commit("vm-3", 1000), commit("vm-7", 1000));
        second.publish(live);

        List<Event> expected = new ArrayList<>(lost);
        expected.addAll(live);
        await().atMost(20, TimeUnit.SECONDS).until(() -> secondRecorder.count() == expected.size());
        assertThat(secondRecorder.events()).containsExactlyInAnyOrderElementsOf(expected);
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            assertThat(secondRecorder.seqsOf(p)).as("partition " + p).containsExactlyElementsOf(
                    expected.stream().filter(e -> second.partitionOf(e.instance()) == partition).map(Event::seq).toList());
        }
    }

    @Test
    void replayStartsAtEachPartitionsOwnPosition() {
        EmbeddedQueue probe = queue(8);
        List<Event> events = commitRoundRobin(40, 10);
        // Each partition stopped at a different point; partition 3 never saved a position.
        Map<Integer, Long> saved = Map.of(
                0, events.get(50).seq(), 1, events.get(120).seq(), 2, events.get(300).seq());
        OffsetStore store = new OffsetStore(db.dataSource(), CONSUMER);
        saved.forEach(store::save);
        long lowest = events.get(50).seq();

        Recorder recorder = new Recorder();
        probe.start(recorder);

        List<Event> expected = events.stream().filter(e -> {
            long after = saved.getOrDefault(probe.partitionOf(e.instance()), lowest);
            return e.seq() > after;
        }).toList();
        await().atMost(20, TimeUnit.SECONDS).until(() -> recorder.count() == expected.size());
        await().during(300, TimeUnit.MILLISECONDS).atMost(5, TimeUnit.SECONDS)
                .until(() -> recorder.count() == expected.size());
        assertThat(recorder.events()).containsExactlyInAnyOrderElementsOf(expected);
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            assertThat(recorder.seqsOf(p)).containsExactlyElementsOf(expected.stream()
                    .filter(e -> probe.partitionOf(e.instance()) == partition).map(Event::seq).toList());
        }
    }

    @Test
    void closeDrainsQueuedEventsBeforeReturningAndSavesTheirPositions() throws Exception {
        EmbeddedQueue queue = queue(256);
        CountDownLatch gate = new CountDownLatch(1);
        Recorder recorder = new Recorder();
        queue.start((p, e) -> {
            pass(gate);
            recorder.handle(p, e);
        });
        List<Event> events = commitRoundRobin(16, 10);
        queue.publish(events);

        AtomicLong handledWhenCloseReturned = new AtomicLong(-1);
        Thread closer = new Thread(() -> {
            queue.close();
            handledWhenCloseReturned.set(recorder.count());
        });
        closer.start();
        // Parked joining the partitions: close has stopped accepting and is waiting for the drain.
        await().atMost(10, TimeUnit.SECONDS).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
        assertThatThrownBy(() -> queue.publish(List.of(commit("late", 1))))
                .isInstanceOf(QueueUnavailableException.class);
        assertThat(closer.isAlive()).isTrue();
        assertThat(recorder.count()).isZero();

        gate.countDown();
        closer.join(30_000);

        assertThat(closer.isAlive()).isFalse();
        assertThat(handledWhenCloseReturned.get()).isEqualTo(events.size());
        assertThat(new OffsetStore(db.dataSource(), CONSUMER).load())
                .isEqualTo(allPartitionsAt(events.get(events.size() - 1).seq()));
    }

    // --- lag ---

    @Test
    void lagIsZeroWhenIdleAndGrowsWhileAHandlerIsStuck() {
        EmbeddedQueue queue = queue(64);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicBoolean blocking = new AtomicBoolean(true);
        Recorder recorder = new Recorder();
        queue.start((p, e) -> {
            if (blocking.get()) {
                pass(gate);
            }
            recorder.handle(p, e);
        });
        assertThat(queue.lagMillis()).isZero();

        try {
            // One event only: the stuck handler holds it, nothing else waits behind it.
            Event old = new Event(EventSequence.firstAt(System.currentTimeMillis() - 10_000),
                    new State("vm-1", "ram", 1, System.currentTimeMillis() - 10_000));
            queue.publish(List.of(old));

            await().atMost(5, TimeUnit.SECONDS).until(() -> queue.lagMillis() >= 10_000);
            assertThat(queue.lagMillis()).as("the age of the held event, not of the epoch").isLessThan(120_000);
        } finally {
            gate.countDown();
        }

        await().atMost(5, TimeUnit.SECONDS).until(() -> recorder.count() == 1);
        await().atMost(5, TimeUnit.SECONDS).until(() -> queue.lagMillis() == 0);
        blocking.set(false);
        queue.publish(commitRoundRobin(10, 10));
        await().atMost(10, TimeUnit.SECONDS).until(() -> recorder.count() == 101);
        await().atMost(5, TimeUnit.SECONDS).until(() -> queue.lagMillis() == 0);
    }

    // --- helpers ---

    private static Map<Integer, Long> allPartitionsAt(long seq) {
        Map<Integer, Long> positions = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            positions.put(p, seq);
        }
        return positions;
    }

    private static void pass(CountDownLatch gate) {
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test gate never opened");
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private record Delivery(int partition, Event event, String thread) {
    }

    /** Records successful handling, in the order it happened. */
    private static final class Recorder implements EventHandler {
        final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

        @Override
        public void handle(int partition, Event event) {
            deliveries.add(new Delivery(partition, event, Thread.currentThread().getName()));
        }

        int count() {
            return deliveries.size();
        }

        List<Event> events() {
            return deliveries.stream().map(Delivery::event).toList();
        }

        List<Long> seqsOf(int partition) {
            return deliveries.stream().filter(d -> d.partition == partition).map(d -> d.event.seq()).toList();
        }
    }

    /** The EventLog as the queue sees it, in memory. */
    private static final class ListReplaySource implements ReplaySource {
        private final Map<Long, Event> events = new ConcurrentHashMap<>();

        void add(Event e) {
            events.put(e.seq(), e);
        }

        @Override
        public long lastSeq() {
            return events.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        }

        @Override
        public void scan(long afterSeq, long upToSeq, Consumer<Event> consumer) {
            events.values().stream().filter(e -> e.seq() > afterSeq && e.seq() <= upToSeq)
                    .sorted(Comparator.comparingLong(Event::seq)).forEach(consumer);
        }
    }
}
