package io.scalemanager.core.db;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V18 on rows written before it, on H2 and MariaDB: a shrink-guard refusal (known then only by its error) gets
 * {@code refused_by = 'guard'}, in the ActionLog and its archive; an action released while it awaited its size
 * (its status kept, {@code finished_at} set) ends {@code failed}, so the cleaner archives it; nothing else changes.
 */
class ActionRefusalMigrationTest {
    private static final String GUARD_ERROR = "not carried out: the shrink guard refused it: ram 4096 → 3072 would "
            + "run at 93% (p99 of 24h, guard_max 85%)";

    @TempDir
    Path dir;

    @Test
    void v18MarksGuardRefusalsAndEndsReleasedActionsOnH2() throws Exception {
        migrateOldRowsThenOpen(new DatabaseSettings(DatabaseSettings.embeddedUrl(dir.toAbsolutePath().toString()),
                "", "", 2, Duration.ofSeconds(5)), "h2");
    }

    @Test
    void v18MarksGuardRefusalsAndEndsReleasedActionsOnMariaDb() throws Exception {
        String name = "v18_" + Integer.toHexString(dir.toAbsolutePath().toString().hashCode());
        migrateOldRowsThenOpen(new DatabaseSettings(TestMariaDb.url(name), "root", "", 2, Duration.ofSeconds(5)),
                "mysql");
    }

    private void migrateOldRowsThenOpen(DatabaseSettings settings, String vendor) throws Exception {
        String url = Database.jdbcUrl(settings);
        Flyway.configure().dataSource(url, settings.user(), settings.password())
                .locations("classpath:db/migration/" + vendor).target("17").load().migrate();
        try (Connection c = DriverManager.getConnection(url, settings.user(), settings.password())) {
            insert(c, "action_log", 1, "failed", 1_000L, GUARD_ERROR);
            insert(c, "action_log", 2, "failed", 1_000L, "operation op-2 failed: the hoster said no");
            insert(c, "action_log", 3, "unverified", 1_000L,
                    "web-1: ram resized to 5120 MiB but the VM still reports 4012 MiB; released by an operator");
            insert(c, "action_log", 4, "needs_restart", 1_000L, "config only, needs a restart; released by an operator");
            insert(c, "action_log", 5, "verifying", 1_000L, "released by an operator");
            insert(c, "action_log", 6, "unverified", null, "web-1: still awaiting its size");
            insert(c, "action_log", 7, "needs_restart", null, "config only, needs a restart");
            insert(c, "action_log", 8, "succeeded", 1_000L, null);
            insert(c, "action_log_archive", 9, "failed", 1_000L, GUARD_ERROR);
            insert(c, "action_log_archive", 10, "failed", 1_000L, "operation op-10 failed");
        }

        try (Database db = Database.open(settings); Connection c = db.connection()) {
            assertThat(rows(c, "action_log")).containsExactly(
                    "1 failed guard", "2 failed null", "3 failed null", "4 failed null", "5 failed null",
                    "6 unverified null", "7 needs_restart null", "8 succeeded null");
            assertThat(rows(c, "action_log_archive")).containsExactly("9 failed guard", "10 failed null");
        }
    }

    private static void insert(Connection c, String table, long id, String status, Long finishedAt, String error)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, instance, rule, component, "
                + "mode, val, status, reason, created_at, updated_at, finished_at, cooldown_ms, event_seq, event_type, "
                + "event_value, event_ts, error) VALUES (?, 'web-1', 'ram-down', 'ram', 'rel', -1024, ?, 'ram < 30', "
                + "500, 500, ?, 600000, ?, 'ram', 20, 500, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, status);
            if (finishedAt == null) {
                ps.setNull(3, java.sql.Types.BIGINT);
            } else {
                ps.setLong(3, finishedAt);
            }
            ps.setLong(4, id);
            ps.setString(5, error);
            ps.executeUpdate();
        }
    }

    private static List<String> rows(Connection c, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, status, refused_by FROM " + table + " ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        return rows;
    }
}
