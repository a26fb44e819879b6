package io.scalemanager.history.jdbc;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcEventLogOnH2Test extends JdbcEventLogTest {
    @Override
    protected Database openDatabase(Path dir) {
        return TestDatabases.h2File(dir);
    }

    @Test
    void theChartsStepsAreReadInTimeOrderThroughTheWindowIndex() throws Exception {
        try (Connection c = db().connection();
             PreparedStatement ps = c.prepareStatement("EXPLAIN " + JdbcEventLog.SAMPLES_SQL)) {
            ps.setString(1, "vm-7");
            ps.setString(2, "cpu");
            ps.setLong(3, 1_764_067_200_000L);
            ps.setLong(4, 1_764_067_200_000L + 300_000);
            ps.setInt(5, 1000);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).containsIgnoringCase("EVENT_LOG_INSTANCE_TYPE_TS")
                        .containsIgnoringCase("TS >=").containsIgnoringCase("TS <=");
            }
        }
    }
}
