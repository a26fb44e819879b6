package io.scalemanager.cleaner.partition;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scalemanager.cleaner.downsample.Downsample;
import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.db.Transaction;
import io.scalemanager.core.state.EventSequence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * Retention of the EventLog on MariaDB/MySQL by partition (ADR 9): {@code event_log} is range-partitioned by
 * {@code seq} in spans of {@code span}, always {@code ahead} spans ahead of now and of the newest row, with a
 * catch-all last partition that is split when something landed in it. A partition whose every row is past the
 * cutoff leaves whole: downsampled by a read first if asked, then swapped with the empty staging table
 * ({@code EXCHANGE PARTITION}), swapped from there into the archive's partition of the same range, and
 * dropped — or dropped at once when raw rows are not kept. No statement touches the live table row by row, and
 * where the server allows it ({@link ServerVersion#exchangesWithoutValidation}) none reads the moved rows either:
 * the exchange into the archive skips the server's row-by-row range check after the staging table's lowest and
 * highest {@code seq} (two primary-key reads) showed every row belongs there, and the rows moved are counted
 * from InnoDB's statistics once a partition is too large to count cheaply ({@link #EXACT_COUNT_BELOW}).
 *
 * <p>Every step is one atomic statement (or one transaction), and where a run stands is read from the schema:
 * rows in the staging table belong in the archive, an empty live partition past the cutoff is dropped, a
 * partition's downsampling progress (the seq it reached) is recorded in {@code cleaner_partition_step} in the
 * transaction of each chunk it folds. So a cleaner killed between any two statements leaves every row in
 * exactly one place, and the next run finishes the job. One cleaner at a time archives (a named server lock,
 * {@code GET_LOCK}): the range check before an exchange must still hold when the exchange runs.
 */
public final class PartitionArchiver {
    private static final Logger log = LoggerFactory.getLogger(PartitionArchiver.class);
    static final String LIVE = "event_log";
    static final String ARCHIVE = "event_log_archive";
    static final String STAGING = "event_log_staging";
    static final String STEPS = "cleaner_partition_step";
    /** The archive's partition of the rows archived before it was partitioned. */
    static final String ARCHIVED_BEFORE = "p_archived";
    /** The index the window queries need; the archive must carry it too, or the exchange refuses. */
    private static final String WINDOW_INDEX = "event_log_instance_type_ts";
    /**
     * Partitions that InnoDB's statistics put below this many rows are counted exactly ({@code COUNT(*)}, under
     * a tenth of a second); larger ones by those statistics, since an exact count reads every row again (at
     * about a million rows a second it cost more than the rest of the step together).
     */
    static final long EXACT_COUNT_BELOW = 100_000;
    /** The named lock that keeps a second cleaner out of the partitions while one archives. */
    private static final String LOCK = "scalemanager.cleaner.partitions";
    /** How long a cleaner waits for another one's run to end before it leaves the partitions to that one. */
    private static final int LOCK_WAIT_SECONDS = 30;

    /** Called after each step that changed something: the tests' crash points. */
    @FunctionalInterface
    public interface Steps {
        void after(String step);

        Steps NONE = step -> { };
    }

    /**
     * What a run moved: rows and partitions that left the live table, and the wall time of those steps.
     *
     * @param estimated whether {@code rows} includes a partition counted by InnoDB's statistics rather than exactly
     * @param steps     where the time went: the wall time of each kind of statement ({@code exchange-out},
     *                  {@code range-check}, {@code exchange-in}, {@code count}, {@code drop}, {@code downsample},
     *                  ...) summed over the run, in the order first seen
     */
    public record Result(long rows, int partitions, Duration took, boolean estimated, Map<String, Duration> steps) {
        public Result {
            steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
        }
    }

    /** The tally of one run. */
    private static final class Run {
        private final Map<String, Duration> steps = new LinkedHashMap<>();
        private boolean estimated;
        /** The longest ALTER of the live table: the longest its inserts can have waited behind this run. */
        private Duration longestLiveAlter = Duration.ZERO;
        private int gaveWay;

        <T> T timed(String step, Supplier<T> statement) {
            long start = System.nanoTime();
            try {
                return statement.get();
            } finally {
                steps.merge(step, Duration.ofNanos(System.nanoTime() - start), Duration::plus);
            }
        }

        void timed(String step, Runnable statement) {
            timed(step, () -> {
                statement.run();
                return null;
            });
        }
    }

    private final DataSource dataSource;
    private final PartitionedTable live;
    private final PartitionedTable archive;
    private final PartitionedTable staging;
    private final Duration span;
    private final int ahead;
    private final int chunkRows;
    private final Clock clock;
    private final Steps steps;
    private final MeterRegistry registry;
    /** Read once, on the first ALTER or exchange into the archive. */
    private ServerVersion server;
    /** The run under way, which the ALTERs report to. */
    private Run current = new Run();

    /**
     * @param chunkRows rows folded per downsampling transaction: a partition can hold tens of millions, far
     *                  more than one statement should take
     */
    public PartitionArchiver(DataSource dataSource, Duration span, int ahead, int chunkRows, Clock clock,
                             Steps steps, MeterRegistry registry) {
        if (span.toMinutes() < 1 || span.toMillis() % 60_000 != 0) {
            throw new IllegalArgumentException("partition span must be a whole number of minutes, got " + span);
        }
        this.dataSource = dataSource;
        PartitionedTable.Alters alters = new PartitionedTable.Alters() {
            @Override
            public void altered(String table, Duration took) {
                alterTimer(table).record(took);
                if (table.equals(LIVE) && took.compareTo(current.longestLiveAlter) > 0) {
                    current.longestLiveAlter = took;
                }
            }

            @Override
            public void gaveWay(String table) {
                gaveWayCounter(table).increment();
                current.gaveWay++;
            }
        };
        this.live = new PartitionedTable(dataSource, LIVE, () -> server().locksWithoutWaiting(), alters);
        this.archive = new PartitionedTable(dataSource, ARCHIVE, () -> server().locksWithoutWaiting(), alters);
        this.staging = new PartitionedTable(dataSource, STAGING, () -> server().locksWithoutWaiting(), alters);
        this.registry = registry;
        this.span = span;
        this.ahead = ahead;
        this.chunkRows = chunkRows;
        this.clock = clock;
        this.steps = steps;
    }

    /** Whether the EventLog is partitioned (and so archived by partition). */
    public boolean active() {
        return !live.partitions().isEmpty() && staging.exists();
    }

    /**
     * The one-time migration ({@code scalemanager cleaner --partition}): partitions the EventLog and its archive
     * and creates the staging and step tables. Idempotent; each table is copied once by its ALTER (the cost is in
     * docs/operations.md, "Cleaner").
     */
    public void partitionTables(PrintStream out) {
        if (!staging.exists()) {
            staging.execute("CREATE TABLE " + STAGING + " LIKE " + LIVE);
            if (!staging.partitions().isEmpty()) {
                staging.execute("ALTER TABLE " + STAGING + " REMOVE PARTITIONING");
            }
        }
        live.execute("CREATE TABLE IF NOT EXISTS " + STEPS + " ("
                + "table_name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, "
                + "partition_name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, "
                + "step VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, "
                + "up_to BIGINT NOT NULL, done_at BIGINT NOT NULL, PRIMARY KEY (table_name, partition_name, step)) "
                + "ENGINE = InnoDB");
        if (archive.partitions().isEmpty()) {
            long start = System.nanoTime();
            String index = hasIndex(ARCHIVE, WINDOW_INDEX) ? "" : "ADD KEY " + WINDOW_INDEX + " (instance, type, ts) ";
            long archivedBelow = archive.maxSeq(null).orElse(0) + 1;
            archive.execute("ALTER TABLE " + ARCHIVE + " " + index + "PARTITION BY RANGE (seq) ("
                    + new Partition(ARCHIVED_BEFORE, archivedBelow).clause() + ", "
                    + new Partition(Partition.CATCH_ALL, Long.MAX_VALUE).clause() + ")");
            out.printf("partitioned %s in %.1f s%n", ARCHIVE, (System.nanoTime() - start) / 1e9);
        }
        if (live.partitions().isEmpty()) {
            long start = System.nanoTime();
            OptionalLong oldest = live.minSeq(null);
            OptionalLong newest = live.maxSeq(null);
            long from = oldest.isPresent() ? EventSequence.arrivalMs(oldest.getAsLong()) : clock.millis();
            List<Partition> partitions = boundsAfter(from, until(newest));
            partitions.add(new Partition(Partition.CATCH_ALL, Long.MAX_VALUE));
            live.partitionBy(partitions);
            out.printf("partitioned %s into %d partitions of %s in %.1f s%n", LIVE, partitions.size() - 1, span,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * One run: finishes what a killed run left, keeps partitions ahead, then archives every partition below
     * {@code cutoff} (a sequence number: the retention, and never past what the manager has decided).
     *
     * @param downsample fold the rows into {@code event_log_minute} before they leave
     * @param keepRaw    exchange the rows into the archive; otherwise the partition is dropped
     */
    public Result archive(long cutoff, boolean downsample, boolean keepRaw) {
        try (Connection lock = dataSource.getConnection()) {
            if (!lock(lock)) {
                log.info("Another cleaner has been archiving EventLog partitions for over {} s: this run leaves "
                        + "them to it", LOCK_WAIT_SECONDS);
                return new Result(0, 0, Duration.ZERO, false, Map.of());
            }
            try {
                return archiveLocked(cutoff, downsample, keepRaw);
            } finally {
                unlock(lock);
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot take the cleaner's lock " + LOCK + ": " + e.getMessage(), e);
        }
    }

    private Result archiveLocked(long cutoff, boolean downsample, boolean keepRaw) {
        Run run = new Run();
        current = run;
        long start = System.nanoTime();
        // Partitions that are empty or downsampled leave together at the end, in one DROP: each ALTER of the live
        // table holds its inserts for a moment, so the fewer the better.
        Map<String, Partition> leaving = new LinkedHashMap<>();
        long rows = finishStaged(run, leaving);
        keepAhead();
        int partitions = 0;
        for (Partition p : live.partitions()) {
            if (p.catchAll() || p.bound() > cutoff) {
                break;
            }
            rows += archive(p, downsample, keepRaw, run);
            leaving.put(p.name(), p);
            partitions++;
        }
        drop(leaving.values(), run);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (partitions > 0) {
            log.info("Archived {}{} EventLog rows in {} partitions in {} ms ({}); the longest ALTER of {} took {} ms"
                            + "{}", run.estimated ? "about " : "", rows, partitions, took.toMillis(), millis(run.steps),
                    LIVE, run.longestLiveAlter.toMillis(), run.gaveWay == 0 ? ""
                            : ", after giving way to its users " + run.gaveWay + " times");
        }
        return new Result(rows, partitions, took, run.estimated, run.steps);
    }

    /** The partitions in one statement, then their downsampling records. */
    private void drop(Collection<Partition> partitions, Run run) {
        if (partitions.isEmpty()) {
            return;
        }
        run.timed("drop", () -> live.drop(List.copyOf(partitions)));
        steps.after("dropped");
        partitions.forEach(this::forget);
    }

    private static String millis(Map<String, Duration> steps) {
        StringJoiner text = new StringJoiner(", ");
        steps.forEach((step, took) -> text.add(step + " " + took.toMillis() + " ms"));
        return text.toString();
    }

    private static boolean lock(Connection c) throws SQLException {
        // GET_LOCK may wait longer than db.query_timeout lets a statement's answer take (the pool resets this).
        c.setNetworkTimeout(Runnable::run, (int) PartitionedTable.STATEMENT_TIMEOUT.toMillis());
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            ps.setString(1, LOCK);
            ps.setInt(2, LOCK_WAIT_SECONDS);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    private static void unlock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            ps.setString(1, LOCK);
            ps.executeQuery().close();
        }
    }

    /** What {@link #archive} would move: rows per partition, counted (a read). */
    public long plan(long cutoff, PrintStream out, String target) {
        long rows = 0;
        for (Partition p : live.partitions()) {
            if (p.catchAll() || p.bound() > cutoff) {
                break;
            }
            long n = live.count(p.name());
            out.printf("would archive partition %s of %s (%d rows, seq below %d) into %s%n", p.name(), LIVE, n,
                    p.bound(), target);
            rows += n;
        }
        if (rows == 0) {
            out.printf("would archive no partition of %s%n", LIVE);
        }
        return rows;
    }

    /**
     * Empties the partition into the archive (or, downsampled or not kept raw, leaves its rows where they are) for
     * the run's one DROP of the partitions that leave.
     */
    private long archive(Partition p, boolean downsample, boolean keepRaw, Run run) {
        if (live.isEmpty(p.name())) {
            return 0;
        }
        if (downsample) {
            run.timed("downsample", () -> downsample(p));
        }
        Count rows = rows(live, p.name(), run);
        if (keepRaw) {
            if (archive.partitions().stream().noneMatch(a -> a.name().equals(p.name()))) {
                run.timed("archive-partition", () -> archive.splitCatchAll(List.of(p)));
                steps.after("archive-partition");
            }
            run.timed("archive-empty-check", () -> requireEmptyArchive(p));
            // Validation reads the staging table, which is empty here: it costs nothing and keeps rows of another
            // range out of this partition.
            run.timed("exchange-out", () -> live.exchange(p.name(), STAGING, true));
            steps.after("exchanged-out");
            exchangeIntoArchive(p, run);
            steps.after("exchanged-in");
        }
        log.info("Partition {} of {} ({}{} rows) {}; this run so far: {}", p.name(), LIVE,
                rows.estimated ? "about " : "", rows.rows, keepRaw ? "moved to " + ARCHIVE : "ready to drop",
                millis(run.steps));
        return rows.rows;
    }

    private record Count(long rows, boolean estimated) {
    }

    /**
     * The rows of a partition (or table) that is about to leave: counted exactly when the statistics put it
     * below {@link #EXACT_COUNT_BELOW}, otherwise as the statistics estimate them.
     */
    private static Count rows(PartitionedTable table, String partition, Run run) {
        long estimate = run.timed("count", () -> table.estimatedRows(partition));
        if (estimate < EXACT_COUNT_BELOW) {
            return new Count(run.timed("count", () -> table.count(partition)), false);
        }
        run.estimated = true;
        return new Count(estimate, true);
    }

    /**
     * Swaps the staging table's rows into the archive's partition of the same range. The staging table's lowest
     * and highest {@code seq} (the primary key: two index reads) show whether every row lies in that range; if
     * so, and the server can, the exchange skips its own check, which reads every row.
     */
    private void exchangeIntoArchive(Partition p, Run run) {
        List<Partition> partitions = archive.partitions();
        int at = partitions.stream().map(Partition::name).toList().indexOf(p.name());
        long lower = at > 0 ? partitions.get(at - 1).bound() : Long.MIN_VALUE;
        OptionalLong lowest = run.timed("range-check", () -> staging.minSeq(null));
        OptionalLong highest = run.timed("range-check", () -> staging.maxSeq(null));
        if (lowest.isPresent() && (lowest.getAsLong() < lower || highest.getAsLong() >= p.bound())) {
            throw new DatabaseException(STAGING + " holds seq " + lowest.getAsLong() + " to " + highest.getAsLong()
                    + ", outside partition " + p.name() + " of " + ARCHIVE + " (" + lower + " to below " + p.bound()
                    + "): archiving stops here for a person to look", null);
        }
        boolean validate = !server().exchangesWithoutValidation();
        run.timed("exchange-in", () -> archive.exchange(p.name(), STAGING, validate));
    }

    private synchronized ServerVersion server() {
        if (server == null) {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT VERSION()")) {
                rs.next();
                server = ServerVersion.parse(rs.getString(1));
            } catch (SQLException e) {
                throw new DatabaseException("cannot read the database server's version: " + e.getMessage(), e);
            }
            if (!server.exchangesWithoutValidation()) {
                log.info("{} has no EXCHANGE PARTITION ... WITHOUT VALIDATION (MariaDB 11.4+, MySQL 5.7+): the "
                        + "exchange into {} reads every row it moves to check its range", server, ARCHIVE);
            }
        }
        return server;
    }

    /** The exchange into the archive swaps its partition's rows out: they must be none, or they would leave it. */
    private void requireEmptyArchive(Partition p) {
        if (!archive.isEmpty(p.name())) {
            throw new DatabaseException("partition " + p.name() + " of " + ARCHIVE + " already holds rows while "
                    + LIVE + " still has that partition: archiving stops here for a person to look", null);
        }
    }

    /**
     * Rows a killed run left in the staging table go on into the archive, and their empty partition is added to
     * those that {@code leave}.
     *
     * @return the rows moved on
     */
    private long finishStaged(Run run, Map<String, Partition> leave) {
        OptionalLong staged = staging.minSeq(null);
        if (staged.isEmpty()) {
            return 0;
        }
        Partition from = live.partitions().stream().filter(p -> p.bound() > staged.getAsLong()).findFirst()
                .orElseThrow(() -> new DatabaseException("rows in " + STAGING + " from seq " + staged.getAsLong()
                        + " belong to no partition of " + LIVE, null));
        log.info("Finishing the archiving of partition {} that an earlier run left in {}", from.name(), STAGING);
        long rows = rows(staging, null, run).rows;
        if (archive.partitions().stream().noneMatch(a -> a.name().equals(from.name()))) {
            run.timed("archive-partition", () -> archive.splitCatchAll(List.of(from)));
            steps.after("archive-partition");
        }
        run.timed("archive-empty-check", () -> requireEmptyArchive(from));
        exchangeIntoArchive(from, run);
        steps.after("exchanged-in");
        if (live.isEmpty(from.name())) {
            leave.put(from.name(), from);
        }
        return rows;
    }

    /**
     * At least {@code ahead} spans of empty partitions after now, and none of the catch-all's rows left in it:
     * splitting an empty catch-all changes metadata only; one that caught rows (the cleaner did not run for
     * longer than the spans ahead) is copied once.
     */
    private void keepAhead() {
        List<Partition> partitions = live.partitions();
        Partition catchAll = partitions.get(partitions.size() - 1);
        OptionalLong caught = catchAll.catchAll() ? live.maxSeq(catchAll.name()) : OptionalLong.empty();
        long lastBound = partitions.size() > 1 ? partitions.get(partitions.size() - 2).bound()
                : EventSequence.firstAt(alignDown(clock.millis()));
        long untilMs = until(caught);
        if (lastBound >= EventSequence.firstAt(untilMs) && caught.isEmpty()) {
            return;
        }
        List<Partition> added = boundsAfter(EventSequence.arrivalMs(lastBound), untilMs);
        if (added.isEmpty()) {
            return;
        }
        if (caught.isPresent()) {
            log.warn("{} rows reached the catch-all partition of {} (newest seq {}): splitting it copies them once",
                    live.count(catchAll.name()), LIVE, caught.getAsLong());
        }
        live.splitCatchAll(added);
        steps.after("split");
    }

    /** Partitions after {@code fromMs} up to and including the one ending at or after {@code untilMs}. */
    private List<Partition> boundsAfter(long fromMs, long untilMs) {
        List<Partition> bounds = new ArrayList<>();
        for (long t = alignDown(fromMs) + span.toMillis(); ; t += span.toMillis()) {
            bounds.add(Partition.before(t));
            if (t >= untilMs) {
                return bounds;
            }
        }
    }

    /** The time the partitions must reach: {@code ahead} spans after now, and past the newest row given. */
    private long until(OptionalLong newest) {
        long until = alignDown(clock.millis()) + ahead * span.toMillis();
        if (newest.isPresent()) {
            until = Math.max(until, EventSequence.arrivalMs(newest.getAsLong()) + 1);
        }
        return until;
    }

    private long alignDown(long ms) {
        return Math.floorDiv(ms, span.toMillis()) * span.toMillis();
    }

    /**
     * Folds the partition into event_log_minute a chunk of {@code chunkRows} at a time (by seq), each chunk in one
     * transaction with the seq it reached, so a killed run resumes after the last chunk it committed and no row
     * is counted twice.
     */
    private void downsample(Partition p) {
        long after = folded(p).orElse(Long.MIN_VALUE);
        String from = LIVE + " PARTITION (" + p.name() + ")";
        String fold = Downsample.partitionSql(from + " WHERE seq > ? AND seq <= ?");
        while (true) {
            OptionalLong upTo = chunkEnd(from, after);
            if (upTo.isEmpty()) {
                return;
            }
            foldChunk(p, fold, after, upTo.getAsLong());
            after = upTo.getAsLong();
            steps.after("downsampled");
        }
    }

    /** Folds the rows after {@code after} up to {@code upTo} and marks how far the partition is folded, at once. */
    private void foldChunk(Partition p, String fold, long after, long upTo) {
        try {
            Transaction.run(dataSource, c -> {
                try (PreparedStatement ps = c.prepareStatement(fold);
                     PreparedStatement mark = c.prepareStatement("REPLACE INTO " + STEPS + " (table_name, "
                             + "partition_name, step, up_to, done_at) VALUES (?, ?, 'downsample', ?, ?)")) {
                    ps.setLong(1, after);
                    ps.setLong(2, upTo);
                    ps.executeUpdate();
                    mark.setString(1, LIVE);
                    mark.setString(2, p.name());
                    mark.setLong(3, upTo);
                    mark.setLong(4, clock.millis());
                    mark.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new DatabaseException("cannot downsample partition " + p.name() + ": " + e.getMessage(), e);
        }
    }

    /** The seq of the last row of the next chunk after {@code after}: a range scan of the primary key. */
    private OptionalLong chunkEnd(String from, long after) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT MAX(seq) FROM (SELECT seq FROM " + from + " WHERE seq > ? ORDER BY seq LIMIT ?) chunk")) {
            ps.setLong(1, after);
            ps.setInt(2, chunkRows);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long end = rs.getLong(1);
                return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(end);
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read " + from + ": " + e.getMessage(), e);
        }
    }

    /** How far the partition is already folded into event_log_minute, by a run that was stopped. */
    private OptionalLong folded(Partition p) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT up_to FROM "
                + STEPS + " WHERE table_name = ? AND partition_name = ? AND step = 'downsample'")) {
            ps.setString(1, LIVE);
            ps.setString(2, p.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read " + STEPS + ": " + e.getMessage(), e);
        }
    }

    private void forget(Partition p) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM "
                + STEPS + " WHERE table_name = ? AND partition_name = ?")) {
            ps.setString(1, LIVE);
            ps.setString(2, p.name());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException("cannot update " + STEPS + ": " + e.getMessage(), e);
        }
    }

    private boolean hasIndex(String table, String index) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                        + "AND TABLE_NAME = ? AND INDEX_NAME = ?")) {
            ps.setString(1, table);
            ps.setString(2, index);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the indexes of " + table + ": " + e.getMessage(), e);
        }
    }

    private Timer alterTimer(String table) {
        return Timer.builder("scalemanager_cleaner_partition_alter")
                .description("Wall time of each partition ALTER the cleaner ran, by table; on event_log the longest "
                        + "the collectors' inserts can have waited behind one")
                .tag("table", table)
                .register(registry);
    }

    private Counter gaveWayCounter(String table) {
        return Counter.builder("scalemanager_cleaner_lock_gave_way")
                .description("Partition ALTERs that found the table's metadata lock in use and gave way to its "
                        + "users, to try again, by table")
                .tag("table", table)
                .register(registry);
    }
}
