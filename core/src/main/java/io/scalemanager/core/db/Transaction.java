package io.scalemanager.core.db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One database transaction on a connection of its own: the work runs with auto-commit off, what it did is
 * committed when it returns and rolled back when it throws. The work may roll back part way itself (to undo what
 * it did so far, then read or write on in a new transaction); whatever it holds when it returns is committed. The
 * exception the work threw is the one the caller gets: a rollback that fails too is added to it as suppressed.
 * Callers keep their own catch, since what a failure means (a retry, a duplicate decided by a unique key, a
 * {@link DatabaseException} naming what could not be done) is theirs to say.
 */
public final class Transaction {
    private Transaction() {
    }

    /** What runs inside the transaction, on its connection, and its result. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** What runs inside the transaction, on its connection, with no result. */
    @FunctionalInterface
    public interface VoidWork {
        void run(Connection c) throws SQLException;
    }

    /** Runs the work in one transaction at the database's default isolation level. */
    public static void run(DataSource dataSource, VoidWork work) throws SQLException {
        call(dataSource, c -> {
            work.run(c);
            return null;
        });
    }

    /** Runs the work in one transaction at the database's default isolation level and returns its result. */
    public static <T> T call(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            return commitOrRollBack(c, work);
        }
    }

    /**
     * Runs the work in one transaction at the given isolation level ({@link Connection#TRANSACTION_READ_COMMITTED}
     * and the like) and returns its result. The pool sets the connection's own level back when it takes the
     * connection back.
     */
    public static <T> T call(DataSource dataSource, int isolation, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(isolation);
            return commitOrRollBack(c, work);
        }
    }

    private static <T> T commitOrRollBack(Connection c, Work<T> work) throws SQLException {
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (Throwable failure) {
            try {
                c.rollback();
            } catch (SQLException | RuntimeException rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
            }
            throw failure;
        }
    }
}
