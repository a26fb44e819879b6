package io.scalemanager.manager.fleet;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.time.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ManagerRosterTest {
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final URI A = URI.create("http://manager-a:8091");
    private static final URI B = URI.create("http://manager-b:8092");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
    private Database database;

    @BeforeEach
    void open() {
        database = TestDatabases.h2File(dir);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private ManagerRoster roster() {
        return new ManagerRoster(database.dataSource(), clock, INTERVAL);
    }

    @Test
    void membersSeeEachOtherButNotThemselves() {
        try (ManagerRoster a = roster().join(A); ManagerRoster b = roster().join(B)) {
            assertThat(a.peers()).containsExactly(B);
            assertThat(b.peers()).containsExactly(A);
        }
    }

    // The tests below renew by hand (enrol, renew): the clock is the test's, the renewal thread's would race it.

    @Test
    void aMemberNotRenewedForThreeIntervalsIsNoPeerUntilItRenews() {
        try (ManagerRoster a = roster().enrol(A); ManagerRoster b = roster().enrol(B)) {
            clock.advance(INTERVAL.multipliedBy(3));
            a.renew();
            assertThat(a.peers()).as("renewed three intervals ago: still live").containsExactly(B);

            clock.advance(Duration.ofSeconds(1));
            assertThat(a.peers()).isEmpty();

            b.renew();
            assertThat(a.peers()).containsExactly(B);
        }
    }

    @Test
    void aMemberThatLeavesIsGoneAtOnceAndADeadOnesRowIsForgottenAfterAnHour() {
        ManagerRoster dead = roster().enrol(URI.create("http://manager-dead:8093"));
        try (ManagerRoster a = roster().enrol(A)) {
            ManagerRoster b = roster().enrol(B);
            b.close();
            assertThat(a.peers()).as("left").containsExactly(URI.create("http://manager-dead:8093"));

            clock.advance(Duration.ofMinutes(61));
            a.renew();
            assertThat(rows()).as("rows left: this member's only").isEqualTo(1);
        } finally {
            dead.close();
        }
    }

    private int rows() {
        try (var c = database.dataSource().getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM manager_roster")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
