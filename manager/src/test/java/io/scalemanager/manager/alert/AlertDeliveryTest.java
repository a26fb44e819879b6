package io.scalemanager.manager.alert;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.time.MutableClock;
import io.scalemanager.manager.alert.channel.Notifier;
import io.scalemanager.manager.alert.channel.http.Receiver;
import io.scalemanager.manager.alert.channel.webhook.WebhookNotifier;
import io.scalemanager.manager.alert.config.AlertsConfig;
import io.scalemanager.manager.alert.config.Route;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Raising alerts through the outbox and the dispatcher: what is sent, when, to whom, and how often. */
class AlertDeliveryTest {
    private static final Instant START = Instant.parse("2025-11-25T10:00:00Z");
    private static final Duration GROUP = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(START);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Database database;
    private AlertLog alerts;
    private Silences silences;
    private AlertDispatcher dispatcher;

    private void open(List<Route> routes, Notifier... channels) {
        database = TestDatabases.h2File(dir);
        AlertsConfig config = new AlertsConfig(List.of(channels), routes, GROUP, Duration.ofHours(4),
                Duration.ofMinutes(5), Duration.ofMinutes(1));
        alerts = new AlertLog(database.dataSource(), clock, new AlertOutbox(database.dataSource(), clock, config));
        silences = new Silences(database.dataSource(), clock);
        dispatcher = new AlertDispatcher(database.dataSource(), clock, config.channels(), Duration.ofSeconds(10),
                Duration.ofMinutes(10), registry);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private Alert failed(String instance) {
        return alerts.raise(Severity.CRITICAL, instance, "ram-up", AlertKind.COMMAND_FAILED, instance + ": ram +1024 failed");
    }

    private void after(Duration d) {
        clock.advance(d);
        dispatcher.drainOnce();
    }

    @Test
    void alertIsSentOnceItsGroupingWindowHasPassed() {
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), mail);
        failed("web-1");

        after(GROUP.minusSeconds(1));
        assertThat(mail.sent).isEmpty();

