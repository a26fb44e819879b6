package io.scalemanager.cleaner;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.state.EventSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No loss, no duplicate: the cleaner runs as a child process, is killed with SIGKILL in the middle of its run
 * (several times), is run again to the end, and every row is then in its table or its archive exactly once.
 * Runs on H2 (the database is closed here while the child holds the file) and on MariaDB.
 */
abstract class KillMidRunTest {
    private static final int OLD_EVENTS = 40_000;
    private static final int NEW_EVENTS = 5_000;
    private static final int OLD_ACTIONS = 3_000;
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    protected abstract Database openDatabase(Path dir);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void killedMidRunAndRestartedLosesAndRepeatsNoRow() throws Exception {
        String url;
        String user;
        Set<Long> events = new HashSet<>();
        Set<Long> oldEvents = new HashSet<>();
        Set<Long> actions = new HashSet<>();
        try (Database db = openDatabase(dir)) {
            url = db.settings().url();
            user = db.settings().user();
            long now = System.currentTimeMillis();
            try (Connection c = db.connection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO event_log (seq, instance, type, ts, val) VALUES (?, ?, 'cpu', ?, ?)")) {
                    long oldBase = EventSequence.firstAt(now - 10 * DAY_MS);
                    long newBase = EventSequence.firstAt(now - DAY_MS);
                    for (int i = 0; i < OLD_EVENTS + NEW_EVENTS; i++) {
                        long seq = i < OLD_EVENTS ? oldBase + i * 7L : newBase + i;
                        ps.setLong(1, seq);
                        ps.setString(2, "web-" + (i % 50));
                        ps.setLong(3, EventSequence.arrivalMs(seq));
                        ps.setDouble(4, i);
                        ps.addBatch();
                        events.add(seq);
                        if (i < OLD_EVENTS) {
                            oldEvents.add(seq);
                        }
                        if (i % 1000 == 999) {
                            ps.executeBatch();
                        }
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO action_log (id, instance, rule, "
                        + "component, mode, val, status, reason, created_at, updated_at, finished_at, cooldown_ms, "
                        + "event_seq, event_type, event_value, event_ts) VALUES (?, 'web-1', 'ram-up', 'ram', 'rel', "
                        + "1024, ?, 'ram > 80', ?, ?, ?, 600000, ?, 'ram', 91, ?)")) {
                    for (int id = 1; id <= OLD_ACTIONS + 100; id++) {
                        long finished = id <= OLD_ACTIONS ? now - 100 * DAY_MS : now - DAY_MS;
                        ps.setLong(1, id);
                        ps.setString(2, id % 2 == 0 ? "succeeded" : "failed");
                        ps.setLong(3, finished - 1000);
                        ps.setLong(4, finished);
                        ps.setLong(5, finished);
                        ps.setLong(6, id);
                        ps.setLong(7, finished);
                        ps.addBatch();
                        actions.add((long) id);
                    }
                    ps.executeBatch();
                }
                c.commit();
            }
        }

        int archived = 0;
        for (int kill = 1; kill <= 3; kill++) {
            Process child = startChild(url, user);
            int chunks = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while (chunks < 5 && (line = out.readLine()) != null) {
                    if (line.contains("Archived chunk")) {
                        chunks++;
                    }
                    assertThat(line).doesNotStartWith("done");
                }
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(chunks).as("chunks seen before kill %d", kill).isEqualTo(5);
            try (Database db = openDatabase(dir)) {
                assertExactlyOnce(db, events, actions);
                // Each run made progress before it was killed, and the next run walks on from there.
                int now = keys(db, "SELECT seq FROM event_log_archive").size()
                        + keys(db, "SELECT id FROM action_log_archive").size();
                assertThat(now).as("rows archived after kill %d", kill).isGreaterThan(archived);
                assertThat(keys(db, "SELECT seq FROM event_log")).as("after kill %d", kill)
                        .hasSizeGreaterThan(NEW_EVENTS);
                archived = now;
            }
        }

        Process last = startChild(url, user);
        String output = new String(last.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).as(output).isZero();
        assertThat(output).contains("done ");
        try (Database db = openDatabase(dir)) {
            assertExactlyOnce(db, events, actions);
            assertThat(new HashSet<>(keys(db, "SELECT seq FROM event_log_archive"))).isEqualTo(oldEvents);
            assertThat(keys(db, "SELECT id FROM action_log_archive")).hasSize(OLD_ACTIONS);
        }
    }

    private static void assertExactlyOnce(Database db, Set<Long> events, Set<Long> actions) {
        List<Long> eventRows = keys(db, "SELECT seq FROM event_log");
        eventRows.addAll(keys(db, "SELECT seq FROM event_log_archive"));
        assertThat(eventRows).hasSize(events.size());
        assertThat(new HashSet<>(eventRows)).isEqualTo(events);
        List<Long> actionRows = keys(db, "SELECT id FROM action_log");
        actionRows.addAll(keys(db, "SELECT id FROM action_log_archive"));
        assertThat(actionRows).hasSize(actions.size());
        assertThat(new HashSet<>(actionRows)).isEqualTo(actions);
    }

    private static List<Long> keys(Database db, String sql) {
        List<Long> keys = new ArrayList<>();
        try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                keys.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return keys;
    }

    private static Process startChild(String url, String user) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CleanerChild.class.getName(), url, user, "400", "5")
                .redirectErrorStream(true)
                .start();
    }
}
