package io.scalemanager.manager.schedule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.core.time.MutableClock;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.ActionStatus;
import io.scalemanager.manager.actionlog.NewAction;
import io.scalemanager.manager.actionlog.StartResult;
import io.scalemanager.manager.decide.Block;
import io.scalemanager.manager.decide.Outcome;
import io.scalemanager.manager.decide.OutcomeKind;
import io.scalemanager.manager.decision.Decision;
import io.scalemanager.manager.decision.DecisionLog;
import io.scalemanager.manager.decision.DecisionWriter;
import io.scalemanager.manager.decision.LatestOutcomes;
import io.scalemanager.manager.decision.OutcomeRecorder;
import io.scalemanager.manager.rules.Schedule;
import io.scalemanager.manager.rules.WeekTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Schedules through a real ActionLog, with an injected clock; see SchedulerOnH2Test, SchedulerOnMariaDbTest. */
abstract class SchedulerTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** Monday 2026-03-02, 07:29 in Berlin (CET, UTC+1). */
    private static final Instant BEFORE = Instant.parse("2026-03-02T06:29:00Z");
    private static final List<String> FLEET = List.of("web-1", "web-2", "db-1");

    protected abstract Database openDatabase(Path dir);

    @TempDir
    Path dir;
    private Database database;
    private final MutableClock clock = new MutableClock(BEFORE);
    private final List<Action> sent = new ArrayList<>();
    private final LatestOutcomes latest = new LatestOutcomes();
    private DecisionWriter writer;
    private OutcomeRecorder outcomes;

    @BeforeEach
    void open() {
        database = openDatabase(dir);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        writer = new DecisionWriter(new DecisionLog(database.dataSource()), Duration.ofMillis(20), 1000, registry)
                .start();
        outcomes = new OutcomeRecorder(latest, writer, registry);
    }

    @AfterEach
    void close() {
        writer.close();
        database.close();
    }

    private static Schedule businessHours(String at, ZoneId zone) {
        return new Schedule("business-hours", InstancePattern.parse("web-*"), WeekTime.parse(at, zone),
                Map.of(Component.CPU, 4L, Component.RAM, 8192L), Duration.ofMinutes(10), Duration.ofMinutes(5), 3);
    }

    private Scheduler scheduler(Schedule schedule) {
        return new Scheduler(() -> List.of(schedule), () -> FLEET, new ActionLog(database.dataSource(), clock),
                sent::add, clock, false, new Scheduler.DryRuns() {
                    @Override
                    public Outcome wouldStart(Schedule s, String instance, Component component, long size, long at) {
                        throw new AssertionError("a live schedule ran dry: " + s.name());
                    }

                    @Override
                    public void recorded(Schedule s, String instance, Component component, long untilMs) {
                        throw new AssertionError("a live schedule ran dry: " + s.name());
                    }
                }, outcomes, new DryRunOccurrences(database.dataSource()));
    }

    private List<Action> actions() {
        return new ActionLog(database.dataSource(), clock).list(Optional.empty(), Optional.empty(), 100);
    }

    @Test
    void crossingTheMomentStartsOneActionPerInstanceAndComponent() {
        Scheduler scheduler = scheduler(businessHours("Mon-Fri 07:30", BERLIN));

        assertThat(scheduler.tick()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(scheduler.tick()).isEqualTo(4);
        clock.advance(Duration.ofSeconds(10));
        assertThat(scheduler.tick()).isZero();

        assertThat(actions()).extracting(Action::instance, a -> a.change().describe(), Action::reason,
                Action::status).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("web-1", "cpu =4", "schedule business-hours (07:30 Europe/Berlin)",
                        ActionStatus.PENDING),
                org.assertj.core.groups.Tuple.tuple("web-1", "ram =8192", "schedule business-hours (07:30 "
                        + "Europe/Berlin)", ActionStatus.PENDING),
                org.assertj.core.groups.Tuple.tuple("web-2", "cpu =4", "schedule business-hours (07:30 Europe/Berlin)",
                        ActionStatus.PENDING),
                org.assertj.core.groups.Tuple.tuple("web-2", "ram =8192", "schedule business-hours (07:30 "
                        + "Europe/Berlin)", ActionStatus.PENDING));
        assertThat(sent).hasSize(4);
        assertThat(actions()).allSatisfy(a -> assertThat(a.rule()).isEqualTo("business-hours"));
        // The instance's latest outcome of the schedule, as its why shows it: fired, with the action.
        LatestOutcomes.Entry web1 = latest.of("web-1").get("business-hours");
        assertThat(web1.outcome().kind()).isEqualTo(OutcomeKind.FIRED);
        assertThat(web1.outcome().atMs()).isEqualTo(Instant.parse("2026-03-02T06:30:00Z").toEpochMilli());
        assertThat(web1.outcome().reason()).matches("(cpu =4|ram =8192): schedule business-hours \\(07:30 "
                + "Europe/Berlin\\)");
        assertThat(actions()).extracting(Action::id).contains(web1.outcome().actionId());
        assertThat(latest.of("db-1")).isEmpty();
    }

    @Test
    void anOccurrenceHeldBackByALockIsBlockedNamingTheActionThenFiresWhenTheLockEnds() {
        ActionLog actionLog = new ActionLog(database.dataSource(), clock);
        clock.advance(Duration.ofSeconds(30)); // 07:29:30: a rule grows web-1's cpu, cooling down 2 minutes
        Action cpuUp = ((StartResult.Started) actionLog.start(new NewAction("cpu-up",
                new Change(Component.CPU, ChangeMode.REL, 1), "load > 4 for 20s", Duration.ofMinutes(2),
                new Event(1, new State("web-1", "load", 6, clock.millis()))))).action();
        actionLog.finish(cpuUp.id(), ActionStatus.SUCCEEDED, null);
        Scheduler scheduler = scheduler(businessHours("Mon-Fri 07:30", BERLIN));

        clock.advance(Duration.ofSeconds(40)); // 07:30:10
        assertThat(scheduler.tick()).isEqualTo(3);
        // web-1's line is the latest of its components: its ram fired after its cpu was held back. From the next
        // tick on, only the cpu is tried, and its line says what holds it.
        assertThat(latest.of("web-1").get("business-hours").outcome().kind()).isEqualTo(OutcomeKind.FIRED);
        clock.advance(Duration.ofSeconds(10));
        assertThat(scheduler.tick()).isZero();
        LatestOutcomes.Entry blocked = latest.of("web-1").get("business-hours");
        assertThat(blocked.outcome().kind()).isEqualTo(OutcomeKind.BLOCKED);
        assertThat(blocked.outcome().actionId()).isEqualTo(cpuUp.id());
        assertThat(blocked.outcome().reason()).startsWith("blocked: action " + cpuUp.id() + " (cpu-up) cooling down "
                + "until ");

        clock.advance(Duration.ofMinutes(2)); // 07:32:20: the cooldown is over
        assertThat(scheduler.tick()).isEqualTo(1);
        LatestOutcomes.Entry fired = latest.of("web-1").get("business-hours");
        assertThat(fired.outcome().kind()).isEqualTo(OutcomeKind.FIRED);
        assertThat(fired.outcome().reason()).startsWith("cpu =4: schedule business-hours");
    }

    /** The test's dry-run path: keeps what went dry; holds web-2's cpu back once when asked to. */
    private static final class RecordingDryRuns implements Scheduler.DryRuns {
        final List<String> dry = new ArrayList<>();
        final List<String> shadowCooldowns = new ArrayList<>();
        boolean holdBackWeb2Cpu;

        @Override
        public Outcome wouldStart(Schedule s, String instance, Component component, long size, long at) {
            // A lock or a shadow cooldown holds it back: tried again on the next tick.
            if (holdBackWeb2Cpu && instance.equals("web-2") && component == Component.CPU) {
                holdBackWeb2Cpu = false;
                return new Outcome.Blocked(s.name(), null, at, new Block(Block.Kind.SHADOW_COOLDOWN, null, "cpu-up",
                        at + 60_000));
            }
            dry.add(instance + " " + component.wireName() + " " + size + " @" + Instant.ofEpochMilli(at));
            return new Outcome.WouldFire(s.name(), null, at, s.occurrenceReason(), null, at + 300_000,
                    "set " + component.wireName() + " to " + size);
        }

        @Override
        public void recorded(Schedule s, String instance, Component component, long untilMs) {
            shadowCooldowns.add(instance + " " + component.wireName() + " until " + Instant.ofEpochMilli(untilMs));
        }
    }

    private Scheduler dryScheduler(Schedule schedule, RecordingDryRuns dryRuns) {
        return new Scheduler(() -> List.of(schedule), () -> FLEET, new ActionLog(database.dataSource(), clock),
                sent::add, clock, true, dryRuns, outcomes, new DryRunOccurrences(database.dataSource()));
    }

    private List<Decision> wouldFireRows() {
        return new DecisionLog(database.dataSource()).list(new DecisionLog.Query(Optional.empty(),
                Optional.of("business-hours"), Optional.of(OutcomeKind.WOULD_FIRE), Optional.empty(), 100));
    }

    @Test
    void underManagerDryRunAnOccurrenceGoesToTheDryRunsOnceAndNothingIsStartedOrSent() {
        RecordingDryRuns dryRuns = new RecordingDryRuns();
        dryRuns.holdBackWeb2Cpu = true;
        Scheduler scheduler = dryScheduler(businessHours("Mon-Fri 07:30", BERLIN), dryRuns);
        clock.advance(Duration.ofMinutes(1));
        assertThat(scheduler.tick()).isEqualTo(3);
        assertThat(latest.of("web-2").get("business-hours").outcome().kind()).isEqualTo(OutcomeKind.WOULD_FIRE);
        clock.advance(Duration.ofSeconds(10));
        assertThat(scheduler.tick()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(10));
        assertThat(scheduler.tick()).isZero();

        assertThat(dryRuns.dry).containsExactlyInAnyOrder("web-1 cpu 4 @2026-03-02T06:30:00Z",
                "web-1 ram 8192 @2026-03-02T06:30:00Z", "web-2 ram 8192 @2026-03-02T06:30:00Z",
                "web-2 cpu 4 @2026-03-02T06:30:00Z");
        // Each would_fire is written with the occurrence's key, and then its shadow cooldown starts.
        assertThat(wouldFireRows()).hasSize(4).allSatisfy(d -> assertThat(d.reason())
                .startsWith("would set ").endsWith(" (dry run): schedule business-hours (07:30 Europe/Berlin)"));
        assertThat(dryRuns.shadowCooldowns).hasSize(4).contains("web-2 cpu until 2026-03-02T06:35:00Z");
        assertThat(actions()).isEmpty();
        assertThat(sent).isEmpty();
    }

    @Test
    void aDryOccurrenceIsRecordedOnceAcrossARestartWithinCatchUp() {
        Schedule schedule = businessHours("Mon-Fri 07:30", BERLIN);
        clock.advance(Duration.ofMinutes(1));
        assertThat(dryScheduler(schedule, new RecordingDryRuns()).tick()).isEqualTo(4);

        // The manager restarts (kill -9 or not, what was recorded is committed) and is back at 07:33: its memory
        // of the occurrence is gone, the database's is not.
        clock.advance(Duration.ofMinutes(3));
        RecordingDryRuns afterRestart = new RecordingDryRuns();
        assertThat(dryScheduler(schedule, afterRestart).tick()).isZero();
        assertThat(afterRestart.dry).isEmpty();
        assertThat(afterRestart.shadowCooldowns).isEmpty();
        assertThat(wouldFireRows()).hasSize(4);
        assertThat(actions()).isEmpty();
    }

    @Test
    void aDryOccurrenceKeyIsTakenOnceWithItsRowAndForgottenPastCatchUp() {
        DryRunOccurrences occurrences = new DryRunOccurrences(database.dataSource());
        long at = Instant.parse("2026-03-02T06:30:00Z").toEpochMilli();
        DryRunOccurrences.Key key = new DryRunOccurrences.Key(at, "business-hours", "web-1", Component.CPU);
        Decision row = new Decision(0, at, "web-1", "business-hours", OutcomeKind.WOULD_FIRE,
                "would set cpu to 4 (dry run): schedule business-hours (07:30 Europe/Berlin)", null);

        assertThat(occurrences.recorded(key)).isFalse();
        assertThat(occurrences.record(key, row)).isTrue();
        // Two managers racing past recorded(): the second takes nothing and writes no second row.
        assertThat(occurrences.record(key, row)).isFalse();
        assertThat(occurrences.recorded(key)).isTrue();
        assertThat(occurrences.recorded(new DryRunOccurrences.Key(at, "business-hours", "web-1", Component.RAM)))
                .isFalse();
        assertThat(wouldFireRows()).singleElement().satisfies(d -> assertThat(d.instance()).isEqualTo("web-1"));

        // An hour later the scheduler forgets the occurrences past the longest catch_up (10m).
        clock.advance(Duration.ofMinutes(61));
        dryScheduler(businessHours("Mon-Fri 07:30", BERLIN), new RecordingDryRuns()).tick();
        assertThat(occurrences.recorded(key)).isFalse();
        assertThat(wouldFireRows()).as("the decision log keeps its row").hasSize(1);
    }

    @Test
    void twoManagersCarryOutAnOccurrenceOnce() {
        Scheduler first = scheduler(businessHours("Mon-Fri 07:30", BERLIN));
        Scheduler second = scheduler(businessHours("Mon-Fri 07:30", BERLIN));
        clock.advance(Duration.ofMinutes(2));

        int started = first.tick() + second.tick() + second.tick() + first.tick();

        assertThat(started).isEqualTo(4);
        assertThat(actions()).hasSize(4);
    }

    @Test
    void aRestartWithinCatchUpStillRunsTheOccurrenceOnce() {
        Scheduler before = scheduler(businessHours("Mon-Fri 07:30", BERLIN));
        assertThat(before.tick()).isZero();
        before.close(); // the manager stops at 07:29 ...

        clock.advance(Duration.ofMinutes(8)); // ... and is back at 07:37
        Scheduler after = scheduler(businessHours("Mon-Fri 07:30", BERLIN));
        assertThat(after.tick()).isEqualTo(4);

        Scheduler againAfterAnotherRestart = scheduler(businessHours("Mon-Fri 07:30", BERLIN));
        clock.advance(Duration.ofMinutes(1));
        assertThat(againAfterAnotherRestart.tick()).isZero();
        assertThat(actions()).hasSize(4);
    }

    @Test
    void anOccurrenceMissedByMoreThanCatchUpIsSkipped() {
        clock.advance(Duration.ofMinutes(12)); // back at 07:41, 11 minutes after the moment
        Scheduler scheduler = scheduler(businessHours("Mon-Fri 07:30", BERLIN));

        assertThat(scheduler.tick()).isZero();
        assertThat(actions()).isEmpty();
    }

    @Test
    void aDaylightSavingJumpRunsTheSkippedTimeOnceRightAfterTheJump() {
        // Sunday 2026-03-29 in Berlin: clocks jump from 02:00 CET to 03:00 CEST, so 02:30 does not exist that day.
        Schedule nightly = businessHours("daily 02:30", BERLIN);
        clock.advance(Duration.between(BEFORE, Instant.parse("2026-03-29T00:59:00Z"))); // 01:59 CET
        Scheduler scheduler = scheduler(nightly);
        assertThat(scheduler.tick()).as("the previous day's occurrence is past catch_up").isZero();

        clock.advance(Duration.ofMinutes(30)); // 01:29 UTC = 03:29 CEST
        assertThat(scheduler.tick()).isZero();
        clock.advance(Duration.ofMinutes(2)); // 01:31 UTC = 03:31 CEST: 02:30 + the hour the clocks jumped
        assertThat(scheduler.tick()).isEqualTo(4);
        clock.advance(Duration.ofMinutes(5));
        assertThat(scheduler.tick()).isZero();
        assertThat(actions()).hasSize(4).allSatisfy(a -> assertThat(a.event().state().timestampMs())
                .isEqualTo(Instant.parse("2026-03-29T01:30:00Z").toEpochMilli()));
    }
}
