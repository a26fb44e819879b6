package io.scalemanager.cleaner.archive;

import java.util.List;

/**
 * One table the cleaner empties into its archive: rows are walked in the order of the primary key {@code key},
 * and a row moves when {@code condition} (SQL with exactly one {@code ?}, the cutoff) holds for it. The columns
 * copied are the archive's, read from the database ({@link ChunkMover#raw()}), so a column a migration adds to a
 * table and its archive is archived without a change here; the tables themselves belong to the modules that
 * write them (see docs/architecture.md, "Who owns which table").
 *
 * @param name what is moved, in words, for the log and the dry run
 */
public record Move(String name, String table, String archive, String key, String condition) {

    /** EventLog rows that arrived before the cutoff sequence number: a primary-key walk. */
    public static Move eventLog() {
        return new Move("EventLog rows", "event_log", "event_log_archive", "seq", "seq < ?");
    }

    /** Finished ActionLog rows whose action finished before the cutoff (epoch milliseconds). */
    public static Move actionLog() {
        return new Move("finished ActionLog rows", "action_log", "action_log_archive", "id",
                "status IN ('succeeded', 'failed') AND finished_at < ?");
    }

    /** Audit trail entries written before the cutoff (epoch milliseconds). */
    public static Move auditLog() {
        return new Move("audit trail entries", "audit_log", "audit_log_archive", "id", "time < ?");
    }

    /** Decision records (outcome changes of rules) whose event time is before the cutoff (epoch milliseconds). */
    public static Move decisionLog() {
        return new Move("decision records", "decision_log", "decision_log_archive", "id", "time < ?");
    }

    /**
     * The record tables kept for {@code cleaner.action_retention} (epoch-millisecond cutoff): a table another
     * module adds (a decision or audit log) joins the cleaner with one line here and its archive table.
     */
    public static List<Move> records() {
        return List.of(actionLog(), auditLog(), decisionLog());
    }
}
