package io.scalemanager.server.wiring;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.db.TestMariaDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The all-in-one's cleaner archives behind the collector while states are posted over HTTP: every accepted
 * state is afterwards in the EventLog or its archive, exactly once. On H2 (the default) and on MariaDB.
 */
class AllInOneCleanerTest {
    private static final int INSTANCES = 40;

    @TempDir
    Path dir;

    @Test
    void cleanerArchivesWhileTheCollectorIngestsAndLosesNothingOnH2() throws Exception {
        Set<Long> accepted = ingestWhileCleaning(Map.of());
        try (Database db = TestDatabases.h2File(dir.resolve("data"))) {
            assertEveryStateOnce(db, accepted);
        }
    }

    @Test
    void cleanerArchivesWhileTheCollectorIngestsAndLosesNothingOnMariaDb() throws Exception {
        String url = TestMariaDb.url("cleaner_" + Integer.toHexString(dir.toString().hashCode()));
        Set<Long> accepted = ingestWhileCleaning(Map.of("SCALEMANAGER_DB_URL", url, "SCALEMANAGER_DB_USER", "root"));
        try (Database db = Database.open(new io.scalemanager.core.db.DatabaseSettings(url, "root", "", 2,
                Duration.ofSeconds(5)))) {
            assertEveryStateOnce(db, accepted);
        }
    }

    /** Posts batches until the cleaner has archived some and a few more after; returns every accepted value. */
    private Set<Long> ingestWhileCleaning(Map<String, String> extraEnv) throws Exception {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("SCALEMANAGER_CLEANER_INTERVAL", "100ms");
        env.put("SCALEMANAGER_CLEANER_EVENT_RETENTION", "1s");
        env.put("SCALEMANAGER_CLEANER_CHUNK_ROWS", "200");
        env.put("SCALEMANAGER_CLEANER_PAUSE", "0");
        Set<Long> accepted = new HashSet<>();
        long value = 0;
        try (TestServer server = TestServer.start(dir, "rules: []\n", env)) {
            int batchesAfterArchiving = -1;
            while (batchesAfterArchiving < 20) {
                long t = System.currentTimeMillis() / 1000;
                StringBuilder json = new StringBuilder("[");
                List<Long> values = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    json.append(i == 0 ? "" : ",").append("{\"instance\":\"web-").append(i % INSTANCES)
                            .append("\",\"type\":\"cpu\",\"value\":").append(value).append(",\"timestamp\":")
                            .append(t).append('}');
                    values.add(value++);
                }
                HttpResponse<String> r = server.post("/v1/states", json.append(']').toString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                accepted.addAll(values);
                if (batchesAfterArchiving >= 0) {
                    batchesAfterArchiving++;
                } else if (archivedSoFar(server) > 0) {
                    batchesAfterArchiving = 0;
                }
                assertThat(value).as("the cleaner archived nothing").isLessThan(400_000);
            }
        }
        return accepted;
    }

    /** EventLog rows the cleaner has archived, from /metrics. */
    private static double archivedSoFar(TestServer server) throws Exception {
        for (String line : server.get("/metrics").body().split("\n")) {
            if (line.startsWith("scalemanager_cleaner_archived_rows_total{table=\"event_log\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static void assertEveryStateOnce(Database db, Set<Long> accepted) {
        List<Long> stored = values(db, "SELECT val FROM event_log");
        List<Long> archived = values(db, "SELECT val FROM event_log_archive");
        assertThat(archived).isNotEmpty();
        stored.addAll(archived);
        assertThat(stored).hasSize(accepted.size());
        assertThat(new HashSet<>(stored)).isEqualTo(accepted);
    }

    private static List<Long> values(Database db, String sql) {
        List<Long> values = new ArrayList<>();
        try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add((long) rs.getDouble(1));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return values;
    }
}
