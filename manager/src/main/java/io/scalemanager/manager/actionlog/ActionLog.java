package io.scalemanager.manager.actionlog;

import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.core.db.Transaction;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.manager.rules.Budget;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ActionLog, tables {@code action_log} and {@code action_lock}. The lock of an (instance, component) is a
 * row whose {@code blocked_until} is NULL while an action is pending or running and afterwards the end of the
 * cooldown that blocks every direction (a scale-up's), and whose {@code down_blocked_until} is the end of the
 * cooldown that blocks scale-downs only (any action's); see {@link Direction}. Taking it is an atomic
 * conditional update or a primary-key insert, so two managers on one database can never both start an action for
 * the same component of the same instance.
 */
public final class ActionLog {
    private static final String COLUMNS = "id, instance, rule, component, mode, val, from_value, to_value, status, "
            + "reason, created_at, finished_at, cooldown_ms, operation, error, event_seq, event_type, event_value, "
            + "event_ts, verify_until, verified_at, verified_by, rollback_of, requested_by, refused_by";
    /** Statuses in which an action holds its lock (see {@link ActionStatus}). */
    private static final String HOLDING = "('pending', 'running', 'verifying', 'unverified', 'needs_restart')";
    private static final String AWAITING_SIZE = "('verifying', 'unverified', 'needs_restart')";

    /** The rule name of resizes asked of the instance API directly, not decided by a rule. */
    public static final String DIRECT_RULE = "api";

    private static final int MAX_START_ATTEMPTS = 10;
    /** Upper bound of the random pause before the n-th retry, times n: racers that collided should not again. */
    private static final int RETRY_JITTER_MS = 5;

    private final DataSource dataSource;
    private final Clock clock;

    public ActionLog(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /**
     * Writes the action and takes its lock in one transaction, or tells why not. Managers racing for one lock can
     * still deadlock inside the database now and then; the database then rolls one back, and it tries again after
     * a short random pause.
     */
    public StartResult start(NewAction a) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tryStart(a);
            } catch (DatabaseException e) {
                if (attempt == MAX_START_ATTEMPTS || !(e.getCause() instanceof SQLException sql)
                        || !isTransientConflict(sql)) {
                    throw e;
                }
                pauseBeforeRetry(attempt);
            }
        }
    }

    private static void pauseBeforeRetry(int attempt) {
        try {
            Thread.sleep(1 + ThreadLocalRandom.current().nextInt(RETRY_JITTER_MS * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("interrupted while retrying to start an action", e);
        }
    }

    private StartResult tryStart(NewAction a) {
        long now = clock.millis();
        String component = a.change().component().wireName();
        try {
            // Under REPEATABLE READ, InnoDB's update of a lock row that does not exist yet takes a gap lock, and
            // racing managers' inserts into that gap deadlock; READ COMMITTED takes no gap locks. The lock stays
            // exact: the conditional update locks the row it changes, the insert's primary key refuses a second.
            return Transaction.call(dataSource, Connection.TRANSACTION_READ_COMMITTED, c -> {
                Direction direction = Direction.of(a.change());
                if (!takeLock(c, a.instance(), component, direction, now)) {
                    // Nothing was changed (the update matched no row, the refused insert was undone), so the
                    // transaction ends with the helper's commit, which writes nothing, not with a rollback: on H2
                    // (WRITE_DELAY=0) a rollback always writes the store, under its one lock.
                    return new StartResult.Blocked(blockedUntil(c, a.instance(), component, direction).orElse(now));
                }
                Optional<StartResult.OverBudget> over = overBudget(c, a, now);
                if (over.isPresent()) {
                    c.rollback();
                    return claimBudgetAlert(c, over.get(), now);
                }
                long id = insertAction(c, a, now);
                insertFiredDecision(c, a, id);
                pointLockAt(c, id, a.instance(), component);
                // Read back inside the transaction: a read after its commit would leave one open that the pool
                // rolls back when the connection returns, and on H2 (WRITE_DELAY=0) every rollback writes the
                // store under its one lock: a second write per start, which a wave of starts queues up behind.
                return new StartResult.Started(get(c, id).orElseThrow());
            });
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return new StartResult.AlreadyDecided();
            }
            throw new DatabaseException("cannot start an action: " + e.getMessage(), e);
        }
    }

    private static boolean takeLock(Connection c, String instance, String component, Direction direction, long now)
            throws SQLException {
        String downCooldownOver = direction.waitsForDownCooldowns()
                ? " AND (down_blocked_until IS NULL OR down_blocked_until <= ?)" : "";
        try (PreparedStatement ps = c.prepareStatement("UPDATE action_lock SET blocked_until = NULL, action_id = 0 "
                + "WHERE instance = ? AND component = ? AND blocked_until IS NOT NULL AND blocked_until <= ?"
                + downCooldownOver)) {
            ps.setString(1, instance);
            ps.setString(2, component);
            ps.setLong(3, now);
            if (direction.waitsForDownCooldowns()) {
                ps.setLong(4, now);
            }
            if (ps.executeUpdate() == 1) {
                return true;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO action_lock (instance, component, action_id, blocked_until) VALUES (?, ?, 0, NULL)")) {
            ps.setString(1, instance);
            ps.setString(2, component);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    /** How long a full concurrency budget is assumed to stay full before the database is asked again. */
    private static final long CONCURRENCY_RECHECK_MS = 5_000;

    /**
     * The first budget of the action with no room, counted under the lock of each budget's row (taken in key order,
     * so racing managers count one after the other and never deadlock on budgets).
     */
    private static Optional<StartResult.OverBudget> overBudget(Connection c, NewAction a, long now)
            throws SQLException {
        if (a.budgets().isEmpty()) {
            return Optional.empty();
        }
        List<Budget> budgets = new ArrayList<>(a.budgets());
        budgets.sort(Comparator.comparing(Budget::key));
        for (Budget b : budgets) {
            lockBudget(c, b.key());
        }
        for (Budget b : budgets) {
            String like = likePattern(b.key());
            if (b.maxActions() > 0) {
                long since = now - b.per().toMillis();
                // An action the manager refused before sending (the shrink guard) changed nothing: it spends none.
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), MIN(created_at) FROM action_log "
                        + "WHERE created_at > ? AND instance LIKE ? ESCAPE '!' AND refused_by IS NULL")) {
                    ps.setLong(1, since);
                    ps.setString(2, like);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) >= b.maxActions()) {
                            return Optional.of(new StartResult.OverBudget(b, b.describe() + " is spent: "
                                    + rs.getLong(1) + " actions in the last " + DurationText.format(b.per()),
                                    rs.getLong(2) + b.per().toMillis(), false));
                        }
                    }
                }
            }
            if (b.maxConcurrent() > 0) {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM action_log "
                        + "WHERE status IN ('pending', 'running') AND instance LIKE ? ESCAPE '!'")) {
                    ps.setString(1, like);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) >= b.maxConcurrent()) {
                            return Optional.of(new StartResult.OverBudget(b, b.describe() + " is spent: "
                                    + rs.getLong(1) + " actions pending or running", now + CONCURRENCY_RECHECK_MS,
                                    false));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static void lockBudget(Connection c, String key) throws SQLException {
        for (int attempt = 0; attempt < 2; attempt++) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT budget FROM action_budget WHERE budget = ? FOR UPDATE")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO action_budget (budget, alerted_until) VALUES (?, 0)")) {
                ps.setString(1, key);
                ps.executeUpdate();
                return; // the new row is locked by this transaction until it ends
            } catch (SQLException e) {
                if (!isUniqueViolation(e)) {
                    throw e;
                }
                // another manager created it meanwhile: lock theirs
            }
        }
        throw new SQLException("cannot lock the row of budget " + key);
    }

    /** One caller per budget period gets {@code alert = true}: the one whose conditional update moves the mark. */
    private static StartResult.OverBudget claimBudgetAlert(Connection c, StartResult.OverBudget over, long now)
            throws SQLException {
        Budget b = over.budget();
        // A concurrency budget has no period of its own: its alert repeats at most every 10 minutes.
        long period = b.maxActions() > 0 ? b.per().toMillis() : 600_000;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE action_budget SET alerted_until = ? WHERE budget = ? AND alerted_until <= ?")) {
            ps.setLong(1, now + period);
            ps.setString(2, b.key());
            ps.setLong(3, now);
            boolean mine = ps.executeUpdate() == 1;
            return new StartResult.OverBudget(b, over.reason(), over.untilMs(), mine);
        }
    }

    /** The instance glob as a LIKE pattern with '!' as escape: instance ids may contain '_'. */
    static String likePattern(String glob) {
        StringBuilder sb = new StringBuilder(glob.length() + 4);
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            switch (ch) {
                case '*' -> sb.append('%');
                case '?' -> sb.append('_');
                case '%', '_', '!' -> sb.append('!').append(ch);
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** Until when an action of this direction stays blocked (Long.MAX_VALUE while one runs); empty: no lock row. */
    private static Optional<Long> blockedUntil(Connection c, String instance, String component, Direction direction)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT blocked_until, down_blocked_until FROM action_lock WHERE instance = ? AND component = ?")) {
            ps.setString(1, instance);
            ps.setString(2, component);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long until = rs.getLong(1);
                if (rs.wasNull()) {
                    return Optional.of(Long.MAX_VALUE);
                }
                long downUntil = rs.getLong(2);
                return Optional.of(direction.waitsForDownCooldowns() && !rs.wasNull() ? Math.max(until, downUntil)
                        : until);
            }
        }
    }

    /**
     * What blocks an action of this direction on (instance, component) now: the action that last took the lock,
     * its rule, and until when (Long.MAX_VALUE while it runs); empty when nothing does.
     */
    public Optional<ActionLocks.Lock> lockHolder(String instance, Component component, Direction direction) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT l.action_id, a.rule FROM action_lock l LEFT JOIN action_log a ON a.id = l.action_id "
                        + "WHERE l.instance = ? AND l.component = ?")) {
            ps.setString(1, instance);
            ps.setString(2, component.wireName());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long actionId = rs.getLong(1);
                String rule = rs.getString(2);
                Optional<Long> until = blockedUntil(c, instance, component.wireName(), direction);
                if (until.isEmpty() || until.get() <= clock.millis()) {
                    return Optional.empty();
                }
                return Optional.of(new ActionLocks.Lock(actionId, rule, until.get()));
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the lock of " + instance + ": " + e.getMessage(), e);
        }
    }

    private static long insertAction(Connection c, NewAction a, long now) throws SQLException {
        Event e = a.event();
        State s = e.state();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO action_log (instance, rule, component, mode, "
                + "val, status, reason, created_at, updated_at, cooldown_ms, event_seq, event_type, event_value, "
                + "event_ts) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, a.instance());
            ps.setString(2, a.rule());
            ps.setString(3, a.change().component().wireName());
            ps.setString(4, a.change().mode().wireName());
            ps.setDouble(5, a.change().value());
            ps.setString(6, truncate(a.reason(), 1000));
            ps.setLong(7, now);
            ps.setLong(8, now);
            ps.setLong(9, a.cooldown().toMillis());
            ps.setLong(10, e.seq());
            ps.setString(11, s.type());
            ps.setDouble(12, s.value());
            ps.setLong(13, s.timestampMs());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /**
     * Records a resize that a person or a script asked of the instance API directly (rule {@code api}): running,
     * with its operation, its sizes and no cooldown; it takes no lock, as no rule decided it. The event fields
     * hold the request: type {@code api}, the requested value, the time it was made; {@code requestedBy} who
     * asked and from where. Returns the action's id.
     */
    public long recordDirect(String instance, Change change, String reason, String operation, long fromValue,
                             long toValue, long requestedAtMs, String requestedBy) {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO action_log (instance, rule, component, mode, "
                     + "val, status, reason, created_at, updated_at, cooldown_ms, event_seq, event_type, event_value, "
                     + "event_ts, operation, from_value, to_value, requested_by) VALUES (?, ?, ?, ?, ?, 'running', ?, "
                     + "?, ?, 0, 0, 'api', ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, instance);
            ps.setString(2, DIRECT_RULE);
            ps.setString(3, change.component().wireName());
            ps.setString(4, change.mode().wireName());
            ps.setDouble(5, change.value());
            ps.setString(6, truncate(reason, 1000));
            ps.setLong(7, now);
            ps.setLong(8, now);
            ps.setDouble(9, change.value());
            ps.setLong(10, requestedAtMs);
            ps.setString(11, operation);
            ps.setLong(12, fromValue);
            ps.setLong(13, toValue);
            ps.setString(14, truncate(requestedBy, 300));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot record the direct resize of " + instance + ": " + e.getMessage(), e);
        }
    }

    /**
     * The {@code fired} row of the decision log, written with the action so that the two never disagree; the
     * manager's batched decision writer records every other outcome.
     */
    private static void insertFiredDecision(Connection c, NewAction a, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO decision_log (time, instance, rule, outcome, "
                + "reason, action) VALUES (?, ?, ?, 'fired', ?, ?)")) {
            ps.setLong(1, a.event().state().timestampMs());
            ps.setString(2, a.instance());
            ps.setString(3, a.rule());
            ps.setString(4, truncate(firedReason(a.change(), a.reason()), 1000));
            ps.setLong(5, id);
            ps.executeUpdate();
        }
    }

    /** {@code cpu +1: load > 4 for 20s, latest 6.54}: the reason of a fired outcome. */
    public static String firedReason(Change change, String why) {
        return change.describe() + ": " + why;
    }

    /** Records the sizes the command goes from and to, before it is sent, so a resend asks for the same. */
    public void plan(long id, long fromValue, long toValue) {
        update("UPDATE action_log SET from_value = ?, to_value = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
                ps -> {
                    ps.setLong(1, fromValue);
                    ps.setLong(2, toValue);
                    ps.setLong(3, clock.millis());
                    ps.setLong(4, id);
                });
    }

    /** The instance API accepted the command as the given operation. */
    public void markRunning(long id, String operation) {
        update("UPDATE action_log SET status = 'running', operation = ?, updated_at = ? "
                + "WHERE id = ? AND status IN ('pending', 'running')", ps -> {
                    ps.setString(1, operation);
                    ps.setLong(2, clock.millis());
                    ps.setLong(3, id);
                });
    }

    /**
     * Finishes the action and turns its lock into a cooldown: a scale-down's blocks later scale-downs only, any
     * other's (a scale-up, or an absolute size that did not shrink) every direction. Returns the end of the
     * cooldown, or empty when the action was already finished (by another manager or the cleaner).
     */
    public Optional<Long> finish(long id, ActionStatus status, String error) {
        if (!status.finished()) {
            throw new IllegalArgumentException("not a final status: " + status);
        }
        return close(id, status, error, null, null);
    }

    /**
     * The manager refused the action itself before sending anything ({@code refusedBy}, e.g.
     * {@link Action#REFUSED_BY_GUARD}): failed with {@code error} and the refusal's kind, so it spends no change
     * budget, and its lock turns into the cooldown as for any end. Empty when it was already finished.
     */
    public Optional<Long> refuse(long id, String refusedBy, String error) {
        return close(id, ActionStatus.FAILED, error, null, refusedBy);
    }

    /**
     * The instance shows the size the action asked for: succeeded, with {@code verified_at} now and whose reading
     * confirmed it ({@code instance} or {@code provider}). Empty when it was already finished or released.
     */
    public Optional<Long> verified(long id, String verifiedBy) {
        return close(id, ActionStatus.SUCCEEDED, null, verifiedBy, null);
    }

    /**
     * An operator gave up waiting for the size of an action that awaits it: it ends failed (its new size was never
     * seen; a status that awaits the size would leave it unfinished for good, and the cleaner would never archive
     * it), its error says it was released after what it awaited, and its lock turns into the cooldown. Empty when
     * the action does not await its size (any more).
     */
    public Optional<Long> release(long id, String note) {
        Optional<Action> a = get(id);
        if (a.isEmpty() || !a.get().status().awaitingSize() || a.get().finishedAtMs() != null) {
            return Optional.empty();
        }
        // The status it had is lost to the final one: the error keeps it, after what it said while awaiting.
        String released = note + " while it was " + a.get().status().wireName();
        String error = a.get().error() == null ? released : a.get().error() + "; " + released;
        return close(id, ActionStatus.FAILED, error, null, null);
    }

    private Optional<Long> close(long id, ActionStatus status, String error, String verifiedBy, String refusedBy) {
        long now = clock.millis();
        try {
            return Transaction.call(dataSource, c -> {
                Optional<Action> action = get(c, id);
                if (action.isEmpty() || action.get().status().finished() || action.get().finishedAtMs() != null) {
                    return Optional.empty();
                }
                Action a = action.get();
                try (PreparedStatement ps = c.prepareStatement("UPDATE action_log SET status = ?, error = ?, "
                        + "finished_at = ?, updated_at = ?, verified_at = ?, verified_by = ?, refused_by = ? "
                        + "WHERE id = ? AND status IN " + HOLDING + " AND finished_at IS NULL")) {
                    ps.setString(1, status.wireName());
                    if (error == null) {
                        ps.setNull(2, Types.VARCHAR);
                    } else {
                        ps.setString(2, truncate(error, 2000));
                    }
                    ps.setLong(3, now);
                    ps.setLong(4, now);
                    if (verifiedBy == null) {
                        ps.setNull(5, Types.BIGINT);
                        ps.setNull(6, Types.VARCHAR);
                    } else {
                        ps.setLong(5, now);
                        ps.setString(6, verifiedBy);
                    }
                    if (refusedBy == null) {
                        ps.setNull(7, Types.VARCHAR);
                    } else {
                        ps.setString(7, refusedBy);
                    }
                    ps.setLong(8, id);
                    if (ps.executeUpdate() == 0) {
                        return Optional.empty();
                    }
                }
                long until = now + a.cooldownMs();
                try (PreparedStatement ps = c.prepareStatement("UPDATE action_lock SET blocked_until = ?, "
                        + "down_blocked_until = CASE WHEN down_blocked_until IS NULL OR down_blocked_until < ? "
                        + "THEN ? ELSE down_blocked_until END "
                        + "WHERE instance = ? AND component = ? AND action_id = ?")) {
                    // A rollback blocks every direction for its cooldown: the rolled-back rule waits, up or down.
                    ps.setLong(1, shrank(a) && a.rollbackOf() == null ? now : until);
                    ps.setLong(2, until);
                    ps.setLong(3, until);
                    ps.setString(4, a.instance());
                    ps.setString(5, a.change().component().wireName());
                    ps.setLong(6, id);
                    ps.executeUpdate();
                }
                return Optional.of(until);
            });
        } catch (SQLException e) {
            throw new DatabaseException("cannot finish action " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * The operation succeeded; the action waits, holding its lock, until the instance shows the new size or
     * untilMs passes. False when it was no longer pending or running.
     */
    public boolean verifying(long id, long untilMs) {
        return updated("UPDATE action_log SET status = 'verifying', verify_until = ?, updated_at = ? "
                + "WHERE id = ? AND status IN ('pending', 'running')", ps -> {
                    ps.setLong(1, untilMs);
                    ps.setLong(2, clock.millis());
                    ps.setLong(3, id);
                });
    }

    /**
     * The provider stored the change for the next restart: the action waits, holding its lock, until the instance
     * shows the size (no timeout: the restart is up to people). False when it was no longer pending or running.
     */
    public boolean needsRestart(long id, String note) {
        return updated("UPDATE action_log SET status = 'needs_restart', error = ?, updated_at = ? "
                + "WHERE id = ? AND status IN ('pending', 'running')", ps -> {
                    ps.setString(1, truncate(note == null ? "needs a restart" : note, 2000));
                    ps.setLong(2, clock.millis());
                    ps.setLong(3, id);
                });
    }

    /**
     * The verify timeout passed without the new size showing: unverified, lock still held. True for the one
     * caller that made the change (so one manager raises the alert).
     */
    public boolean unverified(long id, String error) {
        return updated("UPDATE action_log SET status = 'unverified', error = ?, updated_at = ? "
                + "WHERE id = ? AND status = 'verifying' AND finished_at IS NULL", ps -> {
                    ps.setString(1, truncate(error, 2000));
                    ps.setLong(2, clock.millis());
                    ps.setLong(3, id);
                });
    }

    /** Actions whose operation succeeded and that still wait, holding their lock, for the new size to show. */
    public List<Action> awaitingSize() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM action_log WHERE status IN " + AWAITING_SIZE + " AND finished_at IS NULL ORDER BY id")) {
            return readAll(ps);
        } catch (SQLException e) {
            throw new DatabaseException("cannot list actions awaiting their size: " + e.getMessage(), e);
        }
    }

    /**
     * Starts the one action that undoes {@code original} ({@code rollback_of}): it takes the component's lock
     * whatever cooldown runs (the rollback is what the cooldown's rule asked for), but not from a pending or
     * running action. {@link StartResult.AlreadyDecided} when a rollback of it exists already, from this manager
     * before a restart or from another; the unique index on {@code rollback_of} decides.
     */
    public StartResult startRollback(long originalId, NewAction rollback) {
        long now = clock.millis();
        String component = rollback.change().component().wireName();
        try {
            return Transaction.call(dataSource, Connection.TRANSACTION_READ_COMMITTED, c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE action_lock SET blocked_until = NULL, "
                        + "action_id = 0 WHERE instance = ? AND component = ? AND blocked_until IS NOT NULL")) {
                    ps.setString(1, rollback.instance());
                    ps.setString(2, component);
                    if (ps.executeUpdate() == 0) {
                        return new StartResult.Blocked(Long.MAX_VALUE);
                    }
                }
                long id = insertAction(c, rollback, now);
                try (PreparedStatement ps = c.prepareStatement("UPDATE action_log SET rollback_of = ? WHERE id = ?")) {
                    ps.setLong(1, originalId);
                    ps.setLong(2, id);
                    ps.executeUpdate();
                }
                pointLockAt(c, id, rollback.instance(), component);
                return new StartResult.Started(get(c, id).orElseThrow());
            });
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return new StartResult.AlreadyDecided();
            }
            throw new DatabaseException("cannot start the rollback of action " + originalId + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Succeeded actions that took effect ({@code verified_at}, else {@code finished_at}) at or after
     * {@code sinceMs}, are no rollback themselves and have none yet: what the rollback watch looks at.
     */
    public List<Action> rollbackCandidates(long sinceMs) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM action_log a WHERE status = 'succeeded' AND rollback_of IS NULL AND finished_at >= ? "
                + "AND NOT EXISTS (SELECT 1 FROM action_log r WHERE r.rollback_of = a.id) ORDER BY id")) {
            ps.setLong(1, sinceMs);
            return readAll(ps);
        } catch (SQLException e) {
            throw new DatabaseException("cannot list actions that may be rolled back: " + e.getMessage(), e);
        }
    }

    /** Whether the action made its component smaller: by its planned sizes once known, else as written. */
    private static boolean shrank(Action a) {
        if (a.fromValue() != null && a.toValue() != null) {
            return a.toValue() < a.fromValue();
        }
        return Direction.of(a.change()) == Direction.DOWN;
    }

    public Optional<Action> get(long id) {
        try (Connection c = dataSource.getConnection()) {
            return get(c, id);
        } catch (SQLException e) {
            throw new DatabaseException("cannot read action " + id + ": " + e.getMessage(), e);
        }
    }

    private Optional<Action> get(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM action_log WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** Newest first; instance and status are optional filters. */
    public List<Action> list(Optional<String> instance, Optional<ActionStatus> status, int limit) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM action_log WHERE 1 = 1");
        instance.ifPresent(i -> sql.append(" AND instance = ?"));
        status.ifPresent(s -> sql.append(" AND status = ?"));
        sql.append(" ORDER BY id DESC LIMIT ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            if (instance.isPresent()) {
                ps.setString(p++, instance.get());
            }
            if (status.isPresent()) {
                ps.setString(p++, status.get().wireName());
            }
            ps.setInt(p, limit);
            return readAll(ps);
        } catch (SQLException e) {
            throw new DatabaseException("cannot list actions: " + e.getMessage(), e);
        }
    }

    /** Actions left pending or running, oldest first: resumed after a restart. */
    public List<Action> unfinished() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM action_log WHERE status IN ('pending', 'running') ORDER BY id")) {
            return readAll(ps);
        } catch (SQLException e) {
            throw new DatabaseException("cannot list unfinished actions: " + e.getMessage(), e);
        }
    }

    /**
     * The newest action of each of the instances that has one, by instance: one query for a page of the fleet
     * instead of one per row.
     */
    public Map<String, Action> newestOf(Collection<String> instances) {
        Map<String, Action> newest = new HashMap<>();
        if (instances.isEmpty()) {
            return newest;
        }
        String marks = String.join(", ", Collections.nCopies(instances.size(), "?"));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM action_log WHERE id IN (SELECT MAX(id) FROM action_log WHERE instance IN (" + marks
                + ") GROUP BY instance)")) {
            int p = 1;
            for (String instance : instances) {
                ps.setString(p++, instance);
            }
            for (Action a : readAll(ps)) {
                newest.put(a.instance(), a);
            }
            return newest;
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the newest actions: " + e.getMessage(), e);
        }
    }

    /** Actions pending or running, and those finished at or after finishedSinceMs: what may still hold a lock. */
    public List<Action> unfinishedOrFinishedSince(long finishedSinceMs) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM action_log WHERE (status IN " + HOLDING + " AND finished_at IS NULL) OR finished_at >= ? "
                + "ORDER BY id")) {
            ps.setLong(1, finishedSinceMs);
            return readAll(ps);
        } catch (SQLException e) {
            throw new DatabaseException("cannot list recent actions: " + e.getMessage(), e);
        }
    }

    /**
     * The latest action of every (instance, component) started before beforeMs: where a backtest starting then
     * finds sizes and the locks still held.
     */
    public List<Action> latestPerComponentBefore(long beforeMs) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM action_log WHERE id IN (SELECT MAX(id) FROM action_log WHERE created_at < ? "
                + "GROUP BY instance, component) ORDER BY id")) {
            ps.setLong(1, beforeMs);
            return readAll(ps);
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the actions before " + beforeMs + ": " + e.getMessage(), e);
        }
    }

    /** How many actions each rule started at or after sinceMs. */
    public Map<String, Long> startedPerRuleSince(long sinceMs) {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT rule, COUNT(*) FROM action_log WHERE created_at >= ? GROUP BY rule")) {
            ps.setLong(1, sinceMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new DatabaseException("cannot count actions per rule: " + e.getMessage(), e);
        }
    }

    private static List<Action> readAll(PreparedStatement ps) throws SQLException {
        List<Action> actions = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                actions.add(read(rs));
            }
        }
        return actions;
    }

    private static Action read(ResultSet rs) throws SQLException {
        Change change = new Change(
                Component.parse(rs.getString("component")).orElseThrow(),
                ChangeMode.parse(rs.getString("mode")).orElseThrow(),
                rs.getDouble("val"));
        Event event = new Event(rs.getLong("event_seq"), new State(rs.getString("instance"),
                rs.getString("event_type"), rs.getDouble("event_value"), rs.getLong("event_ts")));
        return new Action(rs.getLong("id"), rs.getString("instance"), rs.getString("rule"), change,
                nullableLong(rs, "from_value"), nullableLong(rs, "to_value"),
                ActionStatus.parse(rs.getString("status")).orElseThrow(), rs.getString("reason"),
                rs.getLong("created_at"), nullableLong(rs, "finished_at"), rs.getLong("cooldown_ms"),
                rs.getString("operation"), rs.getString("error"), event, nullableLong(rs, "verify_until"),
                nullableLong(rs, "verified_at"), rs.getString("verified_by"), nullableLong(rs, "rollback_of"),
                rs.getString("requested_by"), rs.getString("refused_by"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private boolean updated(String sql, StatementBinder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new DatabaseException("cannot update the action log: " + e.getMessage(), e);
        }
    }

    private void update(String sql, StatementBinder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException("cannot update the action log: " + e.getMessage(), e);
        }
    }

    /** A deadlock or lock wait timeout: the transaction was rolled back and may simply be run again. */
    static boolean isTransientConflict(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "HYT00".equals(state) || e.getErrorCode() == 1213 || e.getErrorCode() == 1205;
    }


    /** Makes the (instance, component) lock row name the action that now holds it; same transaction as the insert. */
    private static void pointLockAt(Connection c, long actionId, String instance, String component) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE action_lock SET action_id = ? WHERE instance = ? AND component = ?")) {
            ps.setLong(1, actionId);
            ps.setString(2, instance);
            ps.setString(3, component);
            ps.executeUpdate();
        }
    }
    static boolean isUniqueViolation(SQLException e) {
        // 23xxx is integrity constraint violation in every SQL dialect we support.
        String state = e.getSQLState();
        return state != null && state.startsWith("23");
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    @FunctionalInterface
    private interface StatementBinder {
        void bind(PreparedStatement ps) throws SQLException;
    }
}
