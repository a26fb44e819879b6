package io.scalemanager.queue.embedded;

import io.scalemanager.core.db.DatabaseException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/** Positions of a consumer per partition, in table {@code queue_offset} (owned by the queue module). */
public final class OffsetStore {
    private final DataSource dataSource;
    private final String consumer;

    public OffsetStore(DataSource dataSource, String consumer) {
        this.dataSource = dataSource;
        this.consumer = consumer;
    }

    /** Partition number to the last sequence number fully handled. */
    public Map<Integer, Long> load() {
        Map<Integer, Long> offsets = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT partition_no, seq FROM queue_offset WHERE consumer = ?")) {
            ps.setString(1, consumer);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    offsets.put(rs.getInt(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read queue offsets: " + e.getMessage(), e);
        }
        return offsets;
    }

    /**
     * The lowest position over the partitions (every event up to it is decided), or empty before any is saved.
     * For the cleaner, which must not archive what the queue would replay.
     */
    public OptionalLong lowest() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT MIN(seq) FROM queue_offset WHERE consumer = ?")) {
            ps.setString(1, consumer);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long lowest = rs.getLong(1);
                return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(lowest);
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the queue positions: " + e.getMessage(), e);
        }
    }

    public void save(int partition, long seq) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE queue_offset SET seq = ? WHERE consumer = ? AND partition_no = ?")) {
                update.setLong(1, seq);
                update.setString(2, consumer);
                update.setInt(3, partition);
                if (update.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO queue_offset (consumer, partition_no, seq) VALUES (?, ?, ?)")) {
                insert.setString(1, consumer);
                insert.setInt(2, partition);
                insert.setLong(3, seq);
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot save queue offset: " + e.getMessage(), e);
        }
    }
}
