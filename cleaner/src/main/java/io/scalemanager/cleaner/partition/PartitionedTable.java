package io.scalemanager.cleaner.partition;

import io.scalemanager.core.db.DatabaseException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * A MariaDB/MySQL table range-partitioned by {@code seq}, as the schema describes it: every answer is read from
 * {@code information_schema} or the table itself, so a cleaner killed between two statements finds the state it
 * left. The DDL uses only what MySQL 8 and MariaDB 10.6+ both have (ADR 9). Statements are built from this
 * class's own table names, partition names ({@link Partition#before}) and numbers: nothing a user typed.
 */
final class PartitionedTable {
    /**
     * How long one of these statements may take: the migration's copy and the exchange's validation read every
     * row, which on a large table is far longer than {@code db.query_timeout} allows a request's statement.
     */
    static final Duration STATEMENT_TIMEOUT = Duration.ofHours(6);
    /**
     * Attempts of one {@code ALTER} that do not wait for the table's metadata lock at all ({@code
     * lock_wait_timeout = 0}, where the server has it: {@link ServerVersion#locksWithoutWaiting}), {@link
     * #AT_ONCE_PAUSE} apart: an {@code ALTER} waiting for the lock makes every later insert queue behind it, so it
     * first only takes the lock at a moment nobody holds it (between two of the collector's commits).
     */
    static final int AT_ONCE_ATTEMPTS = 20;
    /** The pause between two attempts that did not wait, randomised so it cannot fall into step with the writers. */
    static final Duration AT_ONCE_PAUSE = Duration.ofMillis(100);
    /**
     * How long one of the later attempts waits for the metadata lock: the least both servers accept ({@code
     * lock_wait_timeout} is whole seconds; MySQL's least is 1), so that inserts never queue behind it for longer.
     */
    static final Duration LOCK_WAIT = Duration.ofSeconds(1);
    /** Attempts that wait up to {@link #LOCK_WAIT}, with a growing pause between them (1, 2, 4, 8 s). */
    static final int LOCK_ATTEMPTS = 5;
    /** MySQL's and MariaDB's "Lock wait timeout exceeded", which a metadata lock wait also ends with. */
    private static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    private static final Logger log = LoggerFactory.getLogger(PartitionedTable.class);

    /** Told of each {@code ALTER} that went through and of each attempt that gave way. */
    interface Alters {
        void altered(String table, Duration took);

        void gaveWay(String table);

        Alters NONE = new Alters() {
            @Override
            public void altered(String table, Duration took) {
            }

            @Override
            public void gaveWay(String table) {
            }
        };
    }

    private final DataSource dataSource;
    private final String table;
    private final BooleanSupplier locksWithoutWaiting;
    private final Alters alters;

    /**
     * @param locksWithoutWaiting whether the server accepts {@code lock_wait_timeout = 0}; asked at the first
     *                            {@code ALTER}
     */
    PartitionedTable(DataSource dataSource, String table, BooleanSupplier locksWithoutWaiting, Alters alters) {
        this.dataSource = dataSource;
        this.table = table;
        this.locksWithoutWaiting = locksWithoutWaiting;
        this.alters = alters;
    }

    String name() {
        return table;
    }

