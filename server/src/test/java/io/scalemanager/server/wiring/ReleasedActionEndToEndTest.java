package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.db.TestMariaDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An action released while it awaited its size, on the all-in-one through its HTTP API, on H2 and MariaDB: it ends
 * failed, the cleaner archives it like any finished action, and its lock is the cooldown from the release — held
 * until then (also once the action is archived), free after.
 */
class ReleasedActionEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long COOLDOWN_S = 30;
    /** The VM never shows more than this: the simulator resizes, but the "guest" keeps reporting its old memory. */
    private static final double RAM_SHOWN_MB = 4012;
    private static final String RULES = """
            rules:
              - name: ram-up
                instances: "web-*"
                when: ram > 80
                for: 2s
                then: ram +1024
                cooldown: %ds
                verify_timeout: 1s
            """.formatted(COOLDOWN_S);

    @TempDir
    Path dir;

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void aReleasedActionEndsFailedIsArchivedAndHoldsItsLockForItsCooldownOnH2() throws Exception {
        ReleaseSeen seen = releaseThenArchive(Map.of());
        try (Database db = TestDatabases.h2File(dir.resolve("data"))) {
            assertArchivedWithItsCooldown(db, seen);
        }
    }

    @Test
    void aReleasedActionEndsFailedIsArchivedAndHoldsItsLockForItsCooldownOnMariaDb() throws Exception {
        String url = TestMariaDb.url("released_" + Integer.toHexString(dir.toString().hashCode()));
        ReleaseSeen seen = releaseThenArchive(Map.of("SCALEMANAGER_DB_URL", url, "SCALEMANAGER_DB_USER", "root"));
        try (Database db = Database.open(new DatabaseSettings(url, "root", "", 2, Duration.ofSeconds(5)))) {
            assertArchivedWithItsCooldown(db, seen);
        }
    }

    /** The released action's id and the end of its cooldown (epoch milliseconds), as the API showed them. */
    private record ReleaseSeen(long id, long cooldownUntilMs) {
    }

    private ReleaseSeen releaseThenArchive(Map<String, String> dbEnv) throws Exception {
        Map<String, String> env = new HashMap<>(dbEnv);
        env.put("SCALEMANAGER_CLEANER_INTERVAL", "200ms");
        env.put("SCALEMANAGER_CLEANER_ACTION_RETENTION", "1s");
        try (TestServer server = TestServer.start(dir, RULES, env)) {
            server.report("web-1", "ram_total_mb", now(), RAM_SHOWN_MB);
            server.report("web-1", "ram", now(), 90, 90, 90);
            await().atMost(WAIT).until(() -> "unverified".equals(onlyAction(server).path("status").asText()));
            long id = onlyAction(server).path("id").asLong();
            assertThat(server.getJson("/v1/alerts?instance=web-1").path("alerts").get(0).path("kind").asText())
                    .isEqualTo("unverified");

            HttpResponse<String> released = server.post("/v1/actions/" + id + "/release", "{}");
            assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
            JsonNode ended = server.json(released);
            assertThat(ended.path("status").asText()).isEqualTo("failed");
            assertThat(ended.path("error").asText()).contains("released by an operator", "while it was unverified");
            long finishedMs = Math.round(ended.path("finished_at").asDouble() * 1000);
            ReleaseSeen seen = new ReleaseSeen(id, finishedMs + COOLDOWN_S * 1000);

            // Ended, so the cleaner archives it (a status awaiting the size kept it in the ActionLog for good).
            await().atMost(WAIT).until(() -> server.getJson("/v1/actions?instance=web-1").path("actions").isEmpty());

            // The rule keeps holding: the component stays locked until the cooldown from the release ends, archived
            // action or not, and then the rule acts again.
            await().atMost(WAIT.plusSeconds(COOLDOWN_S)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                server.report("web-1", "ram", now(), 90);
                return !server.getJson("/v1/actions?instance=web-1").path("actions").isEmpty();
            });
            JsonNode next = onlyAction(server);
            assertThat(next.path("id").asLong()).isNotEqualTo(id);
            assertThat(Math.round(next.path("created_at").asDouble() * 1000))
                    .isGreaterThanOrEqualTo(seen.cooldownUntilMs());
            return seen;
        }
    }

    private static JsonNode onlyAction(TestServer server) throws Exception {
        JsonNode actions = server.getJson("/v1/actions?instance=web-1").path("actions");
        assertThat(actions.size()).as(actions.toString()).isLessThanOrEqualTo(1);
        return actions.path(0);
    }

    private static void assertArchivedWithItsCooldown(Database db, ReleaseSeen seen) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT status, finished_at, cooldown_ms FROM action_log_archive WHERE id = ?")) {
            ps.setLong(1, seen.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("action %d in the archive", seen.id()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("failed");
                assertThat(rs.getLong(2) + rs.getLong(3)).isEqualTo(seen.cooldownUntilMs());
            }
        }
    }
}
