package io.scalemanager.history.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.history.EventLog;
import io.scalemanager.history.Sample;
import io.scalemanager.history.SampleStep;
import io.scalemanager.core.condition.ConditionStats;
import io.scalemanager.history.jdbc.JdbcEventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class GroupCommitWriterTest {
    private static final Duration LONG = Duration.ofSeconds(20);
    private static final long T0 = 1_764_067_200_000L;

    @TempDir
    Path dir;
    private Database db;
    private JdbcEventLog realLog;
    private ControllableEventLog log;
    private final List<List<Event>> committed = Collections.synchronizedList(new ArrayList<>());
    private GroupCommitWriter writer;

    @BeforeEach
    void open() {
        db = TestDatabases.h2File(dir);
        realLog = new JdbcEventLog(db.dataSource());
        log = new ControllableEventLog(realLog);
    }

    @AfterEach
    void close() {
        log.release();
        if (writer != null) {
            writer.close();
        }
        db.close();
    }

    private GroupCommitWriter start(int maxRowsPerCommit) {
        writer = new GroupCommitWriter(log, CommitListener.replayedFromEventLog(committed::add), Clock.systemUTC(),
                maxRowsPerCommit, new SimpleMeterRegistry()).start();
        return writer;
    }

    private static State state(String instance, double value) {
        return new State(instance, "ram", value, T0 + (long) value);
    }

    private List<Event> stored() {
        List<Event> all = new ArrayList<>();
        realLog.scan(0, Long.MAX_VALUE, all::add);
        return all;
    }

    private List<Event> listened() {
        synchronized (committed) {
            List<Event> all = new ArrayList<>();
            committed.forEach(all::addAll);
            return all;
        }
    }

    @Test
    void concurrentWritesAreStoredOnceAndHandedOnInSeqOrder() throws Exception {
        start(500);
        int threads = 8;
        int writesPerThread = 60;
        CyclicBarrier go = new CyclicBarrier(threads);
        ConcurrentLinkedQueue<State> returned = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String instance = "web-" + t;
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < writesPerThread; i++) {
                        // Batches of 1..3 states so a group commit mixes requests of different sizes.
                        List<State> batch = new ArrayList<>();
                        for (int k = 0; k <= i % 3; k++) {
                            batch.add(state(instance, i * 10 + k));
                        }
                        writer.write(batch, LONG);
                        returned.addAll(batch);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join(60_000);
        }

        assertThat(errors).isEmpty();
        List<Event> stored = stored();
        List<State> storedStates = stored.stream().map(Event::state).toList();
        assertThat(storedStates).containsExactlyInAnyOrderElementsOf(returned);
        assertThat(new HashSet<>(storedStates)).hasSameSizeAs(storedStates);
        for (int i = 1; i < stored.size(); i++) {
            assertThat(stored.get(i).seq()).isGreaterThan(stored.get(i - 1).seq());
        }
        // The listener saw every committed event once, in seq order, with the seqs that were stored.
        assertThat(listened()).containsExactlyElementsOf(stored);
        // Per writer thread, the order of its own writes is the seq order.
        for (int t = 0; t < threads; t++) {
            String instance = "web-" + t;
            List<Double> values = stored.stream().filter(e -> e.instance().equals(instance))
                    .map(e -> e.state().value()).toList();
            assertThat(values).isSorted();
        }
    }

    @Test
    void seqsContinueAfterWhatTheLogAlreadyHolds() {
        long farFuture = (System.currentTimeMillis() + 3_600_000) * 1000;
        realLog.append(List.of(new Event(farFuture, state("web-1", 1))));
        start(100);

        writer.write(List.of(state("web-1", 2)), LONG);

        assertThat(realLog.lastSeq()).isGreaterThan(farFuture);
        assertThat(stored()).hasSize(2);
    }

    @Test
    void failingLogMakesWriteUnavailableStoresNothingAndTheWriterRecovers() {
        start(100);
        log.failing.set(true);

        assertThatThrownBy(() -> writer.write(List.of(state("web-1", 1), state("web-1", 2)), LONG))
                .isInstanceOf(WriteUnavailableException.class)
                .hasMessageContaining("storage");
        assertThat(stored()).isEmpty();
        assertThat(listened()).isEmpty();

        log.failing.set(false);
        writer.write(List.of(state("web-1", 3)), LONG);

        assertThat(stored()).extracting(Event::state).containsExactly(state("web-1", 3));
        assertThat(listened()).extracting(Event::state).containsExactly(state("web-1", 3));
    }

    @Test
    void aQueueReplayingFromTheEventLogDoesNotFailTheWriteOfDurableStates() {
        writer = new GroupCommitWriter(log, CommitListener.replayedFromEventLog(events -> {
            throw new IllegalStateException("queue is down");
        }), Clock.systemUTC(), 100, new SimpleMeterRegistry()).start();

        writer.write(List.of(state("web-1", 1)), LONG);

        assertThat(stored()).extracting(Event::state).containsExactly(state("web-1", 1));
    }

    @Test
    void aDistributedQueueThatFailsTheSendFailsTheWrite() {
        writer = new GroupCommitWriter(log, events -> CompletableFuture.failedFuture(
                new IllegalStateException("Kafka did not acknowledge within 5s")), Clock.systemUTC(), 100,
                new SimpleMeterRegistry()).start();

        assertThatThrownBy(() -> writer.write(List.of(state("web-1", 1)), LONG))
                .isInstanceOf(WriteUnavailableException.class)
                .hasMessageContaining("queue unavailable").hasMessageContaining("Kafka did not acknowledge");
    }

    @Test
    void aWriteIsAnsweredOnlyWhenTheQueueAcknowledged() throws Exception {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        writer = new GroupCommitWriter(log, events -> ack, Clock.systemUTC(), 100, new SimpleMeterRegistry())
                .start();
        CompletableFuture<Void> write = CompletableFuture.runAsync(
                () -> writer.write(List.of(state("web-1", 1)), LONG));
        await().atMost(10, TimeUnit.SECONDS).until(() -> stored().size() == 1);

        assertThat(write).isNotDone();
        ack.complete(null);
        write.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theNextGroupIsCommittedWhileTheQueueStillTakesThePreviousOne() throws Exception {
        CountDownLatch queueFree = new CountDownLatch(1);
        AtomicInteger handedOn = new AtomicInteger();
        writer = new GroupCommitWriter(log, CommitListener.replayedFromEventLog(events -> {
            handedOn.incrementAndGet();
            try {
                queueFree.await(); // a queue pushing back, e.g. the embedded one while the manager is behind
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), Clock.systemUTC(), 100, new SimpleMeterRegistry()).start();
        CompletableFuture<Void> first = CompletableFuture.runAsync(
                () -> writer.write(List.of(state("web-1", 1)), LONG));
        await().atMost(10, TimeUnit.SECONDS).until(() -> handedOn.get() == 1);

        CompletableFuture<Void> second = CompletableFuture.runAsync(
                () -> writer.write(List.of(state("web-2", 2)), LONG));
        await().atMost(10, TimeUnit.SECONDS).until(() -> stored().size() == 2);

        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        queueFree.countDown();
        CompletableFuture.allOf(first, second).get(10, TimeUnit.SECONDS);
        assertThat(handedOn).hasValue(2);
    }

    @Test
    void writersWithDifferentIdsShareOneEventLogWithoutCollisions() {
        GroupCommitWriter other = new GroupCommitWriter(log, events -> CompletableFuture.completedFuture(null),
                Clock.systemUTC(), 100, 1, new SimpleMeterRegistry()).start();
        try {
            start(100);
            for (int i = 0; i < 50; i++) {
                writer.write(List.of(state("web-1", i)), LONG);
                other.write(List.of(state("web-2", i)), LONG);
            }
        } finally {
            other.close();
        }
        assertThat(stored()).hasSize(100);
        assertThat(stored()).extracting(e -> e.seq() % EventSequence.WRITERS).containsOnly(0L, 1L);
    }

    @Test
    void writeThatTimesOutBeforeTheWriterTookItIsNeverStored() throws Exception {
        start(100);
        log.hold();
        Thread first = new Thread(() -> writer.write(List.of(state("web-1", 1)), LONG));
        first.start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> log.blockedAppends.get() == 1);

        // The writer is inside append for the first request, so this one cannot be taken before it times out.
        assertThatThrownBy(() -> writer.write(List.of(state("web-2", 2)), Duration.ofMillis(200)))
                .isInstanceOf(WriteUnavailableException.class)
                .hasMessageContaining("did not take");

        log.release();
        first.join(10_000);
        assertThat(first.isAlive()).isFalse();
        // A later write returning proves the writer has moved past the abandoned request.
        writer.write(List.of(state("web-3", 3)), LONG);

        assertThat(stored()).extracting(Event::instance).containsExactly("web-1", "web-3");
        assertThat(listened()).extracting(Event::instance).containsExactly("web-1", "web-3");
    }

    @Test
    void whileStorageIsStalledWritesBeyondThePendingBoundAreRefusedAtOnceAndTheRestStored() throws Exception {
        writer = new GroupCommitWriter(log, CommitListener.replayedFromEventLog(committed::add), Clock.systemUTC(), 100,
                0, 3, new SimpleMeterRegistry()).start();
        log.hold();
        Thread first = new Thread(() -> writer.write(List.of(state("web-1", 1)), LONG));
        first.start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> log.blockedAppends.get() == 1);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Thread waiting = writerThread(List.of(state("web-2", 2), state("web-2", 3), state("web-2", 4)), errors);
        await().atMost(10, TimeUnit.SECONDS).until(() -> waiting.getState() == Thread.State.TIMED_WAITING);

        long start = System.nanoTime();
        assertThatThrownBy(() -> writer.write(List.of(state("web-3", 5)), LONG))
                .isInstanceOf(WriteUnavailableException.class)
                .hasMessageContaining("3 states already wait for it (limit 3)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

        log.release();
        first.join(10_000);
        waiting.join(10_000);
        assertThat(errors).isEmpty();
        writer.write(List.of(state("web-4", 6)), LONG);
        assertThat(stored()).extracting(Event::instance).containsExactly("web-1", "web-2", "web-2", "web-2", "web-4");
    }

    @Test
    void closeDrainsWaitingWritesAndRefusesNewOnes() throws Exception {
        start(2);
        log.hold();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Thread blocker = writerThread(List.of(state("web-0", 0)), errors);
        await().atMost(10, TimeUnit.SECONDS).until(() -> log.blockedAppends.get() == 1);
        List<Thread> waiting = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            waiting.add(writerThread(List.of(state("web-" + i, i)), errors));
        }
        // Each waiting writer is parked on its request, i.e. the request is queued.
        await().atMost(10, TimeUnit.SECONDS).until(() ->
                waiting.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING));

        Thread closer = new Thread(writer::close);
        closer.start();
        // Parked joining the writer thread: close has stopped accepting and is waiting for the drain.
        await().atMost(10, TimeUnit.SECONDS).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
        assertThatThrownBy(() -> writer.write(List.of(state("late", 9)), LONG))
                .isInstanceOf(WriteUnavailableException.class)
                .hasMessageContaining("shutting down");
        assertThat(closer.isAlive()).isTrue();

        log.release();
        closer.join(30_000);
        blocker.join(10_000);
        for (Thread t : waiting) {
            t.join(10_000);
        }

        assertThat(closer.isAlive()).isFalse();
        assertThat(errors).isEmpty();
        assertThat(stored()).extracting(Event::instance)
                .containsExactlyInAnyOrder("web-0", "web-1", "web-2", "web-3", "web-4", "web-5");
        // maxRowsPerCommit 2: the five waiting single-state writes needed at least three commits.
        assertThat(committed).hasSizeGreaterThanOrEqualTo(4);
        assertThat(committed).allSatisfy(group -> assertThat(group).hasSizeLessThanOrEqualTo(2));
    }

    private Thread writerThread(List<State> states, ConcurrentLinkedQueue<Throwable> errors) {
        Thread t = new Thread(() -> {
            try {
                writer.write(states, LONG);
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        t.start();
        return t;
    }

    /** The real EventLog, which can be made to fail, or to hold every append at a gate until opened. */
    private static final class ControllableEventLog implements EventLog {
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicInteger blockedAppends = new AtomicInteger();
        private final EventLog delegate;
        private volatile CountDownLatch gate = new CountDownLatch(0);

        ControllableEventLog(EventLog delegate) {
            this.delegate = delegate;
        }

        void hold() {
            gate = new CountDownLatch(1);
        }

        void release() {
            gate.countDown();
        }

        @Override
        public void append(List<Event> events) {
            if (gate.getCount() > 0) {
                blockedAppends.incrementAndGet();
                try {
                    if (!gate.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            if (failing.get()) {
                throw new DatabaseException("injected failure", null);
            }
            delegate.append(events);
        }

        @Override
        public long lastSeq() {
            return delegate.lastSeq();
        }

        @Override
        public List<Sample> samples(String instance, String type, long fromMs, long toMs, int limit) {
            return delegate.samples(instance, type, fromMs, toMs, limit);
        }

        @Override
        public List<SampleStep> steps(String instance, String type, long fromMs, long toMs, long stepMs) {
            return delegate.steps(instance, type, fromMs, toMs, stepMs);
        }

        @Override
        public ConditionStats query(String instance, String type, Operator op, double threshold, long fromMs, long toMs,
                                    int maxRows) {
            return delegate.query(instance, type, op, threshold, fromMs, toMs, maxRows);
        }

        @Override
        public void scan(long afterSeq, long upToSeq, Consumer<Event> consumer) {
            delegate.scan(afterSeq, upToSeq, consumer);
        }

        @Override
        public boolean hasReported(String instance) {
            return delegate.hasReported(instance);
        }
    }
}
