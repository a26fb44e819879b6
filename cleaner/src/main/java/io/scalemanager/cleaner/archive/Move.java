package io.scalemanager.cleaner.archive;

/**
 * One table the cleaner empties into its archive: rows are walked in the order of the primary key {@code key},
 * and a row moves when {@code condition} (SQL with exactly one {@code ?}, the cutoff) holds for it.
 *
 * @param name    what is moved, in words, for the log and the dry run
 * @param columns the columns copied, the same in the table and its archive
 */
public record Move(String name, String table, String archive, String key, String columns, String condition) {

    /** EventLog rows that arrived before the cutoff sequence number (epoch microseconds): a primary-key walk. */
    public static Move eventLog() {
        return new Move("EventLog rows", "event_log", "event_log_archive", "seq", "seq, instance, type, ts, val",
                "seq < ?");
    }

    /** Finished ActionLog rows whose action finished before the cutoff (epoch milliseconds). */
    public static Move actionLog() {
        return new Move("finished ActionLog rows", "action_log", "action_log_archive", "id",
                "id, instance, rule, component, mode, val, from_value, to_value, status, reason, created_at, "
                        + "updated_at, finished_at, cooldown_ms, operation, error, event_seq, event_type, "
                        + "event_value, event_ts",
                "status IN ('succeeded', 'failed') AND finished_at < ?");
    }
}
