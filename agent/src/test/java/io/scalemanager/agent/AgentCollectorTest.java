package io.scalemanager.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.agent.config.AgentConfig;
import io.scalemanager.agent.sample.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.scalemanager.agent.SystemFacts.df;
import static io.scalemanager.agent.SystemFacts.meminfoKb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** The agent against the real all-in-one collector on loopback. */
class AgentCollectorTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static Agent agent(AgentConfig config) throws IOException {
        return new Agent(config, Sampler.linux(config), Clock.systemUTC()).start();
    }

    private static double latest(TestCollector c, String instance, String type) throws Exception {
        List<JsonNode> s = c.history(instance, type);
        return s.get(s.size() - 1).get("value").asDouble();
    }

    @Test
    void sampledValuesArriveAndMatchProcAndDf() throws Exception {
        try (TestCollector collector = TestCollector.started(dir.resolve("collector"));
             Agent agent = agent(TestConfigs.fast("vm-values", dir.resolve("state"), 1 << 20, collector.url()))) {
            await().atMost(PATIENCE).until(() -> collector.history("vm-values", "storage_used_gb").size() >= 2);

            long memTotal = meminfoKb("MemTotal");
            long memAvailable = meminfoKb("MemAvailable");
            assertThat(latest(collector, "vm-values", "ram_total_mb")).isCloseTo(memTotal / 1024.0, within(0.01));
            // Memory in use moves between the agent's sample and this read (this JVM's own heap grows meanwhile):
            // the check is for units and formula, so the tolerance is generous.
            assertThat(latest(collector, "vm-values", "ram_used_mb"))
                    .isCloseTo((memTotal - memAvailable) / 1024.0, within(512.0));
            assertThat(latest(collector, "vm-values", "ram"))
                    .isCloseTo(100.0 * (memTotal - memAvailable) / memTotal,
                            within(Math.max(2.0, 100.0 * 512 * 1024 / memTotal)));

            String[] loadavg = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            assertThat(latest(collector, "vm-values", "load")).isCloseTo(Double.parseDouble(loadavg[0]), within(1.5));
            assertThat(latest(collector, "vm-values", "load5")).isCloseTo(Double.parseDouble(loadavg[1]), within(0.5));
            assertThat(latest(collector, "vm-values", "load15")).isCloseTo(Double.parseDouble(loadavg[2]), within(0.3));
            long cpuLines = Files.readAllLines(Path.of("/proc/stat")).stream()
                    .filter(l -> l.matches("cpu\\d+ .*")).count();
            assertThat(latest(collector, "vm-values", "cpus")).isEqualTo((double) cpuLines);
            assertThat(latest(collector, "vm-values", "cpu")).isBetween(0.0, 100.0);

            SystemFacts.Df root = df("/");
            assertThat(latest(collector, "vm-values", "storage_total_gb")).isCloseTo(root.totalGb(), within(0.01));
            assertThat(latest(collector, "vm-values", "storage_used_gb")).isCloseTo(root.usedGb(), within(1.0));
            assertThat(latest(collector, "vm-values", "storage")).isCloseTo(root.usedPercent(), within(1.5));
        }
    }

    @Test
    void collectorDownAndAgentRestartedLosesNothingAndRepeatsNothing() throws Exception {
        Path state = dir.resolve("state");
        TestCollector collector = new TestCollector(dir.resolve("collector"), TestCollector.freePort(), Map.of())
                .start();
        AgentConfig config = TestConfigs.fast("vm-outage", state, 1 << 20, collector.url());
        Agent first = agent(config);
        await().atMost(PATIENCE).until(() -> collector.history("vm-outage", "ram_total_mb").size() >= 2);

        collector.stop();
        await().atMost(PATIENCE).until(() -> first.buffer().size() >= 3);
        first.close();
        long takenByFirst = first.reportsTaken();
        int leftBehind = first.buffer().size();
        assertThat(leftBehind).isGreaterThanOrEqualTo(3);

        Agent second = agent(config);
        await().atMost(PATIENCE).until(() -> second.buffer().size() >= leftBehind + 3);
        collector.start();
        await().atMost(PATIENCE).until(() -> {
            long taken = takenByFirst + second.reportsTaken();
            int buffered = second.buffer().size();
            return buffered == 0 && collector.history("vm-outage", "ram_total_mb").size() == taken;
        });
        second.close();
        collector.stop();

        List<Long> stored = collector.storedOrder("vm-outage", "ram_total_mb");
        List<Long> sorted = new ArrayList<>(stored);
        sorted.sort(null);
        assertThat(stored).as("stored in the order taken, each once").isEqualTo(sorted).doesNotHaveDuplicates();
        assertThat((long) stored.size()).isGreaterThanOrEqualTo(takenByFirst + 3);
    }

    @Test
    void fullBufferDropsOldestReportsAndTheDropCountArrives() throws Exception {
        TestCollector collector = new TestCollector(dir.resolve("collector"), TestCollector.freePort(), Map.of());
        // 16 KiB holds four reports (each takes a 4 KiB block), so a collector that is down from the start
        // makes the agent drop the oldest from the fifth on.
        try (Agent agent = agent(TestConfigs.fast("vm-full", dir.resolve("state"), 16 << 10, collector.url()))) {
            await().atMost(PATIENCE).until(() -> agent.buffer().dropped() >= 3);
            // Four, or five while the four are on their way in a request that is about to fail.
            assertThat(agent.buffer().size()).isBetween(4, 5);
            collector.start();
            await().atMost(PATIENCE).until(() -> agent.buffer().size() == 0
                    && !collector.history("vm-full", Agent.DROPPED_TYPE).isEmpty());
            // Sampling goes on until the close, so a report taken after the wait may still be in the buffer.
            agent.close();

            List<JsonNode> drops = collector.history("vm-full", Agent.DROPPED_TYPE);
            List<JsonNode> reports = collector.history("vm-full", "ram_total_mb");
            assertThat(drops.get(drops.size() - 1).get("value").asLong()).isBetween(3L, agent.buffer().dropped());
            assertThat((long) reports.size()).as("every report taken is stored, dropped or still buffered")
                    .isEqualTo(agent.reportsTaken() - agent.buffer().dropped() - agent.buffer().size());
        } finally {
            collector.close();
        }
    }

    @Test
    void unreachableCollectorFailsOverToTheNext() throws Exception {
        URI dead = URI.create("http://127.0.0.1:" + TestCollector.freePort());
        try (TestCollector collector = TestCollector.started(dir.resolve("collector"));
             Agent agent = agent(TestConfigs.fast("vm-failover", dir.resolve("state"), 1 << 20, dead,
                     collector.url()))) {
            await().atMost(PATIENCE).until(() -> collector.history("vm-failover", "cpu").size() >= 3);
        }
    }

    @Test
    void tokenIsSentAndTheCollectorTakesIt() throws Exception {
        TestCollector collector = new TestCollector(dir.resolve("collector"), TestCollector.freePort(),
                Map.of("SCALEMANAGER_API_TOKEN", "s3cret")).start();
        AgentConfig base = TestConfigs.fast("vm-token", dir.resolve("state"), 1 << 20, collector.url());
        AgentConfig withToken = new AgentConfig(base.instance(), base.collectors(), java.util.Optional.of("s3cret"),
                base.caFile(), base.interval(), base.timeout(), base.backoffMax(), base.stateDir(),
                base.bufferMaxBytes(), base.filesystems(), base.metrics());
        try (collector; Agent agent = agent(withToken)) {
            await().atMost(PATIENCE).until(() -> collector.history("vm-token", "ram").size() >= 2);
        }
    }

    @Test
    void reportTheCollectorRejectsIsDroppedAndTheNextOnesStillArrive() throws Exception {
        try (TestCollector collector = TestCollector.started(dir.resolve("collector"))) {
            AgentConfig config = TestConfigs.fast("vm-future", dir.resolve("state"), 1 << 20, collector.url());
            // A clock an hour ahead: the collector refuses timestamps over 10 minutes in the future with 400.
            Clock ahead = Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC);
            try (Agent future = new Agent(config, Sampler.linux(config), ahead).start()) {
                await().atMost(PATIENCE).until(() -> future.reportsTaken() >= 3 && future.buffer().size() == 0);
            }
            assertThat(collector.history("vm-future", "ram")).isEmpty();
            try (Agent now = agent(config)) {
                await().atMost(PATIENCE).until(() -> collector.history("vm-future", "ram").size() >= 2);
            }
        }
    }

    @Test
    void aFaultInTheShippingLoopIsLoggedAndRetriedAndShippingGoesOn() throws Exception {
        TestCollector collector = new TestCollector(dir.resolve("collector"), TestCollector.freePort(), Map.of());
        Path state = dir.resolve("state");
        Path reports = state.resolve("reports");
        Path moved = state.resolve("reports.moved");
        try (Agent agent = agent(TestConfigs.fast("vm-fault", state, 1 << 20, collector.url()))) {
            await().atMost(PATIENCE).until(() -> agent.buffer().size() >= 3);
            // A file where the buffer's directory was: deleting a shipped report fails with ENOTDIR (also as
            // root), the fault the loop used to die of silently.
            Files.move(reports, moved);
            Files.writeString(reports, "in the way");
            collector.start();
            await().atMost(PATIENCE).until(() -> agent.shippingFaults() >= 1);
            Files.delete(reports);
            Files.move(moved, reports);
            long before = collector.history("vm-fault", "ram_total_mb").size();
            await().atMost(PATIENCE).until(() -> collector.history("vm-fault", "ram_total_mb").size() >= before + 3);
            assertThat(agent.failure()).isNotDone();
        } finally {
            collector.close();
        }
    }

    @Test
    void shippingThatCannotGoOnEndsTheAgentWithAFailure() throws Exception {
        TestCollector collector = new TestCollector(dir.resolve("collector"), TestCollector.freePort(), Map.of());
        Path state = dir.resolve("state");
        AgentConfig config = TestConfigs.fast("vm-gives-up", state, 1 << 20, collector.url());
        try (Agent agent = new Agent(config, Sampler.linux(config), Clock.systemUTC(), 1).start()) {
            await().atMost(PATIENCE).until(() -> agent.buffer().size() >= 2);
            Path reports = state.resolve("reports");
            Files.move(reports, state.resolve("reports.moved"));
            Files.writeString(reports, "in the way");
            collector.start();
            Throwable failure = agent.failure().get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(failure).hasMessageContaining("shipping failed 1 times in a row");
        } finally {
            collector.close();
        }
    }

    @Test
    void anErrorWhileSamplingEndsTheAgentWithAFailure() throws Exception {
        AgentConfig config = TestConfigs.fast("vm-error", dir.resolve("state"), 1 << 20,
                URI.create("http://127.0.0.1:" + TestCollector.freePort()));
        Sampler broken = new Sampler(List.of(into -> {
            throw new StackOverflowError("probe");
        }));
        try (Agent agent = new Agent(config, broken, Clock.systemUTC()).start()) {
            Throwable failure = agent.failure().get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(StackOverflowError.class);
        }
    }
}
