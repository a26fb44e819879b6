package io.scalemanager.history.jdbc;

import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Reads a range of the EventLog in sequence order for a replay (a backtest), the cleaner's archive included:
 * {@code event_log} and {@code event_log_archive} hold disjoint rows with the same columns, so the two are read
 * side by side, page by page along their primary keys, and merged by sequence number. Memory stays at two pages
 * and a few batches whatever the range.
 */
public final class EventLogReplay {
    static final int PAGE = 20_000;
    private static final int BATCH = 4096;
    private static final int AHEAD = 8;
    private static final Object END = new Object();

    private final DataSource dataSource;

    public EventLogReplay(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Every event with {@code fromSeq <= seq < toSeq}, live or archived, in sequence order. A reader thread fetches and
     * merges the pages while the caller's thread consumes the previous ones, so reading and deciding overlap on
     * two cores; at most {@link #AHEAD} batches wait between them.
     */
    public void replay(long fromSeq, long toSeq, Consumer<Event> consumer) {
        BlockingQueue<Object> batches = new ArrayBlockingQueue<>(AHEAD);
        Thread reader = new Thread(() -> {
            Object last = END;
            try {
                read(fromSeq, toSeq, batches);
            } catch (InterruptedException e) {
                return; // the consumer stopped early
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                batches.put(last);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "event-log-replay");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                Object next = batches.take();
                if (next instanceof Event[] batch) {
                    for (Event e : batch) {
                        if (e == null) {
                            break;
                        }
                        consumer.accept(e);
                    }
                } else if (next instanceof RuntimeException e) {
                    throw e;
                } else {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("interrupted while reading the event log", e);
        } finally {
            reader.interrupt();
        }
    }

    private void read(long fromSeq, long toSeq, BlockingQueue<Object> batches) throws InterruptedException {
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            try (Page live = new Page(c, "event_log", fromSeq, toSeq);
                 Page archived = new Page(c, "event_log_archive", fromSeq, toSeq)) {
                live.next();
                archived.next();
                Event[] batch = new Event[BATCH];
                int n = 0;
                while (live.has() || archived.has()) {
                    Page first = !archived.has() || (live.has() && live.seq() < archived.seq()) ? live : archived;
                    batch[n++] = first.event();
                    first.next();
                    if (n == BATCH) {
                        batches.put(batch);
                        batch = new Event[BATCH];
                        n = 0;
                    }
                }
                if (n > 0) {
                    batches.put(batch);
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the event log: " + e.getMessage(), e);
        }
    }

    /** One table's rows in seq order, a page of them in memory at a time. */
    private static final class Page implements AutoCloseable {
        private final PreparedStatement query;
        private final long toSeq;
        private final long[] seqs = new long[PAGE];
        private final String[] instances = new String[PAGE];
        private final String[] types = new String[PAGE];
        private final long[] timestamps = new long[PAGE];
        private final double[] values = new double[PAGE];
        private long after;
        private int size;
        private int pos = -1;
        private boolean last;

        Page(Connection c, String table, long fromSeq, long toSeq) throws SQLException {
            this.query = c.prepareStatement("SELECT seq, instance, type, ts, val FROM " + table
                    + " WHERE seq > ? AND seq < ? ORDER BY seq LIMIT " + PAGE);
            this.after = fromSeq - 1;
            this.toSeq = toSeq;
        }

        boolean has() {
            return pos < size;
        }

        long seq() {
            return seqs[pos];
        }

        Event event() {
            return new Event(seqs[pos], new State(instances[pos], types[pos], values[pos], timestamps[pos]));
        }

        void next() throws SQLException {
            pos++;
            if (pos < size || last) {
                return;
            }
            query.setLong(1, after);
            query.setLong(2, toSeq);
            int n = 0;
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    seqs[n] = rs.getLong(1);
                    instances[n] = rs.getString(2);
                    types[n] = rs.getString(3);
                    timestamps[n] = rs.getLong(4);
                    values[n] = rs.getDouble(5);
                    n++;
                }
            }
            size = n;
            pos = 0;
            last = n < PAGE;
            if (n > 0) {
                after = seqs[n - 1];
            }
        }

        @Override
        public void close() throws SQLException {
            query.close();
        }
    }
}