    /** The partitions in order, the catch-all last; empty when the table is not partitioned. */
    List<Partition> partitions() {
        List<Partition> partitions = new ArrayList<>();
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT PARTITION_NAME, PARTITION_DESCRIPTION FROM information_schema.PARTITIONS "
                        + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND PARTITION_NAME IS NOT NULL "
                        + "ORDER BY PARTITION_ORDINAL_POSITION")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String bound = rs.getString(2);
                    partitions.add(new Partition(rs.getString(1),
                            "MAXVALUE".equalsIgnoreCase(bound) ? Long.MAX_VALUE : Long.parseLong(bound)));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the partitions of " + table + ": " + e.getMessage(), e);
        }
        return partitions;
    }

    boolean exists() {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot look for table " + table + ": " + e.getMessage(), e);
        }
    }

    /** Whether the partition (or, with {@code null}, the whole table) holds no row: reads at most one. */
    boolean isEmpty(String partition) {
        return query("SELECT 1 FROM " + from(partition) + " LIMIT 1", false) == 0;
    }

    long count(String partition) {
        return query("SELECT COUNT(*) FROM " + from(partition), true);
    }

    /**
     * The rows of the partition (or, with {@code null}, the table) as InnoDB's statistics estimate them: one
     * read of {@code information_schema}, whatever the row count. InnoDB recomputes them from sampled pages
     * after a tenth of the rows changed, so for a partition that stopped growing they are within a few percent.
     */
    long estimatedRows(String partition) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(partition == null
                ? "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
                : "SELECT TABLE_ROWS FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() "
                        + "AND TABLE_NAME = ? AND PARTITION_NAME = ?")) {
            ps.setString(1, table);
            if (partition != null) {
                ps.setString(2, partition);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the statistics of " + table + ": " + e.getMessage(), e);
        }
    }

    /** The lowest {@code seq} in the partition (or table), by the primary key: one index read. */
    OptionalLong minSeq(String partition) {
        return optional("SELECT MIN(seq) FROM " + from(partition));
    }

    OptionalLong maxSeq(String partition) {
        return optional("SELECT MAX(seq) FROM " + from(partition));
    }

    /** Partitions the table (a copy of its rows: the one-time migration). */
    void partitionBy(List<Partition> partitions) {
        execute("ALTER TABLE " + table + " PARTITION BY RANGE (seq) (" + clauses(partitions) + ")");
    }

    /**
     * Splits the catch-all into {@code into} followed by a new, empty catch-all: a metadata change while the
     * catch-all is empty, a copy of its rows otherwise.
     */
    void splitCatchAll(List<Partition> into) {
        List<Partition> all = new ArrayList<>(into);
        all.add(new Partition(Partition.CATCH_ALL, Long.MAX_VALUE));
        alter("ALTER TABLE " + table + " REORGANIZE PARTITION " + Partition.CATCH_ALL + " INTO (" + clauses(all)
                + ")");
    }

    /**
     * Swaps the partition's rows with the (unpartitioned) table's: no row is copied. With {@code validate} the
     * server reads every row of {@code withTable} to check it belongs in the partition's range; without, it
     * trusts the caller to have checked ({@code WITHOUT VALIDATION}: MySQL 5.7+, MariaDB 11.4+).
     */
    void exchange(String partition, String withTable, boolean validate) {
        alter("ALTER TABLE " + table + " EXCHANGE PARTITION " + partition + " WITH TABLE " + withTable
                + (validate ? "" : " WITHOUT VALIDATION"));
    }

    /** Drops the partitions in one statement: one wait for the table's metadata lock, however many there are. */
    void drop(List<Partition> partitions) {
        StringJoiner names = new StringJoiner(", ");
        partitions.forEach(p -> names.add(p.name()));
        alter("ALTER TABLE " + table + " DROP PARTITION " + names);
    }

    /**
     * One of a run's {@code ALTER}s. It needs the table's metadata lock, and while it waits for it every later
     * statement on the table (the collectors' inserts) queues behind it. So it first tries {@link
     * #AT_ONCE_ATTEMPTS} times without waiting at all (where the server can), a random 50–150 ms apart, which
     * takes the lock at a moment no transaction holds it; then {@link #LOCK_ATTEMPTS} times waiting at most {@link
     * #LOCK_WAIT}, 1, 2, 4, 8 s apart; then the run stops and the next one tries again. A statement that found the
     * lock taken did nothing, so stopping there is one more place a run can end. What no attempt can shorten is the
     * statement's own work once it holds the lock: the inserts wait for that too.
     */
    private void alter(String ddl) {
        int atOnce = locksWithoutWaiting.getAsBoolean() ? AT_ONCE_ATTEMPTS : 0;
        for (int attempt = 1; ; attempt++) {
            boolean waits = attempt > atOnce;
            try (Connection c = connection(); Statement st = c.createStatement()) {
                st.execute("SET SESSION lock_wait_timeout = " + (waits ? LOCK_WAIT.toSeconds() : 0));
                try {
                    long start = System.nanoTime();
                    st.execute(ddl);
                    alters.altered(table, Duration.ofNanos(System.nanoTime() - start));
                    return;
                } finally {
                    st.execute("SET SESSION lock_wait_timeout = DEFAULT");
                }
            } catch (SQLException e) {
                if (e.getErrorCode() != ER_LOCK_WAIT_TIMEOUT) {
                    throw new DatabaseException("cannot change " + table + " (" + ddl + "): " + e.getMessage(), e);
                }
                alters.gaveWay(table);
                int waited = attempt - atOnce;
                if (waited == LOCK_ATTEMPTS) {
                    throw new DatabaseException("cannot change " + table + ": found its metadata lock in use " + atOnce
                            + " times at once and waited " + LOCK_ATTEMPTS + " times " + LOCK_WAIT.toSeconds()
                            + " s for it, which a long transaction on it holds (see information_schema.PROCESSLIST); "
                            + "the next run tries again", e);
                }
                pause(ddl, attempt, atOnce);
            }
        }
    }

    private void pause(String ddl, int attempt, int atOnce) {
        long pauseMs;
        if (attempt <= atOnce) {
            pauseMs = ThreadLocalRandom.current().nextLong(AT_ONCE_PAUSE.toMillis() / 2,
                    AT_ONCE_PAUSE.toMillis() * 3 / 2 + 1);
            if (attempt == atOnce) {
                log.info("{} was in use each of {} times: from now on waiting at most {} s for it ({})", table,
                        atOnce, LOCK_WAIT.toSeconds(), ddl);
            } else {
                log.debug("{} is in use: trying again in {} ms ({})", table, pauseMs, ddl);
            }
        } else {
            pauseMs = 1000L << (attempt - atOnce - 1);
            log.info("{} is in use by a longer transaction: trying again in {} s rather than holding up its writers "
                    + "({})", table, pauseMs / 1000, ddl);
        }
        try {
            Thread.sleep(pauseMs);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("interrupted while waiting to change " + table, interrupted);
        }
    }

    void execute(String ddl) {
        try (Connection c = connection(); Statement st = c.createStatement()) {
            st.execute(ddl);
        } catch (SQLException e) {
            throw new DatabaseException("cannot change " + table + " (" + ddl + "): " + e.getMessage(), e);
        }
    }

    /** A connection whose socket waits as long as a statement here may take (the pool resets it on return). */
    private Connection connection() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setNetworkTimeout(Runnable::run, (int) STATEMENT_TIMEOUT.toMillis());
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private String from(String partition) {
        return partition == null ? table : table + " PARTITION (" + partition + ")";
    }

    private static String clauses(List<Partition> partitions) {
        StringJoiner clauses = new StringJoiner(", ");
        partitions.forEach(p -> clauses.add(p.clause()));
        return clauses.toString();
    }

    private long query(String sql, boolean count) {
        try (Connection c = connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                return 0;
            }
            return count ? rs.getLong(1) : 1;
        } catch (SQLException e) {
            throw new DatabaseException("cannot read " + table + ": " + e.getMessage(), e);
        }
    }

    private OptionalLong optional(String sql) {
        try (Connection c = connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            long v = rs.getLong(1);
            return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
        } catch (SQLException e) {
            throw new DatabaseException("cannot read " + table + ": " + e.getMessage(), e);
        }
    }
}
