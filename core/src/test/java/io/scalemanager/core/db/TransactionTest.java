package io.scalemanager.core.db;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs against every supported database: see TransactionOnH2Test and TransactionOnMariaDbTest. */
abstract class TransactionTest {

    /** Opens the database of the directory, migrated like production, with its pool of 8 connections. */
    protected abstract Database openDatabase(Path dir);

    @TempDir
    Path dir;
    private Database database;

    @BeforeEach
    void open() throws SQLException {
        database = openDatabase(dir);
        try (Connection c = database.connection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS tx_probe");
            st.execute("CREATE TABLE tx_probe (id INT PRIMARY KEY)");
        }
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void whatTheWorkWroteIsCommittedWhenItReturns() throws SQLException {
        int result = Transaction.call(database.dataSource(), c -> {
            insert(c, 1);
            insert(c, 2);
            return 42;
        });

        assertThat(result).isEqualTo(42);
        assertThat(ids()).containsExactly(1, 2);
    }

    @Test
    void aFailingStatementRollsBackTheWholeTransactionAndIsThrownAsItWas() {
        assertThatThrownBy(() -> Transaction.run(database.dataSource(), c -> {
            insert(c, 1);
            insert(c, 1); // the primary key refuses it
        })).isInstanceOf(SQLException.class).satisfies(e -> {
            assertThat(((SQLException) e).getSQLState()).startsWith("23");
            assertThat(e.getSuppressed()).isEmpty();
        });

        assertThat(ids()).isEmpty();
    }

    @Test
    void aRuntimeExceptionOfTheWorkRollsBackToo() {
        IllegalStateException thrown = new IllegalStateException("copied 3, deleted 2");

        assertThatThrownBy(() -> Transaction.run(database.dataSource(), c -> {
            insert(c, 1);
            throw thrown;
        })).isSameAs(thrown);

        assertThat(ids()).isEmpty();
    }

    @Test
    void theWorksExceptionIsKeptWhenTheRollbackFailsToo() {
        assertThatThrownBy(() -> Transaction.run(database.dataSource(), c -> {
            insert(c, 1);
            c.close(); // the rollback then fails on a closed connection
            insert(c, 2);
        })).isInstanceOf(SQLException.class).satisfies(e -> {
            assertThat(e.getSuppressed()).hasSize(1);
            assertThat(e.getSuppressed()[0]).isInstanceOf(SQLException.class);
        });

        assertThat(ids()).isEmpty();
    }

    @Test
    void theWorkMayRollBackPartWayAndWriteOnInANewTransaction() throws SQLException {
        boolean undone = Transaction.call(database.dataSource(), c -> {
            insert(c, 1);
            c.rollback();
            insert(c, 2);
            return true;
        });

        assertThat(undone).isTrue();
        assertThat(ids()).containsExactly(2);
    }

    @Test
    void theWorkRunsAtTheIsolationAskedAndThePoolSetsItBackAfterwards() throws SQLException {
        int isolation = Transaction.call(database.dataSource(), Connection.TRANSACTION_SERIALIZABLE, c -> {
            insert(c, 1);
            return c.getTransactionIsolation();
        });

        assertThat(isolation).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
        assertThat(ids()).containsExactly(1);
        // Every connection of the pool at once, the one the transaction used among them.
        List<Connection> all = new ArrayList<>();
        try {
            for (int i = 0; i < database.settings().poolSize(); i++) {
                all.add(database.connection());
            }
            for (Connection c : all) {
                assertThat(c.getTransactionIsolation()).isNotEqualTo(Connection.TRANSACTION_SERIALIZABLE);
                assertThat(c.getAutoCommit()).isTrue();
            }
        } finally {
            for (Connection c : all) {
                c.close();
            }
        }
    }

    private static void insert(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO tx_probe (id) VALUES (?)")) {
            ps.setInt(1, id);
            ps.executeUpdate();
        }
    }

    private List<Integer> ids() {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM tx_probe ORDER BY id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return ids;
    }
}
