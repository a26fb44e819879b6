package io.scalemanager.instanceapi.provider.simulator;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.instanceapi.provider.ProviderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SimulatorProviderTest {
    private static final Size DEFAULT = SimulatorSettings.DEFAULT_SIZE;

    @TempDir
    Path dir;
    private Database database;

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
    }

    private SimulatorProvider simulator(Duration delay, String failPattern, Set<String> reported) {
        if (database == null) {
            database = TestDatabases.h2File(dir);
        }
        return new SimulatorProvider(database, new SimulatorSettings(DEFAULT, delay,
                Optional.ofNullable(failPattern).map(InstancePattern::parse)), reported::contains, Set.of("static-1"));
    }

    @Test
    void instanceThatNeverReportedIsUnknown() {
        SimulatorProvider simulator = simulator(Duration.ZERO, null, Set.of());
        assertThat(simulator.currentSize("ghost")).isEmpty();
        assertThatThrownBy(() -> simulator.resize("ghost", Component.CPU, 4))
                .isInstanceOf(ProviderException.class).hasMessageContaining("unknown");
    }

    @Test
    void reportedAndStaticInstancesStartAtTheDefaultSize() {
        SimulatorProvider simulator = simulator(Duration.ZERO, null, Set.of("web-1"));
        assertThat(simulator.currentSize("web-1")).contains(new Size(2, 4096, 50));
        assertThat(simulator.currentSize("static-1")).contains(DEFAULT);
    }

    @Test
    void resizedSizeSurvivesReopeningTheDatabase() {
        simulator(Duration.ZERO, null, Set.of("web-1")).resize("web-1", Component.RAM, 8192);
        database.close();
        database = null;

        // After a restart the instance is known from its row, even before it reports again.
        SimulatorProvider reopened = simulator(Duration.ZERO, null, Set.of());
        assertThat(reopened.currentSize("web-1")).contains(new Size(2, 8192, 50));
    }

    @Test
    void resizeOfAnInstanceMatchingTheFailPatternFails() {
        SimulatorProvider simulator = simulator(Duration.ZERO, "db-*", Set.of("db-1"));
        assertThatThrownBy(() -> simulator.resize("db-1", Component.CPU, 4))
                .isInstanceOf(ProviderException.class).hasMessage("simulated failure");
        assertThat(simulator.currentSize("db-1")).contains(DEFAULT);
    }

    @Test
    void failNextFailsOnlyTheNextResizeOfThatInstance() {
        SimulatorProvider simulator = simulator(Duration.ZERO, null, Set.of("web-1", "web-2"));
        simulator.failNext("web-1");

        simulator.resize("web-2", Component.CPU, 3);
        assertThatThrownBy(() -> simulator.resize("web-1", Component.CPU, 4)).hasMessage("simulated failure");
        simulator.resize("web-1", Component.CPU, 4);

        assertThat(simulator.currentSize("web-1")).contains(DEFAULT.with(Component.CPU, 4));
        assertThat(simulator.currentSize("web-2")).contains(DEFAULT.with(Component.CPU, 3));
    }

    @Test
    void resizeTakesTheSimulatedTimeUnlessFinishedEarly() {
        SimulatorProvider simulator = simulator(Duration.ofHours(1), null, Set.of("web-1"));
        CompletableFuture<Void> resize = CompletableFuture.runAsync(() -> simulator.resize("web-1", Component.CPU, 4));
        await().until(() -> simulator.resizesInProgress() == 1);
        assertThat(resize).isNotDone();
        assertThat(simulator.currentSize("web-1")).contains(DEFAULT);

        simulator.finishResizesInProgress();

        await().until(resize::isDone);
        assertThat(simulator.currentSize("web-1")).contains(DEFAULT.with(Component.CPU, 4));
    }
}
