package io.scalemanager.manager.alert;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.core.time.MutableClock;
import io.scalemanager.manager.alert.config.AlertsConfig;
import io.scalemanager.manager.fleet.Fleet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AlertWatchTest {
    private static final Instant START = Instant.parse("2025-11-25T10:00:00Z");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(START);
    private final Fleet fleet = new Fleet();
    private final AtomicLong lag = new AtomicLong();
    private final RecordingNotifier chat = new RecordingNotifier("chat");
    private Database database;
    private AlertLog alerts;
    private AlertWatch watch;
    private AlertDispatcher dispatcher;
    private long seq;

    @BeforeEach
    void open() {
        database = TestDatabases.h2File(dir);
        AlertsConfig config = new AlertsConfig(List.of(chat), List.of(), Duration.ZERO, Duration.ofHours(4),
                Duration.ofMinutes(5), Duration.ofSeconds(60));
        alerts = new AlertLog(database.dataSource(), clock, new AlertOutbox(database.dataSource(), clock, config));
        dispatcher = new AlertDispatcher(database.dataSource(), clock, config.channels(), Duration.ofSeconds(1),
                Duration.ofMinutes(1), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        watch = new AlertWatch(alerts, fleet, lag::get, clock, config.stoppedReportingAfter(), config.maxLag(),
                config.repeatInterval());
    }

    @AfterEach
    void close() {
        database.close();
    }

    private void report(String instance) {
        fleet.record(new Event(++seq, new State(instance, "cpu", 10, clock.millis())));
    }

    private void tick(Duration d) {
        clock.advance(d);
        watch.checkOnce();
        dispatcher.drainOnce();
    }

    @Test
    void instanceSilentLongerThanTheLimitRaisesOnceThenResolvesWhenItReportsAgain() {
        report("web-1");
        report("web-2");
        tick(Duration.ofMinutes(4));
        report("web-2");
        tick(Duration.ofMinutes(1));
        assertThat(chat.lines()).isEmpty();

        tick(Duration.ofSeconds(1));
        assertThat(chat.lines()).containsExactly(
                "[WARNING] web-1 has not reported for 5m1s (last report at 2025-11-25T10:00:00Z)");
        for (int i = 0; i < 30; i++) {
            tick(Duration.ofMinutes(1));
            report("web-2");
        }
        assertThat(chat.lines()).hasSize(1);
        assertThat(alerts.list(Optional.of("web-1"), 10)).hasSize(1);

        report("web-1");
        tick(Duration.ofSeconds(1));
        assertThat(chat.lines()).hasSize(2).last().asString().startsWith("[RESOLVED] resolved: web-1 has not reported");
    }

    @Test
    void instanceStillSilentIsRepeatedAfterTheRepeatInterval() {
        report("web-1");
        tick(Duration.ofMinutes(6));
        tick(Duration.ofHours(4).minusSeconds(1));
        assertThat(chat.sent).hasSize(1);

        tick(Duration.ofSeconds(1));
        assertThat(chat.sent).hasSize(2);
    }

    @Test
    void managerFallingBehindRaisesACriticalAlertAndResolvesWhenCaughtUp() {
        lag.set(59_000);
        tick(Duration.ofSeconds(1));
        assertThat(chat.sent).isEmpty();

        lag.set(90_000);
        tick(Duration.ofSeconds(1));
        tick(Duration.ofSeconds(1));
        assertThat(chat.lines()).containsExactly(
                "[CRITICAL] the manager is 1m30s behind the queue (more than 1m); decisions are late");

        lag.set(100);
        tick(Duration.ofSeconds(1));
        assertThat(chat.lines()).hasSize(2).last().asString().startsWith("[RESOLVED]");
    }
}
