package io.scalemanager.history.jdbc;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcEventLogOnMariaDbTest extends JdbcEventLogTest {
    @Override
    protected Database openDatabase(Path dir) {
        return TestDatabases.mariaDb(dir);
    }

    @Test
    void theWindowQueryIsAnIndexRangeScan() throws Exception {
        JdbcEventLog eventLog = new JdbcEventLog(db().dataSource());
        long seq = 0;
        for (int batch = 0; batch < 10; batch++) {
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                seq++;
                events.add(new Event(seq, new State("vm-" + (seq % 500), i % 2 == 0 ? "cpu" : "ram", 50,
                        1_764_067_200_000L + seq * 1000)));
            }
            eventLog.append(events);
        }
        try (Connection c = db().connection()) {
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE TABLE event_log");
            }
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN SELECT val FROM event_log "
                    + "WHERE instance = ? AND type = ? AND ts BETWEEN ? AND ?")) {
                ps.setString(1, "vm-7");
                ps.setString(2, "cpu");
                ps.setLong(3, 1_764_067_200_000L);
                ps.setLong(4, 1_764_067_200_000L + 300_000);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("type")).isEqualTo("range");
                    assertThat(rs.getString("key")).isEqualTo("event_log_instance_type_ts");
                }
            }
            // The chart's steps and the History API: the same range scan, in time order.
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + JdbcEventLog.SAMPLES_SQL)) {
                ps.setString(1, "vm-7");
                ps.setString(2, "cpu");
                ps.setLong(3, 1_764_067_200_000L);
                ps.setLong(4, 1_764_067_200_000L + 300_000);
                ps.setInt(5, 1000);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("type")).isEqualTo("range");
                    assertThat(rs.getString("key")).isEqualTo("event_log_instance_type_ts");
                    assertThat(rs.getString("Extra")).doesNotContain("filesort");
                }
            }
        }
    }
}
