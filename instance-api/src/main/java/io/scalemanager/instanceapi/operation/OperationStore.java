package io.scalemanager.instanceapi.operation;

import io.scalemanager.core.operation.OperationStatus;
import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Operations in table {@code operation}: the source of truth for what runs where. */
public final class OperationStore {
    private static final int MAX_ERROR_CHARS = 2000;
    private static final int MAX_NOTE_CHARS = 500;
    private static final String COLUMNS = "id, instance, component, mode, val, from_value, to_value, status, error, "
            + "idempotency_key, created_at, started_at, finished_at, note, restart_policy, needs_restart";
    private static final String ACTIVE = "('pending', 'running')";

    /** What became of an {@link #insert}. */
    public enum InsertResult { INSERTED, INSTANCE_BUSY, KEY_TAKEN }

    private final Database database;

    public OperationStore(Database database) {
        this.database = database;
    }

    /**
     * Adds the operation unless another operation is pending or running on its instance or its idempotency key
     * is already taken. Unique constraints decide (one on the key, one on a column that holds the instance only
     * while the operation is active), so this holds across processes sharing the database.
     */
    public InsertResult insert(Operation op) {
        String sql = "INSERT INTO operation (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, op.id());
            ps.setString(2, op.instance());
            ps.setString(3, op.component().wireName());
            ps.setString(4, op.mode().wireName());
            ps.setDouble(5, op.value());
            ps.setLong(6, op.from());
            ps.setLong(7, op.to());
            ps.setString(8, op.status().wireName());
            ps.setString(9, truncate(op.error(), MAX_ERROR_CHARS));
            ps.setString(10, op.idempotencyKey());
            ps.setLong(11, op.createdAt());
            setNullableLong(ps, 12, op.startedAt());
            setNullableLong(ps, 13, op.finishedAt());
            ps.setString(14, truncate(op.note(), MAX_NOTE_CHARS));
            ps.setString(15, op.restart().wireName());
            ps.setBoolean(16, op.needsRestart());
            ps.executeUpdate();
            return InsertResult.INSERTED;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
                if (message.contains("operation_one_active")) {
                    return InsertResult.INSTANCE_BUSY;
                }
                if (op.idempotencyKey() != null) {
                    return InsertResult.KEY_TAKEN;
                }
            }
            throw new DatabaseException("cannot store operation " + op.id() + ": " + e.getMessage(), e);
        }
    }

    public Optional<Operation> find(String id) {
        return queryOne("SELECT " + COLUMNS + " FROM operation WHERE id = ?", id);
    }

    public Optional<Operation> findByIdempotencyKey(String key) {
        return queryOne("SELECT " + COLUMNS + " FROM operation WHERE idempotency_key = ?", key);
    }

    /** The operation pending or running on the instance, if any. */
    public Optional<Operation> findActive(String instance) {
        return queryOne("SELECT " + COLUMNS + " FROM operation WHERE instance = ? AND status IN " + ACTIVE
                + " ORDER BY created_at", instance);
    }

    /** Operations newest first, of one instance and in one status when given. */
    public List<Operation> list(Optional<String> instance, Optional<OperationStatus> status, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM operation WHERE 1 = 1");
        instance.ifPresent(i -> sql.append(" AND instance = ?"));
        status.ifPresent(s -> sql.append(" AND status = ?"));
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            if (instance.isPresent()) {
                ps.setString(i++, instance.get());
            }
            if (status.isPresent()) {
                ps.setString(i++, status.get().wireName());
            }
            ps.setInt(i, limit);
            return readAll(ps);
        } catch (SQLException e) {
            throw new DatabaseException("cannot list operations", e);
        }
    }

    /** Every pending or running operation, oldest first. */
    public List<Operation> findUnfinished() {
        try (Connection c = database.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM operation WHERE status IN "
                     + ACTIVE + " ORDER BY created_at")) {
            return readAll(ps);
        } catch (SQLException e) {
            throw new DatabaseException("cannot read unfinished operations", e);
        }
    }

    /** Writes status, error and times of an operation that already exists. */
    public void update(Operation op) {
        try (Connection c = database.connection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE operation SET status = ?, error = ?, started_at = ?, finished_at = ?, note = ?, needs_restart = ? "
                             + "WHERE id = ?")) {
            ps.setString(1, op.status().wireName());
            ps.setString(2, truncate(op.error(), MAX_ERROR_CHARS));
            setNullableLong(ps, 3, op.startedAt());
            setNullableLong(ps, 4, op.finishedAt());
            ps.setString(5, truncate(op.note(), MAX_NOTE_CHARS));
            ps.setBoolean(6, op.needsRestart());
            ps.setString(7, op.id());
            if (ps.executeUpdate() != 1) {
                throw new DatabaseException("operation " + op.id() + " is not in the database", null);
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot update operation " + op.id(), e);
        }
    }

    private Optional<Operation> queryOne(String sql, String param) {
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            List<Operation> found = readAll(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        } catch (SQLException e) {
            throw new DatabaseException("cannot read operations", e);
        }
    }

    private static List<Operation> readAll(PreparedStatement ps) throws SQLException {
        List<Operation> result = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                OperationStatus status = OperationStatus.fromWire(rs.getString("status"));
                result.add(new Operation(
                        rs.getString("id"),
                        rs.getString("instance"),
                        Component.parse(rs.getString("component")).orElseThrow(),
                        ChangeMode.parse(rs.getString("mode")).orElseThrow(),
                        rs.getDouble("val"),
                        rs.getLong("from_value"),
                        rs.getLong("to_value"),
                        status,
                        status.isFinished() ? ResizeResult.of(status, rs.getBoolean("needs_restart"),
                                rs.getString("note"), rs.getString("error")) : null,
                        rs.getString("idempotency_key"),
                        rs.getLong("created_at"),
                        nullableLong(rs, "started_at"),
                        nullableLong(rs, "finished_at"),
                        RestartPolicy.parse(rs.getString("restart_policy")).orElse(RestartPolicy.ALLOWED)));
            }
        }
        return result;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
