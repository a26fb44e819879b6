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
import io.scalemanager.queue.embedded.OffsetStore;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.wiring.AllInOne;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
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
 * arrived 30 days ago (so all are beyond the 7-day retention), the window query is EXPLAINed on that table, then
 * the all-in-one runs on that database: first load alone for {@code seconds}, then load in segments of
 * {@code seconds} for as long as the cleaner archives, so every archived row is moved while ingestion continues.
 * Run:
 * {@code java -cp 'bench/target/lib/*:bench/target/classes' io.scalemanager.bench.CleanerBench [rows] [seconds]}
 *
 * <p>The cleaner's settings are its defaults, or {@code -Dchunk=ROWS -Dpause=MS -DpausePercent=P}. With
 * {@code -Dcompare=ROWS/MS/P,ROWS/MS/P,...} it instead alternates one segment of load alone with one segment
 * of load while a cleaner with each of those settings archives, to compare settings side by side in one run;
 * {@code ROWS/MS/P/v4index} archives with the archive's (instance, type, ts) index of schema V4 put back.
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
                explainWindowQuery(db);
                String compare = System.getProperty("compare");
                if (compare != null) {
                    for (String settings : compare.split(",")) {
                        String[] p = settings.split("/");
                        boolean v4Index = p.length > 3 && p[3].equals("v4index");
                        System.out.println("=== load alone, " + seconds + " s ===");
                        loadAlone(app, seconds);
                        archiveIndex(db, v4Index);
                        archiveWhileLoading(db, app, settings(Integer.parseInt(p[0]), Long.parseLong(p[1]),
                                Integer.parseInt(p[2])), rows, lastSeq, seconds, true);
                        archiveIndex(db, false);
                    }
                    // Once more alone: on a shared machine, the load before and after brackets the segments.
                    System.out.println("=== load alone, " + seconds + " s ===");
                    loadAlone(app, seconds);
                } else {
                    System.out.println("=== load alone, " + seconds + " s ===");
                    loadAlone(app, seconds);
                    archiveWhileLoading(db, app, settings(Integer.getInteger("chunk",
                            CleanerSettings.defaults().chunkRows()), Long.getLong("pause",
                            CleanerSettings.defaults().pause().toMillis()), Integer.getInteger("pausePercent",
                            CleanerSettings.defaults().pausePercent())), rows, lastSeq, seconds, false);
                    System.out.println("=== load alone again, " + seconds + " s ===");
                    loadAlone(app, seconds);
                }
            } finally {
                app.close();
                BenchMariaDb.deleteTree(dir);
            }
        }
        System.exit(0);
    }

    /** Database CPU per stored state with the load alone, the baseline for the archiving segments. */
    private static double cpuPerState;

    private static void loadAlone(AllInOne app, int seconds) throws Exception {
        double cpu = databaseCpuSeconds();
        long states = load(app, seconds);
        cpu = databaseCpuSeconds() - cpu;
        cpuPerState = cpu / states;
        System.out.printf("database CPU: %.1f s for %,d states stored: %.1f µs per state%n", cpu, states,
                cpuPerState * 1e6);
    }

    private static CleanerSettings settings(int chunkRows, long pauseMs, int pausePercent) {
        CleanerSettings d = CleanerSettings.defaults();
        return new CleanerSettings(d.interval(), d.eventRetention(), d.actionRetention(), chunkRows,
                Duration.ofMillis(pauseMs), pausePercent, false, d.stuckAfter());
    }

    /** Loads in segments while the cleaner archives; with {@code oneSegment}, stops the cleaner after one. */
    private static void archiveWhileLoading(Database db, AllInOne app, CleanerSettings settings, int rows,
                                            long lastSeq, int seconds, boolean oneSegment) throws Exception {
        Clock clock = Clock.systemUTC();
        // No stuck actions to look at: the bench measures archiving while the all-in-one ingests.
        Cleaner cleaner = new Cleaner(db, settings, clock, (dryRun, out) -> 0,
                new OffsetStore(db.dataSource(), "manager")::lowest, new SimpleMeterRegistry());
        String how = String.format("chunks of %d, pause %d ms + %d%% of the chunk's time", settings.chunkRows(),
                settings.pause().toMillis(), settings.pausePercent());
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        long start = System.nanoTime();
        CompletableFuture<Cleaner.Report> run = CompletableFuture.supplyAsync(() -> cleaner.runOnce(false, quiet));
        long firstSeq = lastSeq - rows;
        int segment = 0;
        do {
            segment++;
            System.out.println("=== load while the cleaner archives (" + how + "), segment " + segment + ", "
                    + seconds + " s ===");
            double cpu = databaseCpuSeconds();
            long archivedBefore = archived(db, firstSeq);
            long wallStart = System.nanoTime();
            long states = load(app, seconds);
            double wall = (System.nanoTime() - wallStart) / 1e9;
            cpu = databaseCpuSeconds() - cpu;
            long archived = archived(db, firstSeq) - archivedBefore;
            // The database CPU the stored states would have cost alone; the rest is the cleaner's.
            double cleanerCpu = cpu - states * cpuPerState;
            System.out.printf("database CPU: %.1f s for %,d states stored and %,d rows archived (%,.0f rows/s): "
                            + "about %.1f µs per archived row%n", cpu, states, archived, archived / wall,
                    archived == 0 ? 0 : cleanerCpu / archived * 1e6);
            System.out.println(run.isDone() ? "(the cleaner finished during this segment)"
                    : "(the cleaner archived during the whole segment)");
        } while (!oneSegment && !run.isDone());
        cleaner.close();
        Cleaner.Report report = run.join();
        double took = (System.nanoTime() - start) / 1e9;
        System.out.printf("cleaner (%s): archived %,d EventLog rows of %,d (up to seq %d) in %.1f s: %,.0f rows/s%n",
                how, report.eventRows(), rows, lastSeq, took, report.eventRows() / took);
    }

    /** Puts back or drops the archive's (instance, type, ts) index that schema V5 dropped. */
    private static void archiveIndex(Database db, boolean present) throws Exception {
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema "
                     + "= DATABASE() AND index_name = 'event_log_archive_instance_type_ts'")) {
            rs.next();
            boolean exists = rs.getLong(1) > 0;
            if (present && !exists) {
                st.execute("CREATE INDEX event_log_archive_instance_type_ts ON event_log_archive (instance, type, ts)");
            } else if (!present && exists) {
                st.execute("DROP INDEX event_log_archive_instance_type_ts ON event_log_archive");
            }
        }
    }

    /** The window query of JdbcEventLog, as the History API and the rules run it, on the full table. */
    private static void explainWindowQuery(Database db) throws Exception {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.execute("ANALYZE TABLE event_log");
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM event_log")) {
                rs.next();
                System.out.printf("=== EXPLAIN of the window query on event_log, %,d rows ===%n", rs.getLong(1));
            }
            long ts;
            try (ResultSet rs = st.executeQuery("SELECT MAX(ts) FROM event_log")) {
                rs.next();
                ts = rs.getLong(1);
            }
            String query = "SELECT ts, val FROM event_log WHERE instance = 'vm-42' AND type = 'cpu' AND ts BETWEEN "
                    + (ts - 300_000) + " AND " + ts + " ORDER BY ts LIMIT 10000";
            for (String explain : new String[] {"EXPLAIN ", "ANALYZE "}) {
                System.out.println(explain + query);
                try (ResultSet rs = st.executeQuery(explain + query)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    StringBuilder header = new StringBuilder();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        header.append(i > 1 ? " | " : "").append(meta.getColumnLabel(i));
                    }
                    System.out.println(header);
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            row.append(i > 1 ? " | " : "").append(rs.getString(i));
                        }
                        System.out.println(row);
                    }
                }
            }
        }
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

    /**
     * Runs the load for {@code seconds}; returns the states accepted. As fast as the server takes it, or paced at
     * {@code -Drate=STATES/S}: a fleet's reports arrive at their own rate, not at the collector's capacity.
     */
    private static long load(AllInOne app, int seconds) throws Exception {
        List<String> args = new ArrayList<>(List.of("--url", "http://" + app.address(), "--duration", seconds + "s",
                "--instances", "10000", "--batch", "500", "--concurrency", "4", "--token", app.adminToken()));
        String rate = System.getProperty("rate");
        if (rate != null) {
            args.addAll(List.of("--rate", rate));
        }
        LoadGenerator generator = new LoadGenerator(LoadGenerator.Options.parse(args.toArray(String[]::new)));
        generator.run();
        return generator.accepted();
    }

    /**
     * The database server's CPU time, which other processes on a shared machine do not inflate: it shows what a
     * stored state and an archived row cost the database even when the wall-clock figures are noisy.
     */
    private static double databaseCpuSeconds() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("mariadbd")).orElse(false))
                .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0))
                .sum();
    }

    /** Rows in the archive: the prefilled seqs are dense, so the highest archived seq tells how many. */
    private static long archived(Database db, long firstSeq) throws Exception {
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(seq) FROM event_log_archive")) {
            rs.next();
            long max = rs.getLong(1);
            return rs.wasNull() ? 0 : max - firstSeq;
        }
    }
}