        after(Duration.ofSeconds(1));
        assertThat(mail.lines()).containsExactly("[CRITICAL] web-1: ram +1024 failed");
        assertThat(mail.sent.get(0).title()).isEqualTo("[ScaleManager] critical: web-1 command_failed");
    }

    @Test
    void alertsArrivingWithinTheWindowGoOutAsOneMessage() {
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), mail);
        failed("web-1");
        clock.advance(Duration.ofSeconds(10));
        failed("web-2");
        clock.advance(Duration.ofSeconds(10));
        alerts.raise(Severity.WARNING, "web-3", null, AlertKind.STOPPED_REPORTING, "web-3 has not reported for 6m");

        after(Duration.ofSeconds(10));

        assertThat(mail.sent).hasSize(1);
        assertThat(mail.lines()).containsExactly("[CRITICAL] web-1: ram +1024 failed",
                "[CRITICAL] web-2: ram +1024 failed", "[WARNING] web-3 has not reported for 6m");
        assertThat(mail.sent.get(0).title()).isEqualTo("[ScaleManager] 3 firing, 0 resolved");
    }

    @Test
    void sameAlertRepeatsOnlyAfterTheRepeatIntervalWhileItPersists() {
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), mail);
        failed("web-1");
        after(GROUP);
        assertThat(mail.sent).hasSize(1);

        for (int i = 0; i < 23; i++) { // every 10 minutes, up to 3h50m after the first
            clock.advance(Duration.ofMinutes(10).minus(GROUP));
            failed("web-1");
            after(GROUP);
        }
        assertThat(mail.sent).hasSize(1);
        // Still listed every time at /v1/alerts.
        assertThat(alerts.list(Optional.of("web-1"), 100)).hasSize(24);

        clock.advance(Duration.ofMinutes(10).minus(GROUP)); // 4h after the first
        failed("web-1");
        after(GROUP);
        assertThat(mail.sent).hasSize(2);
    }

    @Test
    void otherInstanceRuleOrKindIsNotADuplicate() {
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), mail);
        failed("web-1");
        failed("web-2");
        alerts.raise(Severity.CRITICAL, "web-1", "cpu-up", AlertKind.COMMAND_FAILED, "web-1: cpu failed");
        alerts.raise(Severity.WARNING, "web-1", "ram-up", AlertKind.LIMIT_REACHED, "web-1: ram at its limit");

        after(GROUP);

        assertThat(mail.lines()).hasSize(4);
    }

    @Test
    void aManagerTakingOverAnInstanceResolvesTheProblemItsPreviousOwnerRaised() {
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), mail);
        AlertsConfig config = new AlertsConfig(List.of(mail), List.of(), GROUP, Duration.ofHours(4),
                Duration.ofMinutes(5), Duration.ofMinutes(1));
        // The second manager started before the first raised the problem.
        AlertLog successor = new AlertLog(database.dataSource(), clock,
                new AlertOutbox(database.dataSource(), clock, config));
        failed("web-1");
        after(GROUP);

        successor.learnOpenProblems(); // what PartitionHandover does when it gains web-1's partition
        successor.resolve("web-1", "ram-up", AlertKind.COMMAND_FAILED);
        after(GROUP);

        assertThat(mail.sent).hasSize(2);
        assertThat(mail.sent.get(1).allResolved()).isTrue();
    }

    @Test
    void resolvedMessageFollowsWhenTheProblemClearsAndItMayFireAgainAtOnce() {
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), mail);
        failed("web-1");
        after(GROUP);

        clock.advance(Duration.ofMinutes(5));
        alerts.resolve("web-1", "ram-up", AlertKind.COMMAND_FAILED);
        alerts.resolve("web-1", "ram-up", AlertKind.COMMAND_FAILED); // a second clearing is no news
        after(GROUP);

        assertThat(mail.sent).hasSize(2);
        assertThat(mail.sent.get(1).allResolved()).isTrue();
        assertThat(mail.sent.get(1).items()).singleElement()
                .satisfies(i -> assertThat(i.line()).isEqualTo("[RESOLVED] resolved: web-1: ram +1024 failed"));

        // Cleared, so a new failure is news right away, not after the repeat interval.
        clock.advance(Duration.ofMinutes(1));
        failed("web-1");
        after(GROUP);
        assertThat(mail.sent).hasSize(3);
    }

    @Test
    void resolvingWhatNeverFiredSendsNothing() {
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), mail);

        alerts.resolve("web-1", "ram-up", AlertKind.COMMAND_FAILED);
        after(GROUP);

        assertThat(mail.sent).isEmpty();
    }

    @Test
    void silenceSuppressesMatchingAlertsUntilItExpires() {
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), mail);
        silences.create("web-*", null, null, "maintenance", clock.millis() + Duration.ofHours(1).toMillis());

        failed("web-1");
        failed("db-1"); // not matched
        after(GROUP);
        assertThat(mail.lines()).containsExactly("[CRITICAL] db-1: ram +1024 failed");
        assertThat(alerts.list(Optional.of("web-1"), 10)).hasSize(1); // recorded all the same

        clock.advance(Duration.ofMinutes(50));
        failed("web-1");
        after(GROUP);
        assertThat(mail.sent).hasSize(1);

        clock.advance(Duration.ofMinutes(10)); // the silence has ended; the problem persists
        failed("web-1");
        after(GROUP);
        assertThat(mail.lines()).endsWith("[CRITICAL] web-1: ram +1024 failed").hasSize(2);
        assertThat(silences.active()).isEmpty();
    }

    @Test
    void silenceCanNameARuleAndAKindAndBeDeletedEarly() {
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), mail);
        Silence s = silences.create("*", "ram-up", "command_failed", "known issue",
                clock.millis() + Duration.ofHours(1).toMillis());

        failed("web-1");
        alerts.raise(Severity.WARNING, "web-1", "ram-up", AlertKind.LIMIT_REACHED, "web-1: at limit");
        after(GROUP);
        assertThat(mail.lines()).containsExactly("[WARNING] web-1: at limit");

        assertThat(silences.delete(s.id())).isTrue();
        assertThat(silences.delete(s.id())).isFalse();
        failed("web-2");
        after(GROUP);
        assertThat(mail.lines()).contains("[CRITICAL] web-2: ram +1024 failed");
    }

    @Test
    void clearingDuringASilenceTellsNobody() {
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), mail);
        failed("web-1");
        after(GROUP);
        silences.create("web-1", null, null, "", clock.millis() + Duration.ofHours(1).toMillis());

        alerts.resolve("web-1", "ram-up", AlertKind.COMMAND_FAILED);
        after(GROUP);

        assertThat(mail.sent).hasSize(1);
    }

    @Test
    void routesChooseChannelsBySeverityAndInstancePattern() {
        RecordingNotifier pager = new RecordingNotifier("pager");
        RecordingNotifier chat = new RecordingNotifier("chat");
        open(List.of(
                new Route(EnumSet.of(Severity.CRITICAL), InstancePattern.parse("db-*"), List.of("pager", "chat")),
                new Route(EnumSet.of(Severity.WARNING, Severity.CRITICAL), InstancePattern.ANY, List.of("chat"))),
                pager, chat);

        failed("db-1");
        failed("web-1");
        alerts.raise(Severity.WARNING, "db-2", null, AlertKind.STOPPED_REPORTING, "db-2 silent");
        alerts.raise(Severity.INFO, "web-2", null, AlertKind.RULE, "web-2 info");
        after(GROUP);

        assertThat(pager.lines()).containsExactly("[CRITICAL] db-1: ram +1024 failed");
        assertThat(chat.lines()).containsExactly("[CRITICAL] db-1: ram +1024 failed",
                "[CRITICAL] web-1: ram +1024 failed", "[WARNING] db-2 silent");
    }

    @Test
    void channelDownDelaysOnlyItsOwnAlertsWhichArriveOnceEachWhenItReturns() throws Exception {
        Receiver hookEnd = new Receiver();
        toClose.add(hookEnd);
        hookEnd.answer(503);
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), new WebhookNotifier("hook", hookEnd.url("/alerts"), Optional.of("k")), mail);

        failed("web-1");
        after(GROUP);
        assertThat(mail.lines()).hasSize(1);
        assertThat(hookEnd.attempts()).isEqualTo(1);
        assertThat(dispatcher.channelUp("hook")).isFalse();
        assertThat(dispatcher.channelUp("mail")).isTrue();
        assertThat(dispatcher.readinessChecks()).extracting(c -> c.name() + "=" + c.ready())
                .containsExactly("alerts.hook=false", "alerts.mail=true");
        assertThat(registry.get("scalemanager_alerts_channel_up").tag("channel", "hook").gauge().value()).isZero();

        // Backoff: 10 s, then 20 s, 40 s... no attempt before it is due.
        after(Duration.ofSeconds(9));
        assertThat(hookEnd.attempts()).isEqualTo(1);
        after(Duration.ofSeconds(1));
        assertThat(hookEnd.attempts()).isEqualTo(2);
        after(Duration.ofSeconds(19));
        assertThat(hookEnd.attempts()).isEqualTo(2);

        failed("web-2"); // raised while the hook is down
        after(GROUP);
        assertThat(mail.lines()).hasSize(2);
        assertThat(registry.get("scalemanager_alerts_pending").tag("channel", "hook").gauge().value()).isEqualTo(2);

        hookEnd.answer(200);
        for (int i = 0; i < 10; i++) {
            after(Duration.ofMinutes(1));
        }

        assertThat(hookEnd.received()).hasSize(1);
        String body = hookEnd.received().get(0).body();
        assertThat(body).contains("web-1: ram +1024 failed").contains("web-2: ram +1024 failed");
        assertThat(dispatcher.channelUp("hook")).isTrue();
        assertThat(registry.get("scalemanager_alerts_sent").tag("channel", "hook").counter().count()).isEqualTo(2);
        assertThat(mail.lines()).hasSize(2);
    }

    @Test
    void outboxSurvivesARestartSoNothingQueuedIsLost() {
        RecordingNotifier before = new RecordingNotifier("mail");
        open(List.of(), before);
        failed("web-1");
        dispatcher.close();
        database.close();

        RecordingNotifier after = new RecordingNotifier("mail");
        open(List.of(), after);
        after(GROUP);

        assertThat(before.sent).isEmpty();
        assertThat(after.lines()).containsExactly("[CRITICAL] web-1: ram +1024 failed");
        // The problem is still known to be open after the restart, so clearing it is news.
        alerts.resolve("web-1", "ram-up", AlertKind.COMMAND_FAILED);
        after(GROUP);
        assertThat(after.sent).hasSize(2);
    }

    @Test
    void sentMessagesArePurgedAfterTheyAreKeptLongEnoughButPendingOnesNever() {
        RecordingNotifier mail = new RecordingNotifier("mail");
        Notifier down = new Notifier() {
            @Override
            public String name() {
                return "down";
            }

            @Override
            public void send(io.scalemanager.manager.alert.channel.Notification n)
                    throws io.scalemanager.manager.alert.channel.DeliveryException {
                throw new io.scalemanager.manager.alert.channel.DeliveryException("still down");
            }
        };
        open(List.of(), mail, down);
        failed("web-1");
        after(GROUP);

        clock.advance(Duration.ofDays(7).minusSeconds(1));
        assertThat(dispatcher.purgeSent(Duration.ofDays(7))).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(dispatcher.purgeSent(Duration.ofDays(7))).isEqualTo(1);
        assertThat(dispatcher.purgeSent(Duration.ofDays(7))).isZero();
        assertThat(dispatcher.channelUp("down")).isFalse();
    }

    @Test
    void sameNewAlertRaisedOnManyThreadsAtOnceIsRecordedEachTimeAndSentOnce() throws Exception {
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), mail);
        int threads = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<Alert>> raised = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                raised.add(pool.submit(() -> {
                    start.await();
                    return failed("web-1");
                }));
            }
            for (java.util.concurrent.Future<Alert> f : raised) {
                assertThat(f.get()).isNotNull();
            }
        } finally {
            pool.shutdownNow();
        }

        after(GROUP);
        assertThat(alerts.list(Optional.of("web-1"), 100)).hasSize(threads);
        assertThat(mail.lines()).containsExactly("[CRITICAL] web-1: ram +1024 failed");
    }

    @Test
    void runningDispatcherDeliversWithoutBeingAsked() {
        RecordingNotifier mail = new RecordingNotifier("mail");
        open(List.of(), mail);
        dispatcher.start(Duration.ofMillis(20));
        failed("web-1");

        clock.advance(GROUP);

        await().atMost(Duration.ofSeconds(10)).until(() -> mail.sent.size() == 1);
    }

    /** The dispatcher of another manager on the same database, delivering the same channel. */
    private AlertDispatcher secondManagersDispatcher(RecordingNotifier channel) {
        AlertDispatcher other = new AlertDispatcher(database.dataSource(), clock, List.of(channel),
                Duration.ofSeconds(10), Duration.ofMinutes(10), new SimpleMeterRegistry());
        toClose.add(other);
        return other;
    }

    @Test
    void twoManagersOnOneDatabaseSendEachMessageOnceAndTheSecondTakesOverWhenTheFirstStops() {
        RecordingNotifier first = new RecordingNotifier("mail");
        open(List.of(), first);
        RecordingNotifier second = new RecordingNotifier("mail");
        AlertDispatcher other = secondManagersDispatcher(second);

        failed("web-1");
        clock.advance(GROUP);
        dispatcher.drainOnce();
        other.drainOnce();
        failed("web-2");
        clock.advance(GROUP);
        other.drainOnce();
        dispatcher.drainOnce();

        assertThat(first.sent).hasSize(2);
        assertThat(second.sent).isEmpty();

        dispatcher.close(); // a clean stop gives the channel up at once
        dispatcher = null;
        failed("web-3");
        clock.advance(GROUP);
        other.drainOnce();

        assertThat(second.sent).hasSize(1);
        assertThat(second.lines()).singleElement().asString().contains("web-3");
    }

    @Test
    void aDeadManagersChannelIsTakenOverOnceItsLeaseRunsOut() {
        RecordingNotifier first = new RecordingNotifier("mail");
        open(List.of(), first);
        RecordingNotifier second = new RecordingNotifier("mail");
        AlertDispatcher other = secondManagersDispatcher(second);
        failed("web-1");
        clock.advance(GROUP);
        dispatcher.drainOnce(); // holds the lease from now on, then "dies" without releasing it

        failed("web-2");
        clock.advance(GROUP);
        other.drainOnce();
        assertThat(second.sent).isEmpty();

        clock.advance(Duration.ofSeconds(31));
        other.drainOnce();
        assertThat(second.sent).hasSize(1);
    }
}
