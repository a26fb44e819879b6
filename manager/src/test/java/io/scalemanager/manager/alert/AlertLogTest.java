package io.scalemanager.manager.alert;

import io.scalemanager.core.time.MutableClock;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AlertLogTest {
    private static final Instant START = Instant.parse("2025-11-25T10:00:00Z");

    @TempDir
    Path dir;
    private Database database;
    private final MutableClock clock = new MutableClock(START);
    private AlertLog alerts;

    @BeforeEach
    void open() {
        database = TestDatabases.h2File(dir);
        alerts = new AlertLog(database.dataSource(), clock);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void raisedAlertIsStoredWithItsTimeAndKind() {
        Alert raised = alerts.raise(Severity.CRITICAL, "web-1", "ram-up", AlertKind.COMMAND_FAILED, "it broke");

        assertThat(raised.timeMs()).isEqualTo(START.toEpochMilli());
        assertThat(alerts.list(Optional.empty(), 10)).containsExactly(raised);
    }

    @Test
    void listIsNewestFirstFilteredByInstanceWithinTheLimit() {
        Alert a = alerts.raise(Severity.WARNING, "web-1", "ram-up", AlertKind.LIMIT_REACHED, "a");
        clock.advance(Duration.ofSeconds(1));
        Alert b = alerts.raise(Severity.CRITICAL, "web-2", "ram-up", AlertKind.COMMAND_FAILED, "b");
        clock.advance(Duration.ofSeconds(1));
        Alert c = alerts.raise(Severity.INFO, "web-1", "load-alert", AlertKind.RULE, "c");

        assertThat(alerts.list(Optional.empty(), 10)).containsExactly(c, b, a);
        assertThat(alerts.list(Optional.of("web-1"), 10)).containsExactly(c, a);
        assertThat(alerts.list(Optional.empty(), 2)).containsExactly(c, b);
    }

    @Test
    void alertWithoutInstanceOrRuleIsStored() {
        Alert raised = alerts.raise(Severity.INFO, null, null, AlertKind.RULE, "fleet-wide");

        assertThat(alerts.list(Optional.empty(), 10)).containsExactly(raised);
    }

    @Test
    void longMessageIsTruncatedInStorage() {
        alerts.raise(Severity.CRITICAL, "web-1", "ram-up", AlertKind.COMMAND_FAILED, "x".repeat(10_000));

        assertThat(alerts.list(Optional.empty(), 1).get(0).message()).hasSize(4000).endsWith("…");
    }
}
