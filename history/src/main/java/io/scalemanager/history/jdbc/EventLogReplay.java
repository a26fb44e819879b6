package io.scalemanager.history.jdbc;

import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Reads a range of the EventLog in sequence order for a replay (a backtest), the cleaner's archive included:
 * {@code event_log} and {@code event_log_archive} hold disjoint rows with the same columns, so the two are read
 * side by side, page by page along their primary keys, and merged by sequence number.
 *
 * <p>Reading rows through JDBC costs more than deciding on them (60–70% of a backtest's CPU, see
 * docs/performance.md), so on a machine with cores to spare several reader threads read at once: the range is cut
 * into consecutive chunks of sequence numbers (each sized from the density of the chunks read so far, to hold
 * about {@link #CHUNK_ROWS} rows), each reader reads one chunk at a time on a connection of its own, and the
 * caller's thread takes the chunks in their order, so the events arrive in sequence order exactly as one reader
 * gives them. Memory stays at a few chunks' batches whatever the range.
 */
public final class EventLogReplay {
    static final int PAGE = 20_000;
    /** The rows a chunk aims at: a few pages, so a chunk's queries are few against its rows. */
    static final int CHUNK_ROWS = 50_000;
    /**
     * The readers when none are named: half the cores, since the consumer needs one too. On 2 cores that is one:
     * there, two readers measured no faster, the cores being busy already.
     */
    public static final int DEFAULT_READERS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    private static final int BATCH = 4096;
    private static final int AHEAD = 8;
    /** The first chunk spans a minute of arrivals; later ones follow the density read. */
    private static final long FIRST_SPAN = EventSequence.firstAt(60_000);
    private static final long MIN_SPAN = EventSequence.firstAt(1_000);
    private static final long MAX_SPAN = EventSequence.firstAt(86_400_000);
    private static final Object END = new Object();

    private final DataSource dataSource;
    private final int readers;

    public EventLogReplay(DataSource dataSource) {
        this(dataSource, DEFAULT_READERS);
    }

    /** @param readers how many threads read at once (each with its own connection while it reads a chunk) */
    public EventLogReplay(DataSource dataSource, int readers) {
        if (readers < 1) {
            throw new IllegalArgumentException("at least one reader, got " + readers);
        }
        this.dataSource = dataSource;
        this.readers = readers;
    }

    /**
     * Every event with {@code fromSeq <= seq < toSeq}, live or archived, in sequence order. The reader threads fetch
     * and merge while the caller's thread consumes, so reading and deciding overlap; at most a few chunks of
     * {@link #AHEAD} batches each wait between them.
     */
    public void replay(long fromSeq, long toSeq, Consumer<Event> consumer) {
        long[] bounds = bounds(fromSeq, toSeq);
        if (bounds == null) {
            return; // nothing in the range
        }
        Chunks chunks = new Chunks(bounds[0], bounds[1]);
        List<Thread> threads = new ArrayList<>(readers);
        for (int i = 0; i < readers; i++) {
            Thread reader = new Thread(() -> readChunks(chunks), "event-log-replay-" + (i + 1));
            reader.setDaemon(true);
            threads.add(reader);
            reader.start();
        }
        try {
            while (true) {
                Chunk chunk = chunks.inOrder.take();
                if (chunk.batches == null) {
                    return; // past the range's end
                }
                drain(chunk.batches, consumer);
                chunks.done(chunk);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("interrupted while reading the event log", e);
        } finally {
            for (Thread t : threads) {
                t.interrupt();
            }
        }
    }

    private static void drain(BlockingQueue<Object> batches, Consumer<Event> consumer) throws InterruptedException {
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
    }

    /** A reader thread: takes the next chunk, reads it into its queue, and so on until the range is read. */
    private void readChunks(Chunks chunks) {
        try {
            Chunk chunk;
            while ((chunk = chunks.next()) != null) {
                Object last = END;
                int rows = 0;
                try {
                    rows = read(chunk.fromSeq, chunk.toSeq, chunk.batches);
                } catch (RuntimeException e) {
                    last = e;
                }
                chunk.batches.put(last);
                chunks.read(chunk, rows);
            }
        } catch (InterruptedException e) {
            // the consumer stopped early, or failed
        }
    }

    /** One chunk: a range of sequence numbers, its place in the order, and the batches read of it. */
    private record Chunk(long fromSeq, long toSeq, BlockingQueue<Object> batches) {
    }

    /**
     * Hands out consecutive chunks of the range, in order, at most {@code readers + 1} unconsumed at a time, and
     * lines them up for the consumer in the same order.
     */
    private final class Chunks {
        final BlockingQueue<Chunk> inOrder = new LinkedBlockingQueue<>();
        private final Semaphore unconsumed = new Semaphore(readers + 1);
        private final long toSeq;
        private long nextFrom;
        private long span = FIRST_SPAN;
        private boolean ended;

        Chunks(long fromSeq, long toSeq) {
            this.nextFrom = fromSeq;
            this.toSeq = toSeq;
        }

        /** The next chunk to read, or null when the range is handed out. */
        Chunk next() throws InterruptedException {
            unconsumed.acquire();
            synchronized (this) {
                if (nextFrom >= toSeq) {
                    unconsumed.release();
                    if (!ended) {
                        ended = true;
                        inOrder.put(new Chunk(toSeq, toSeq, null));
                    }
                    return null;
                }
                long to = toSeq - nextFrom <= span ? toSeq : nextFrom + span;
                Chunk chunk = new Chunk(nextFrom, to, new ArrayBlockingQueue<>(AHEAD));
                nextFrom = to;
                inOrder.put(chunk);
                return chunk;
            }
        }

        /** A chunk was read: the next ones are sized for about {@link #CHUNK_ROWS} rows at its density. */
        synchronized void read(Chunk chunk, int rows) {
            long read = chunk.toSeq - chunk.fromSeq;
            long wanted = rows == 0 ? read * 4 : (long) (read * ((double) CHUNK_ROWS / rows));
            span = Math.max(MIN_SPAN, Math.min(MAX_SPAN, Math.max(span / 4, Math.min(span * 4, wanted))));
        }

        void done(Chunk chunk) {
            unconsumed.release();
        }
    }

    /**
     * The first and one past the last sequence number of the range's rows in either table, or null when it has
     * none: the chunks then start at the first row and stop at the last, however wide the range asked.
     */
    private long[] bounds(long fromSeq, long toSeq) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            for (String table : new String[] {"event_log", "event_log_archive"}) {
                for (String order : new String[] {"", " DESC"}) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM " + table
                            + " WHERE seq >= ? AND seq < ? ORDER BY seq" + order + " LIMIT 1")) {
                        ps.setLong(1, fromSeq);
                        ps.setLong(2, toSeq);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                first = Math.min(first, rs.getLong(1));
                                last = Math.max(last, rs.getLong(1));
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the event log: " + e.getMessage(), e);
        }
        return first == Long.MAX_VALUE ? null : new long[] {first, last + 1};
    }

    /** Reads [fromSeq, toSeq) of both tables, merged, into batches; returns how many rows it read. */
    private int read(long fromSeq, long toSeq, BlockingQueue<Object> batches) throws InterruptedException {
        int rows = 0;
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
                        rows += n;
                        batch = new Event[BATCH];
                        n = 0;
                    }
                }
                if (n > 0) {
                    batches.put(batch);
                    rows += n;
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the event log: " + e.getMessage(), e);
        }
        return rows;
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
