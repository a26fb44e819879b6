package io.scalemanager.manager.decide;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.RuleAction;
import io.scalemanager.manager.rules.ActiveTimes;
import io.scalemanager.manager.rules.Aggregate;
import io.scalemanager.manager.rules.When;
import io.scalemanager.manager.window.Windows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeciderTest {
    private static final long T0 = 1_764_064_800_000L;
    private static final RuleAction RAM_UP = new RuleAction.Resize(new Change(Component.RAM, ChangeMode.REL, 1024));

    /** The table below is about conditions; gaps are the subject of their own tests. */
    private final Decider decider = new Decider(Duration.ofDays(1));

    private final FixedCircumstances world = new FixedCircumstances();

    /** The outcomes of rules that held, as the manager would act on them. */
    private List<Outcome.Held> held(Event event, Windows windows, List<Rule> rules) {
        return decider.decide(event, windows, rules, world, event.state().timestampMs()).stream()
                .filter(o -> o instanceof Outcome.Held).map(o -> (Outcome.Held) o).toList();
    }

    private static Rule rule(String name, String type, String op, double threshold, String forText) {
        return new Rule(name, InstancePattern.ANY, new Condition(type, Operator.parse(op).orElseThrow(), threshold),
                DurationText.parse(forText), RAM_UP, Duration.ofMinutes(10), 1);
    }

    /** Samples of ram written as "seconds:value" after T0, in the order written. */
    private static Windows window(String samples) {
        return windows("ram", samples);
    }

    /** Samples of web-1 written as "type@seconds:value" (type defaulting to the given one), in the order written. */
    private static Windows windows(String type, String samples) {
        Windows w = new Windows(Map.of("ram", Duration.ofHours(2), "cpu", Duration.ofHours(2), "load",
                Duration.ofHours(2), "temp", Duration.ofHours(2), "up", Duration.ofHours(2)), Duration.ZERO);
        for (String s : samples.trim().split("\\s+")) {
            String t = s.contains("@") ? s.substring(0, s.indexOf('@')) : type;
            String[] p = s.substring(s.indexOf('@') + 1).split(":");
            w.add("web-1", t, T0 + Long.parseLong(p[0]) * 1000, Double.parseDouble(p[1]));
        }
        return w;
    }

    private static Event event(String type, long seconds, double value) {
        return new Event((T0 + seconds * 1000) * 1000, new State("web-1", type, value, T0 + seconds * 1000));
    }

    @ParameterizedTest(name = "{0}")
    // CHECKSTYLE.OFF: LineLength - a table reads best one case a line
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "held for 5m fires                 | ram  | >  | 80   | 5m  | 0:85 60:90 120:88 180:86 240:90 300:85 | 300:85  | ram > 80 for 5m, latest 85",
            "not long enough                   | ram  | >  | 80   | 5m  | 60:85 120:90 180:88 240:86 300:85     | 300:85  | NONE",
            "one sample below breaks the run   | ram  | >  | 80   | 5m  | 0:85 60:90 120:70 180:86 240:90 300:85 | 300:85  | NONE",
            "latest sample below               | ram  | >  | 80   | 5m  | 0:85 60:90 120:88 180:86 240:90 300:79 | 300:79  | NONE",
            "equal to threshold is not above   | ram  | >  | 80   | 5m  | 0:80 300:80                            | 300:80  | NONE",
            ">= takes the threshold            | ram  | >= | 80   | 5m  | 0:80 300:80                            | 300:80  | ram >= 80 for 5m, latest 80",
            "for 0 needs only the latest       | ram  | >  | 80   | 0   | 0:10 300:81                            | 300:81  | 'ram > 80, latest 81'",
            "below threshold scales down       | cpu  | <  | 10   | 1h  | 0:5 1800:3 3600:2                       | 3600:2  | cpu < 10 for 1h, latest 2",
            "fractional threshold and value    | load | >= | 8.5  | 90s | 0:9 45:8.5 90:9.25                      | 90:9.25 | load >= 8.5 for 90s, latest 9.25",
            "<= with negative threshold        | temp | <= | -5   | 2m  | 0:-6 120:-5                             | 120:-5  | temp <= -5 for 2m, latest -5",
            "== holds                          | up   | == | 0    | 30s | 0:0 30:0                                | 30:0    | up == 0 for 30s, latest 0",
            "!= holds                          | up   | != | 1    | 30s | 0:0 30:0                                | 30:0    | up != 1 for 30s, latest 0",
            "stale samples prove nothing       | ram  | >  | 80   | 5m  | 0:90                                    | 700:90  | NONE",
    })
    // CHECKSTYLE.ON: LineLength
    void ruleFiresOnlyWhenItsConditionHeldAndSaysWhy(String title, String type, String op, double threshold,
                                                     String forText, String samples, String latest,
                                                     String expectedReason) {
        Rule rule = rule("r", type, op, threshold, forText);
        String[] at = latest.split(":");
        Event event = event(type, Long.parseLong(at[0]), Double.parseDouble(at[1]));

        List<Outcome.Held> decisions = held(event, windows(type, samples), List.of(rule));

        if (expectedReason == null) {
            assertThat(decisions).as(title).isEmpty();
        } else {
            assertThat(decisions).as(title).singleElement().satisfies(d -> {
                assertThat(d.rule()).isSameAs(rule);
                assertThat(d.event()).isEqualTo(event);
                assertThat(d.reason()).isEqualTo(expectedReason);
            });
        }
    }

    @Test
    void everyRuleThatHoldsFiresInRuleOrder() {
        Rule ramUp = rule("ram-up", "ram", ">", 80, "5m");
        Rule ramHigh = rule("ram-high", "ram", ">", 95, "1m");
        Rule ramAlert = new Rule("ram-alert", InstancePattern.ANY, new Condition("ram", Operator.GT, 70),
                Duration.ofMinutes(2), new RuleAction.RaiseAlert(), Duration.ofMinutes(30), 9);
        Rule ramDown = rule("ram-down", "ram", "<", 20, "5m");
        Windows w = window("0:85 60:90 120:88 180:86 240:90 300:85");

        List<Outcome.Held> decisions = held(event("ram", 300, 85), w, List.of(ramUp, ramHigh, ramAlert, ramDown));

        assertThat(decisions).extracting(d -> d.rule().name()).containsExactly("ram-up", "ram-alert");
        assertThat(decisions).extracting(Outcome.Held::reason)
                .containsExactly("ram > 80 for 5m, latest 85", "ram > 70 for 2m, latest 85");
    }

    @Test
    void noRulesNoDecisions() {
        assertThat(held(event("ram", 300, 85), window("0:85 300:85"), List.of())).isEmpty();
    }

    @Test
    void replayedEventIsJudgedAsOfItsOwnTime() {
        Rule ramUp = rule("ram-up", "ram", ">", 80, "5m");
        // Later samples fell below; an old event evaluated again after a restart still decides as it did then.
        Windows w = window("0:85 60:90 120:88 180:86 240:90 300:85 360:40 420:30");

        assertThat(held(event("ram", 300, 85), w, List.of(ramUp))).hasSize(1);
        assertThat(held(event("ram", 420, 30), w, List.of(ramUp))).isEmpty();
    }

    @Test
    void reasonNamesTheDurationInItsShortestForm() {
        assertThat(new Outcome.Held(rule("r", "ram", ">", 80, "120m"), event("ram", 0, 81.5), false, null).reason())
                .isEqualTo("ram > 80 for 2h, latest 81.5");
        assertThat(new Outcome.Held(rule("r", "ram", ">", 80, "1500ms"), event("ram", 0, 81), false, null).reason())
                .isEqualTo("ram > 80 for 1500ms, latest 81");
    }

    private static Rule sturdy(String name, When when, String forText, double ratio, Duration maxGap) {
        return new Rule(name, InstancePattern.ANY, when, DurationText.parse(forText), RAM_UP, Duration.ofMinutes(10), 1,
                ratio, maxGap);
    }

    /** A spike every few samples: busy 90% of the time, never 5 minutes without a dip. */
    private static final String SPIKY = "0:95 30:92 60:40 90:96 120:97 150:91 180:94 210:93 240:35 270:97 300:95";

    @Test
    void aSpikySeriesFiresWithAPercentileOrARatioAndNotPlain() {
        Condition plain = new Condition("cpu", Operator.GT, 80);
        Condition p50 = new Condition("cpu", Operator.GT, 80, Aggregate.P50);
        Condition p90 = new Condition("cpu", Operator.GT, 80, Aggregate.P90);
        Condition p99 = new Condition("cpu", Operator.GT, 80, Aggregate.P99);
        Condition min = new Condition("cpu", Operator.GT, 80, Aggregate.MIN);
        Condition avg = new Condition("cpu", Operator.GT, 80, Aggregate.AVG);
        Windows w = windows("cpu", SPIKY);
        Event e = event("cpu", 300, 95);

        assertThat(held(e, w, List.of(sturdy("plain", plain, "5m", Rule.EVERY_SAMPLE, null)))).isEmpty();
        assertThat(held(e, w, List.of(sturdy("ratio", plain, "5m", 0.8, null)))).hasSize(1);
        assertThat(held(e, w, List.of(sturdy("ratio", plain, "5m", 0.9, null)))).isEmpty(); // 9 of 11
        assertThat(held(e, w, List.of(sturdy("p50", p50, "5m", 0, null)))).hasSize(1);
        assertThat(held(e, w, List.of(sturdy("p90", p90, "5m", 0, null)))).hasSize(1);
        assertThat(held(e, w, List.of(sturdy("p99", p99, "5m", 0, null)))).hasSize(1);
        assertThat(held(e, w, List.of(sturdy("avg", avg, "5m", 0, null)))).hasSize(1); // 84.1
        assertThat(held(e, w, List.of(sturdy("min", min, "5m", 0, null)))).isEmpty();
        assertThat(held(e, w, List.of(sturdy("p90", p90, "6m", 0, null))))
                .as("the samples must still reach back").isEmpty();
        assertThat(held(e, w, List.of(sturdy("ratio", plain, "5m", 0.8, null))))
                .extracting(Outcome.Held::reason).containsExactly("cpu > 80 for 5m in 80% of samples, latest 95");
        assertThat(held(e, w, List.of(sturdy("p90", p90, "5m", 0, null))))
                .extracting(Outcome.Held::reason).containsExactly("p90(cpu) > 80 for 5m, latest 95");
    }

    @Test
    void allNeedsEveryConditionAndAnyOneOfThem() {
        When cpuHigh = new Condition("cpu", Operator.GT, 80);
        When loadHigh = new Condition("load", Operator.GT, 4);
        Rule all = sturdy("all", new When.All(List.of(cpuHigh, loadHigh)), "2m", 0, null);
        Rule any = sturdy("any", new When.Any(List.of(cpuHigh, loadHigh)), "2m", 0, null);
        Rule nested = sturdy("nested", new When.Any(List.of(new When.All(List.of(cpuHigh, loadHigh)),
                new Condition("ram", Operator.GT, 90))), "2m", 0, null);

        Windows bothHigh = windows("cpu", "0:90 60:90 120:90 load@0:5 load@60:6 load@120:5");
        Windows loadLow = windows("cpu", "0:90 60:90 120:90 load@0:5 load@60:3 load@120:5");
        Windows onlyRam = windows("cpu", "0:10 60:10 120:10 ram@0:95 ram@60:95 ram@120:95");
        Event cpuEvent = event("cpu", 120, 90);
        Event loadEvent = event("load", 120, 5);

        assertThat(held(cpuEvent, bothHigh, List.of(all, any, nested)))
                .extracting(d -> d.rule().name()).containsExactly("all", "any", "nested");
        assertThat(held(loadEvent, bothHigh, List.of(all))).extracting(Outcome.Held::reason)
                .containsExactly("all of [cpu > 80, load > 4] for 2m, latest load 5");
        assertThat(held(cpuEvent, loadLow, List.of(all, any, nested)))
                .extracting(d -> d.rule().name()).containsExactly("any");
        assertThat(held(cpuEvent, onlyRam, List.of(all, any, nested)))
                .extracting(d -> d.rule().name()).containsExactly("nested");
    }

    @Test
    void aSilenceLongerThanMaxGapBreaksTheRun() {
        Rule ramUp = rule("ram-up", "ram", ">", 80, "5m");
        Windows gappy = window("0:85 60:90 240:88 300:85");
        Event e = event("ram", 300, 85);

        long now = e.state().timestampMs();
        assertThat(new Decider().decide(e, gappy, ramUp, world, now)).as("default 2m")
                .isInstanceOf(Outcome.NotHeld.class);
        assertThat(new Decider().decide(e, gappy, ramUp, world, now).reason())
                .isEqualTo("ram > 80 since 10:00:00, but a gap between samples longer than max_gap breaks the run");
        assertThat(new Decider(Duration.ofMinutes(3)).decide(e, gappy, ramUp, world, now))
                .isInstanceOf(Outcome.Held.class);
        Rule patient = sturdy("patient", ramUp.when(), "5m", 0, Duration.ofMinutes(3));
        assertThat(new Decider().decide(e, gappy, patient, world, now)).as("the rule's own max gap")
                .isInstanceOf(Outcome.Held.class);
    }

    @Test
    void aRuleOutsideItsActiveTimesActsNot() {
        // T0 is 2025-11-25 10:00 UTC, a Tuesday.
        Rule nightly = new Rule("night-down", InstancePattern.ANY, new Condition("ram", Operator.GT, 80),
                Duration.ofMinutes(5), RAM_UP, Duration.ofMinutes(10), 1, Rule.EVERY_SAMPLE, null,
                ActiveTimes.parse(List.of("Mon-Fri 22:00-06:00"), java.time.ZoneOffset.UTC));
        Rule office = new Rule("office", InstancePattern.ANY, new Condition("ram", Operator.GT, 80),
                Duration.ofMinutes(5), RAM_UP, Duration.ofMinutes(10), 1, Rule.EVERY_SAMPLE, null,
                ActiveTimes.parse(List.of("Tue 09:00-11:00"), java.time.ZoneOffset.UTC));
        Windows w = window("0:85 60:90 120:88 180:86 240:90 300:85");
        Decider d = new Decider();

        List<Outcome> outcomes = d.decide(event("ram", 300, 85), w, List.of(nightly, office), world, T0);
        assertThat(outcomes).extracting(Outcome::kind)
                .containsExactly(OutcomeKind.OUTSIDE_SCHEDULE, OutcomeKind.FIRED);
        assertThat(outcomes.get(0).reason()).isEqualTo("outside its active times at 10:05:00; the condition holds");
        assertThat(d.outsideSchedule()).isEqualTo(1);
    }
}
