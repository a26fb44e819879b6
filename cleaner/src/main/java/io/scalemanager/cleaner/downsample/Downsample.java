package io.scalemanager.cleaner.downsample;

import io.scalemanager.cleaner.archive.ChunkMover;
import io.scalemanager.core.db.DatabaseSettings.Vendor;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Archives EventLog rows as per (instance, type, minute) aggregates in {@code event_log_minute}: min, max, count
 * and sum are merged into the minute's row, and avg is sum / count. The merge runs in the chunk's transaction,
 * together with the delete of the rows it aggregated, so a rerun after a crash never counts a row twice.
 */
public final class Downsample {
    private Downsample() {
    }

    public static ChunkMover.Copy into(Vendor vendor) {
        String sql = sql(vendor);
        return (c, move, afterKey, upToKey, cutoff) -> {
            // The upsert reports minutes written, not rows aggregated: count the rows it aggregates first.
            long rows;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + move.table()
                    + ChunkMover.chunkWhere(move))) {
                ChunkMover.bindChunk(ps, afterKey, upToKey, cutoff);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rows = rs.getLong(1);
                }
            }
            String from = move.table() + ChunkMover.chunkWhere(move);
            try (PreparedStatement ps = c.prepareStatement(String.format(sql, from))) {
                ChunkMover.bindChunk(ps, afterKey, upToKey, cutoff);
                ps.executeUpdate();
            }
            return rows;
        };
    }

    /**
     * The upsert that folds the rows of {@code from} (on MySQL a partition and a range of it: {@code event_log
     * PARTITION (p) WHERE seq > ? AND seq <= ?}) into event_log_minute. The partitioned cleaner runs it in the
     * transaction that records how far it got.
     */
    public static String partitionSql(String from) {
        return String.format(sql(Vendor.MYSQL), from);
    }

    private static String sql(Vendor vendor) {
        return switch (vendor) {
            case H2 -> "MERGE INTO event_log_minute m USING (SELECT instance, type, "
                    + "(ts / 60000) * 60000 AS minute_start, MIN(val) AS min_val, MAX(val) AS max_val, "
                    + "COUNT(*) AS cnt, SUM(val) AS val_sum FROM %s GROUP BY instance, type, (ts / 60000) * 60000) s "
                    + "ON m.instance = s.instance AND m.type = s.type AND m.minute_start = s.minute_start "
                    + "WHEN MATCHED THEN UPDATE SET min_val = LEAST(m.min_val, s.min_val), "
                    + "max_val = GREATEST(m.max_val, s.max_val), avg_val = (m.val_sum + s.val_sum) / (m.cnt + s.cnt), "
                    + "cnt = m.cnt + s.cnt, val_sum = m.val_sum + s.val_sum "
                    + "WHEN NOT MATCHED THEN INSERT (instance, type, minute_start, min_val, avg_val, max_val, cnt, "
                    + "val_sum) VALUES (s.instance, s.type, s.minute_start, s.min_val, s.val_sum / s.cnt, s.max_val, "
                    + "s.cnt, s.val_sum)";
            // avg_val is assigned first: MySQL applies the assignments left to right.
            case MYSQL -> "INSERT INTO event_log_minute (instance, type, minute_start, min_val, avg_val, max_val, "
                    + "cnt, val_sum) SELECT instance, type, (ts DIV 60000) * 60000, MIN(val), SUM(val) / COUNT(*), "
                    + "MAX(val), COUNT(*), SUM(val) FROM %s GROUP BY instance, type, (ts DIV 60000) * 60000 "
                    + "ON DUPLICATE KEY UPDATE avg_val = (val_sum + VALUES(val_sum)) / (cnt + VALUES(cnt)), "
                    + "min_val = LEAST(min_val, VALUES(min_val)), max_val = GREATEST(max_val, VALUES(max_val)), "
                    + "cnt = cnt + VALUES(cnt), val_sum = val_sum + VALUES(val_sum)";
        };
    }
}
