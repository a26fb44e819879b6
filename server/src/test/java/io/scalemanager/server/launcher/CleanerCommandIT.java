package io.scalemanager.server.launcher;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.state.EventSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bin/scalemanager cleaner --dry-run} and {@code --once} against the embedded database of a data directory. */
class CleanerCommandIT {
    @TempDir
    Path dir;

    @Test
    void dryRunPrintsWhatWouldMoveAndOnceMovesIt() throws Exception {
        long now = System.currentTimeMillis();
        try (Database db = TestDatabases.h2File(dir); Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO event_log (seq, instance, type, ts, val) VALUES (?, 'web-1', 'cpu', ?, 1)")) {
            for (int i = 0; i < 1000; i++) {
                long age = i < 700 ? Duration.ofDays(8).toMillis() : Duration.ofDays(1).toMillis();
                ps.setLong(1, EventSequence.firstAt(now - age) + i);
                ps.setLong(2, now - age);
                ps.addBatch();
            }
            ps.executeBatch();
        }

        String dry = run("cleaner", "--dry-run", "--data", dir.toString());
        assertThat(dry).contains("would archive 700 EventLog rows");
        assertThat(counts()).isEqualTo(new long[] {1000, 0});

        String once = run("cleaner", "--once", "--data", dir.toString());
        assertThat(once).contains("archived 700 EventLog rows");
        assertThat(counts()).isEqualTo(new long[] {300, 700});
    }

    private long[] counts() throws SQLException {
        try (Database db = TestDatabases.h2File(dir); Connection c = db.connection();
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT COUNT(*) FROM event_log), "
                     + "(SELECT COUNT(*) FROM event_log_archive)")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    private String run(String... args) throws Exception {
        return Launcher.run(dir, Map.of(), List.of(args));
    }
}
