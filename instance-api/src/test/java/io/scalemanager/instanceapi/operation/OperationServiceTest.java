package io.scalemanager.instanceapi.operation;

import io.scalemanager.core.operation.OperationStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.DomainErrors;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.ProviderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OperationServiceTest {
    @TempDir
    Path dir;
    private Database database;
    private OperationStore store;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CountingProvider provider = new CountingProvider();

    @BeforeEach
    void open() {
        database = TestDatabases.h2File(dir);
        store = new OperationStore(database);
    }

    @AfterEach
    void close() {
        provider.release.countDown();
        database.close();
    }

    private OperationService service() {
        return new OperationService(store, provider, () -> Limits.NONE, Clock.systemUTC(), registry,
                new OperationSettings(4, Duration.ofSeconds(5))).start();
    }

    @Test
    void concurrentResizesOfOneInstanceAcceptExactlyOne() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try (OperationService service = service()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                answers.add(clients.submit(() -> {
                    go.await();
                    try {
                        service.submit("web-1", new ResizeRequest("cpu", "abs", Integer.toString(3 + n)),
                                Optional.empty(), new Requester("test", "127.0.0.1"));
                        return 202;
                    } catch (DomainException e) {
                        return DomainErrors.status(e);
                    }
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : answers) {
                statuses.add(f.get());
            }
            assertThat(statuses).filteredOn(s -> s == 202).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 409).hasSize(15);
            provider.release.countDown();
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void databaseRefusesASecondActiveOperationOnAnInstance() {
        Operation first = pending("op-1", "web-1");
        assertThat(store.insert(first)).isEqualTo(OperationStore.InsertResult.INSERTED);
        assertThat(store.insert(pending("op-2", "web-1"))).isEqualTo(OperationStore.InsertResult.INSTANCE_BUSY);
        assertThat(store.insert(pending("op-3", "web-2"))).isEqualTo(OperationStore.InsertResult.INSERTED);

        store.update(first.ended(2, new ResizeResult.Applied(null)));
        assertThat(store.insert(pending("op-4", "web-1"))).isEqualTo(OperationStore.InsertResult.INSERTED);
    }

    @Test
    void aChangeStoredForTheNextRestartIsReadBackAsSuchWithItsNote() {
        Operation op = pending("op-r", "web-1");
        store.insert(op);
        store.update(op.ended(5, ResizeResult.NeedsRestart.because("above the live maximum of 2 vcpus")));
        Operation read = store.find("op-r").orElseThrow();
        assertThat(read.result()).isInstanceOf(ResizeResult.NeedsRestart.class);
        assertThat(read.needsRestart()).isTrue();
        assertThat(read.note()).isEqualTo("config only, needs a restart: above the live maximum of 2 vcpus");

        store.update(op.ended(6, new ResizeResult.Applied("config only, needs a restart, said a provider's own words")));
        assertThat(store.find("op-r").orElseThrow().needsRestart()).as("the kind decides, not the words").isFalse();
        store.update(op.ended(7, new ResizeResult.Failed("refused")));
        assertThat(store.find("op-r").orElseThrow().result()).isEqualTo(new ResizeResult.Failed("refused"));
    }

    @Test
    void changeThatKeepsTheSizeSucceedsAtOnceWithoutAskingTheProvider() {
        try (OperationService service = service()) {
            Operation op = service.submit("web-1", new ResizeRequest("cpu", "abs", "2"), Optional.empty(),
                    new Requester("test", "127.0.0.1"));

            assertThat(op.status()).isEqualTo(OperationStatus.SUCCEEDED);
            assertThat(service.find(op.id())).map(Operation::status).contains(OperationStatus.SUCCEEDED);
            assertThat(provider.resizes).hasValue(0);
            assertThat(registry.counter("scalemanager.operations", "status", "succeeded").count()).isEqualTo(1);
        }
    }

    @Test
    void operationsLeftPendingAreResumedOnStart() {
        store.insert(pending("left-behind", "web-1"));
        provider.release.countDown();

        try (OperationService service = service()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> service.find("left-behind").orElseThrow().status(),
                    OperationStatus::isFinished);
            assertThat(service.find("left-behind")).map(Operation::status).contains(OperationStatus.SUCCEEDED);
            assertThat(service.find("left-behind")).map(Operation::note).contains("counted");
            assertThat(provider.sizes.get("web-1")).isEqualTo(new Size(2, 4096, 50).with(Component.CPU, 4));
        }
    }

    private static Operation pending(String id, String instance) {
        return new Operation(id, instance, Component.CPU, ChangeMode.ABS, 4, 2, 4,
                OperationStatus.PENDING, null, null, 1, null, null, io.scalemanager.core.sizing.RestartPolicy.ALLOWED);
    }

    /** Every instance exists at 2/4096/50; resizes wait for {@link #release}. */
    private static final class CountingProvider implements Provider {
        final Map<String, Size> sizes = new ConcurrentHashMap<>();
        final AtomicInteger resizes = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Optional<Size> currentSize(String instance) {
            return Optional.of(sizes.computeIfAbsent(instance, i -> new Size(2, 4096, 50)));
        }

        @Override
        public ResizeResult.Made resize(String instance, Component component, long newValue,
                                        io.scalemanager.core.sizing.RestartPolicy restart) {
            resizes.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException("interrupted");
            }
            currentSize(instance);
            sizes.compute(instance, (i, s) -> s.with(component, newValue));
            return new ResizeResult.Applied("counted");
        }
    }
}
