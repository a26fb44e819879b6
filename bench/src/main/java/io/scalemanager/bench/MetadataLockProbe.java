package io.scalemanager.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who waited on the EventLog's metadata lock, and for how long, as the server saw it: polls MariaDB's
 * {@code information_schema.PROCESSLIST} every {@code everyMs} from its own connection while it runs. Each
 * statement that was seen is one {@link Seen}: its text, the longest time it was seen running ({@code TIME_MS}
 * counts from the statement's start) and the longest it was seen in "Waiting for table metadata lock". For an
 * {@code ALTER} of the live table the difference is the time it held the lock (inserts wait for all of it); for
 * the collector's {@code INSERT}s the wait is the stall the {@code ALTER} caused them. Precision: one poll.
 */
final class MetadataLockProbe implements AutoCloseable {
    private static final String WAITING = "Waiting for table metadata lock";

    /** One statement of one connection, from its first sample to its last. */
    record Seen(long connection, String statement, double maxMs, double waitedMs) {
        boolean alter() {
            return statement.startsWith("ALTER TABLE");
        }
    }

    private final Connection connection;
    private final long everyMs;
    private final Thread thread;
    private final List<Seen> seen = new ArrayList<>();
    private final Map<Long, Seen> current = new HashMap<>();
    private volatile boolean running = true;
    private SQLException failure;

    MetadataLockProbe(String url, long everyMs) throws SQLException {
        this.connection = DriverManager.getConnection(url, "root", "");
        this.everyMs = everyMs;
        this.thread = new Thread(this::poll, "metadata-lock-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        long self;
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                rs.next();
                self = rs.getLong(1);
            }
            while (running) {
                try (ResultSet rs = st.executeQuery("SELECT ID, STATE, TIME_MS, INFO FROM "
                        + "information_schema.PROCESSLIST WHERE INFO IS NOT NULL AND ID <> " + self
                        + " AND (INFO LIKE 'ALTER TABLE event_log %' OR INFO LIKE 'INSERT INTO event_log %')")) {
                    while (rs.next()) {
                        sample(rs.getLong(1), rs.getString(2), rs.getDouble(3), rs.getString(4));
                    }
                }
                Thread.sleep(everyMs);
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void sample(long id, String state, double timeMs, String info) {
        String statement = info.length() > 90 ? info.substring(0, 90) + "..." : info;
        Seen before = current.get(id);
        // A statement of the same connection with a shorter running time is the next one.
        if (before != null && (timeMs < before.maxMs || !before.statement.equals(statement))) {
            seen.add(before);
            before = null;
        }
        double waited = WAITING.equals(state) ? timeMs : 0;
        current.put(id, before == null ? new Seen(id, statement, timeMs, waited)
                : new Seen(id, statement, Math.max(before.maxMs, timeMs), Math.max(before.waitedMs, waited)));
    }

    /** Stops polling; returns every ALTER seen and every INSERT seen waiting for the metadata lock. */
    List<Seen> stop() throws SQLException, InterruptedException {
        running = false;
        thread.join(5_000);
        if (failure != null) {
            throw failure;
        }
        return finish();
    }

    private synchronized List<Seen> finish() {
        seen.addAll(current.values());
        current.clear();
        return seen.stream().filter(s -> s.alter() || s.waitedMs > 0).toList();
    }

    /** Prints what {@link #stop} returned, ALTERs and the INSERTs that waited. */
    static void print(List<Seen> seen) {
        List<Seen> inserts = seen.stream().filter(s -> !s.alter()).toList();
        for (Seen s : seen) {
            if (s.alter()) {
                System.out.printf(Locale.ROOT, "  ALTER seen running %7.1f ms, of which waiting for the metadata "
                        + "lock %7.1f ms: %s%n", s.maxMs, s.waitedMs, s.statement);
            }
        }
        System.out.printf(Locale.ROOT, "  collector INSERTs seen waiting for the metadata lock: %d, longest %.1f ms, "
                        + "in total %.1f ms%n", inserts.size(),
                inserts.stream().mapToDouble(Seen::waitedMs).max().orElse(0),
                inserts.stream().mapToDouble(Seen::waitedMs).sum());
    }

    @Override
    public void close() throws SQLException {
        running = false;
        connection.close();
    }
}
