package io.scalemanager.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.cleaner.Cleaner;
import io.scalemanager.cleaner.CleanerSettings;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.history.jdbc.JdbcEventLog;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.command.InstanceApiClient;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.wiring.AllInOne;

import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * The cleaner against a large EventLog on MariaDB while the collector ingests: how many rows per second it
 * archives, and the collector's latency with and without it, in one run. The EventLog is filled with N rows that
 * arrived 30 days ago (so all are beyond the 7-day retention), then the all-in-one runs on that database: first
 * load alone, then load while the cleaner archives. Run:
 * {@code java -cp 'bench/target/lib/*:bench/target/classes' io.scalemanager.bench.CleanerBench [rows] [seconds]}
 */
public final class CleanerBench {
    private static final String[] TYPES = {"cpu", "ram", "load"};

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        try (BenchMariaDb mariaDb = new BenchMariaDb()) {
            String url = mariaDb.create("cleaner");
            long lastSeq = prefill(url, rows);
            Path dir = Files.createTempDirectory("scalemanager-bench-data-");
            AllInOne app = AllInOne.start(new ConfigLoader(Map.of(
                    "SCALEMANAGER_LISTEN", "127.0.0.1:0",
                    "SCALEMANAGER_DATA", dir.toString(),
                    "SCALEMANAGER_RULES", Path.of("bench/load-rules.yaml").toAbsolutePath().toString(),
                    "SCALEMANAGER_DB_URL", url,
                    "SCALEMANAGER_DB_USER", "root",
                    "SCALEMANAGER_CLEANER_ENABLED", "false"))
                    .load(Optional.empty(), Map.of()));
            try (Database db = Database.open(new DatabaseSettings(url, "root", "", 4, Duration.ofSeconds(5)))) {
                System.out.println("=== phase A: collector load alone, " + seconds + " s ===");
                load(app, seconds);

                Clock clock = Clock.systemUTC();
                Cleaner cleaner = new Cleaner(db, CleanerSettings.defaults(), clock,
                        new ActionLog(db.dataSource(), clock), new AlertLog(db.dataSource(), clock, null),
                        new InstanceApiClient(() -> URI.create("http://" + app.address()), Optional.empty(),
                                Duration.ofSeconds(10)), new ActionLocks(), new SimpleMeterRegistry());
                PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
                long start = System.nanoTime();
                CompletableFuture<Cleaner.Report> run = CompletableFuture.supplyAsync(
                        () -> cleaner.runOnce(false, quiet));
                System.out.println("=== phase B: collector load while the cleaner archives, " + seconds + " s ===");
                load(app, seconds);
                Cleaner.Report report = run.join();
                double took = (System.nanoTime() - start) / 1e9;
                System.out.printf("cleaner: archived %,d EventLog rows of %,d (up to seq %d) in %.1f s: %,.0f rows/s "
                        + "(chunks of %d, pause %d ms)%n", report.eventRows(), rows, lastSeq, took,
                        report.eventRows() / took, CleanerSettings.defaults().chunkRows(),
                        CleanerSettings.defaults().pause().toMillis());
                cleaner.close();
            } finally {
                app.close();
                BenchMariaDb.deleteTree(dir);
            }
        }
        System.exit(0);
    }

    /** N events that arrived 30 days ago, and queue positions past them, so the manager does not replay them. */
    private static long prefill(String url, int rows) throws Exception {
        try (Database db = Database.open(new DatabaseSettings(url, "root", "", 2, Duration.ofSeconds(5)))) {
            JdbcEventLog log = new JdbcEventLog(db.dataSource());
            long arrived = System.currentTimeMillis() - Duration.ofDays(30).toMillis();
            long seq = EventSequence.firstAt(arrived);
            Random random = new Random(1);
            long start = System.nanoTime();
            for (int done = 0; done < rows; ) {
                List<Event> batch = new ArrayList<>(20_000);
                for (int i = 0; i < 20_000 && done < rows; i++, done++) {
                    batch.add(new Event(++seq, new State("vm-" + random.nextInt(10_000), TYPES[done % 3],
                            random.nextDouble() * 100, arrived + done / 100)));
                }
                log.append(batch);
            }
            System.out.printf("prefill: %,d rows in %.1f s%n", rows, (System.nanoTime() - start) / 1e9);
            try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO queue_offset (consumer, partition_no, seq) VALUES ('manager', ?, ?)")) {
                for (int p = 0; p < 256; p++) {
                    ps.setInt(1, p);
                    ps.setLong(2, seq);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return seq;
        }
    }

    private static void load(AllInOne app, int seconds) throws Exception {
        new LoadGenerator(LoadGenerator.Options.parse(new String[] {
                "--url", "http://" + app.address(), "--duration", seconds + "s",
                "--instances", "10000", "--batch", "500", "--concurrency", "4"})).run();
    }
}
