package io.scalemanager.manager.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.state.State;
import io.scalemanager.manager.pause.Pause;
import io.scalemanager.manager.rules.RulesetParser;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BacktestTest {
    private static final long T0 = 1_764_547_200_000L;
    private static final BacktestSettings SETTINGS = new BacktestSettings(Duration.ofMinutes(10),
            Duration.ofMinutes(2), Duration.ofMinutes(5), new Size(2, 4096, 50), false);

    /** Events as they arrived: each 100 ms after its measurement, in arrival order. */
    private final List<Event> log = new ArrayList<>();

    private void report(String instance, String type, double value, long secondsAfterT0) {
        long ts = T0 + secondsAfterT0 * 1000;
        long seq = EventSequence.firstAt(ts + 100) + log.size() % EventSequence.WRITERS;
        log.add(new Event(seq, new State(instance, type, value, ts)));
    }

    private final RecordedEvents recorded = (fromSeq, toSeq, consumer) -> {
        for (Event e : log) {
            if (e.seq() >= fromSeq && e.seq() < toSeq) {
                consumer.accept(e);
            }
        }
    };

    private BacktestReport run(String rules, long fromS, long toS) throws Exception {
        return run(rules, fromS, toS, SETTINGS, List.of());
    }

    private BacktestReport run(String rules, long fromS, long toS, BacktestSettings settings, List<Pause> pauses)
            throws Exception {
        return new Backtest(RulesetParser.parse(rules, "rules.yaml"), settings).run(recorded, List.of(), pauses,
                T0 + fromS * 1000, T0 + toS * 1000, InstancePattern.ANY, Long.MAX_VALUE);
    }

    private static long seconds(SimulatedAction a) {
        return (a.timeMs() - T0) / 1000;
    }

    private static final String CPU_UP = """
            limits:
              "*": {cpu: [1, 4]}
            rules:
              - name: cpu-up
                when: load > 4
                for: 20s
                then: cpu +1
                cooldown: 30s
            """;

    @Test
    void aHeldConditionGrowsAgainAfterEachCooldownUntilTheLimit() throws Exception {
        for (int s = 0; s <= 600; s += 10) {
            report("web-1", "load", 6, s);
        }
        BacktestReport r = run(CPU_UP, 0, 601);

        assertThat(r.actions()).extracting(a -> a.from() + "→" + a.to()).containsExactly("2→3", "3→4");
        // Without size reports an action ends at once: fired at 20 s, cooled down 30 s later, next at 50 s.
        assertThat(r.actions()).extracting(a -> (a.timeMs() - T0) / 1000).containsExactly(20L, 50L);
        RuleSummary cpuUp = r.rules().get(0);
        assertThat(cpuUp).isEqualTo(new RuleSummary("cpu-up", 2, 1, 2, 0, 0, 1, 0, 0));
        assertThat(r.events()).isEqualTo(61);
    }

    @Test
    void anActionHoldsItsLockUntilTheInstanceReportsItsNewSize() throws Exception {
        for (int s = 0; s <= 200; s += 10) {
            report("web-1", "load", 6, s);
            report("web-1", "cpus", s < 80 ? 2 : 3, s); // the new size shows 60 s after the action of 20 s
        }
        BacktestReport r = run(CPU_UP, 0, 201);

        // Running until 80 s, then 30 s of cooldown: the second action at 110 s, not at 50 s.
        assertThat(r.actions()).extracting(a -> (a.timeMs() - T0) / 1000).containsExactly(20L, 110L);
    }

    @Test
    void theWindowsAreFilledFromBeforeTheRange() throws Exception {
        for (int s = 0; s <= 100; s += 10) {
            report("web-1", "load", 6, s);
        }
        // The condition began at 0 s; the range begins at 15 s: it fires at 20 s, not 20 s after the range begins.
        BacktestReport r = run(CPU_UP, 15, 30);

        assertThat(r.actions()).extracting(a -> (a.timeMs() - T0) / 1000).containsExactly(20L);
        assertThat(r.events()).isEqualTo(1);
    }

    @Test
    void aChangeUndoneWithinAnHourIsAFlapNamedByItsInstance() throws Exception {
        String rules = """
                rules:
                  - name: ram-up
                    when: ram > 80
                    for: 20s
                    then: ram +1024
                    cooldown: 1m
                  - name: ram-down
                    when: ram < 30
                    for: 20s
                    then: ram -1024
                    cooldown: 1m
                """;
        for (int s = 0; s <= 300; s += 10) {
            report("web-1", "ram", s < 60 ? 90 : 20, s);
            report("web-2", "ram", 50, s);
        }
        BacktestReport r = run(rules, 0, 301);

        assertThat(r.actions()).extracting(a -> a.instance() + " " + a.rule() + " " + a.from() + "→" + a.to())
                .startsWith("web-1 ram-up 4096→5120", "web-1 ram-down 5120→4096");
        assertThat(r.flaps()).isNotEmpty();
        assertThat(r.flaps().get(0).change().rule()).isEqualTo("ram-up");
        assertThat(r.flaps().get(0).undo().rule()).isEqualTo("ram-down");
        assertThat(r.rules().get(1).flaps()).isEqualTo(1);
        assertThat(r.rules().get(0).flaps()).isZero();
        assertThat(BacktestTable.format(r)).contains("flaps (a change undone within 1h):")
                .contains("web-1: ram 4096 → 5120 by ram-up at 2025-12-01 00:00:20Z, back to 4096 by ram-down at "
                        + "2025-12-01 00:01:20Z");
    }

    @Test
    void aSpentBudgetStopsActionsAndAlertsOncePerPeriod() throws Exception {
        String rules = """
                budgets:
                  - instances: "web-*"
                    max_actions: 2
                    per: 1h
                rules:
                  - name: cpu-up
                    when: load > 4
                    for: 20s
                    then: cpu +1
                    cooldown: 10s
                """;
        for (int s = 0; s <= 120; s += 10) {
            for (int i = 1; i <= 5; i++) {
                report("web-" + i, "load", 6, s);
            }
        }
        BacktestReport r = run(rules, 0, 121);

        assertThat(r.actions()).hasSize(2);
        assertThat(r.rules().get(0).alerts()).isEqualTo(1);
    }

    @Test
    void anAlertRuleFiresOncePerCooldown() throws Exception {
        String rules = """
                rules:
                  - name: hot
                    when: load > 7
                    for: 10s
                    then: alert
                    cooldown: 1m
                """;
        for (int s = 0; s <= 150; s += 10) {
            report("web-1", "load", 9, s);
        }
        BacktestReport r = run(rules, 0, 151);

        assertThat(r.actions()).isEmpty();
        assertThat(r.rules().get(0).alerts()).isEqualTo(3); // at 10 s, 70 s, 130 s
        assertThat(r.rules().get(0).fired()).isEqualTo(3);
    }

    @Test
    void aRangeWithMoreEventsThanAllowedStops() throws Exception {
        for (int s = 0; s <= 100; s += 10) {
            report("web-1", "load", 1, s);
        }
        Backtest backtest = new Backtest(RulesetParser.parse(CPU_UP, "rules.yaml"), SETTINGS);
        assertThatThrownBy(() -> backtest.run(recorded, List.of(), List.of(), T0, T0 + 200_000, InstancePattern.ANY, 5))
                .isInstanceOf(Backtest.TooManyEvents.class);
    }

    private static final String DRY_AND_LIVE = """
            rules:
              - name: cpu-up
                when: load > 4
                for: 20s
                then: cpu +1
                cooldown: 60s
                dry_run: true
              - name: ram-up
                when: load > 4
                for: 20s
                then: ram +1024
                cooldown: 60s
            """;

    @Test
    void aDryRunRuleListsItsWouldBeResizesApartOncePerShadowCooldownAndChangesNoSize() throws Exception {
        for (int s = 0; s <= 150; s += 10) {
            report("web-1", "load", 6, s);
        }
        BacktestReport r = run(DRY_AND_LIVE, 0, 151);

        // The dry run at 20 s, 80 s, 140 s (shadow cooldown of 60 s from each), always from the unchanged size 2.
        assertThat(r.actions()).filteredOn(SimulatedAction::dryRun)
                .extracting(a -> seconds(a) + " " + a.rule() + " " + a.from() + "→" + a.to())
                .containsExactly("20 cpu-up 2→3", "80 cpu-up 2→3", "140 cpu-up 2→3");
        // The live rule beside it acts (its cooldown from the end of each action), and is not a dry run.
        assertThat(r.actions()).filteredOn(a -> !a.dryRun()).extracting(SimulatedAction::rule).containsOnly("ram-up")
                .hasSize(3);
        assertThat(r.rules().get(0)).isEqualTo(new RuleSummary("cpu-up", 0, 0, 0, 0, 0, 0, 0, 3));
        assertThat(r.rules().get(1).fired()).isEqualTo(3);
        assertThat(r.rules().get(1).wouldFire()).isZero();
        assertThat(BacktestTable.format(r)).contains("3 would-be actions, and 3 dry-run resizes (would_fire)");
    }

    @Test
    void managerDryRunMakesEveryRuleADryRun() throws Exception {
        for (int s = 0; s <= 150; s += 10) {
            report("web-1", "load", 6, s);
        }
        BacktestSettings dry = new BacktestSettings(SETTINGS.maxEventAge(), SETTINGS.maxGap(),
                SETTINGS.verifyTimeout(), SETTINGS.defaultSize(), true);
        BacktestReport r = run(DRY_AND_LIVE, 0, 151, dry, List.of());

        assertThat(r.actions()).hasSize(6).allMatch(SimulatedAction::dryRun);
        assertThat(r.rules()).extracting(RuleSummary::fired).containsOnly(0L);
        assertThat(r.rules()).extracting(RuleSummary::wouldFire).containsExactly(3L, 3L);
    }

    @Test
    void aPauseHoldsTheRuleFromItsCreationToItsEndAndTheKeptWindowFiresAtOnceAfter() throws Exception {
        for (int s = 0; s <= 150; s += 10) {
            report("web-1", "load", 6, s);
            report("web-2", "load", 6, s);
        }
        // Created at 15 s, ended (deleted or expired) at 95 s: web-1's cpu-up only; web-2 and ram-up act.
        Pause pause = new Pause(1, InstancePattern.parse("web-1"), "cpu-up", T0 + 95_000, "release", T0 + 15_000,
                "admin");
        BacktestReport r = run(CPU_UP, 0, 151, SETTINGS, List.of(pause));

        // web-1 fired nothing from 20 s (held, paused) until the pause ended; the sample of 100 s fires at once.
        assertThat(r.actions()).filteredOn(a -> a.instance().equals("web-1")).extracting(BacktestTest::seconds)
                .first().isEqualTo(100L);
        assertThat(r.actions()).filteredOn(a -> a.instance().equals("web-2")).extracting(BacktestTest::seconds)
                .first().isEqualTo(20L);
        // A pause created after the moment does not hold it: the same pause created at 25 s lets 20 s fire.
        Pause later = new Pause(1, InstancePattern.parse("web-1"), "cpu-up", T0 + 95_000, "", T0 + 25_000, "admin");
        assertThat(run(CPU_UP, 0, 151, SETTINGS, List.of(later)).actions())
                .filteredOn(a -> a.instance().equals("web-1")).extracting(BacktestTest::seconds).first()
                .isEqualTo(20L);
    }

    @Test
    void aScheduleSetsTheKnownMatchingInstancesOnceThroughTheirLocksAndTheLimits() throws Exception {
        // 2025-12-01 is a Monday; at 00:01 UTC web-1 and web-2 are set to cpu 8 (clamped to 6), db-1 is not.
        String rules = """
                limits:
                  "*": {cpu: [1, 6]}
                rules:
                  - name: cpu-up
                    when: load > 4
                    for: 20s
                    then: cpu +1
                    cooldown: 5m
                schedules:
                  - name: morning
                    instances: "web-*"
                    at: "00:01"
                    set: {cpu: 8}
                    cooldown: 1m
                """;
        for (int s = 0; s <= 200; s += 10) {
            report("web-1", "load", s < 30 ? 6 : 1, s); // cpu-up fires at 20 s: its cooldown holds the schedule
            report("web-2", "load", 1, s);
            report("db-1", "load", 1, s);
        }
        BacktestReport r = run(rules, 0, 201);

        assertThat(r.actions()).extracting(a -> seconds(a) + " " + a.instance() + " " + a.rule() + " "
                + a.from() + "→" + a.to()).containsExactly("20 web-1 cpu-up 2→3", "60 web-2 morning 2→6");
        RuleSummary morning = r.rules().get(1);
        assertThat(morning.rule()).isEqualTo("morning");
        assertThat(morning.fired()).isEqualTo(1);
        // web-1 is tried on every tick (each 10 s) within the catch-up (10m): cpu-up's cooldown ends at 320.1 s,
        // so the tick of 330 s sets it.
        BacktestReport longer = runLonger(rules);
        assertThat(longer.actions()).extracting(a -> seconds(a) + " " + a.instance() + " " + a.rule() + " "
                + a.from() + "→" + a.to()).contains("330 web-1 morning 3→6");
    }

    private BacktestReport runLonger(String rules) throws Exception {
        for (int s = 210; s <= 400; s += 10) {
            report("web-1", "load", 1, s);
        }
        return run(rules, 0, 401);
    }

    @Test
    void aScheduleOccurrenceBeforeTheRangeIsTheRecordedActionLogs() throws Exception {
        String rules = """
                rules:
                  - name: hot
                    when: load > 100
                    then: alert
                schedules:
                  - name: morning
                    at: "00:00"
                    set: {cpu: 8}
                """;
        for (int s = 0; s <= 100; s += 10) {
            report("web-1", "load", 1, s);
        }
        assertThat(run(rules, 0, 101).actions()).extracting(SimulatedAction::rule).containsExactly("morning");
        assertThat(run(rules, 30, 101).actions()).isEmpty();
    }

    @Test
    void theJsonIsTheContracts() throws Exception {
        for (int s = 0; s <= 100; s += 10) {
            report("web-1", "load", 6, s);
        }
        JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsString(BacktestJson.of(run(CPU_UP, 0, 101))));

        assertThat(fields(json)).containsExactly("events", "rules", "actions");
        assertThat(fields(json.get("rules").get(0)))
                .containsExactly("rule", "fired", "instances", "up", "down", "flaps", "at_limit", "alerts", "would_fire");
        JsonNode action = json.get("actions").get(0);
        assertThat(fields(action)).containsExactly("time", "instance", "rule", "component", "from", "to", "dry_run");
        assertThat(action.get("dry_run").asBoolean()).isFalse();
        assertThat(action.get("time").asDouble()).isEqualTo((T0 + 20_100) / 1000.0);
        assertThat(action.get("component").asText()).isEqualTo("cpu");
        assertThat(action.get("from").asLong()).isEqualTo(2);
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

}
