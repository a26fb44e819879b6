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
import io.scalemanager.manager.window.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeciderTest {
    private static final long T0 = 1_764_064_800_000L;
    private static final RuleAction RAM_UP = new RuleAction.Resize(new Change(Component.RAM, ChangeMode.REL, 1024));

    private final Decider decider = new Decider();

    private static Rule rule(String name, String type, String op, double threshold, String forText) {
        return new Rule(name, InstancePattern.ANY, new Condition(type, Operator.parse(op).orElseThrow(), threshold),
                DurationText.parse(forText), RAM_UP, Duration.ofMinutes(10), 1);
    }

    /** Samples written as "seconds:value" after T0, in the order written. */
    private static Window window(String samples) {
        Window w = new Window(Duration.ofHours(2));
        for (String s : samples.trim().split("\\s+")) {
            String[] p = s.split(":");
            w.add(T0 + Long.parseLong(p[0]) * 1000, Double.parseDouble(p[1]));
        }
        return w;
    }

    private static Event event(String type, long seconds, double value) {
        return new Event((T0 + seconds * 1000) * 1000, new State("web-1", type, value, T0 + seconds * 1000));
    }

    @ParameterizedTest(name = "{0}")
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
    void ruleFiresOnlyWhenItsConditionHeldAndSaysWhy(String title, String type, String op, double threshold,
                                                     String forText, String samples, String latest,
                                                     String expectedReason) {
        Rule rule = rule("r", type, op, threshold, forText);
        String[] at = latest.split(":");
        Event event = event(type, Long.parseLong(at[0]), Double.parseDouble(at[1]));

        List<Decision> decisions = decider.decide(event, window(samples), List.of(rule));

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
        Window w = window("0:85 60:90 120:88 180:86 240:90 300:85");

        List<Decision> decisions = decider.decide(event("ram", 300, 85), w, List.of(ramUp, ramHigh, ramAlert, ramDown));

        assertThat(decisions).extracting(d -> d.rule().name()).containsExactly("ram-up", "ram-alert");
        assertThat(decisions).extracting(Decision::reason)
                .containsExactly("ram > 80 for 5m, latest 85", "ram > 70 for 2m, latest 85");
    }

    @Test
    void noRulesNoDecisions() {
        assertThat(decider.decide(event("ram", 300, 85), window("0:85 300:85"), List.of())).isEmpty();
    }

    @Test
    void replayedEventIsJudgedAsOfItsOwnTime() {
        Rule ramUp = rule("ram-up", "ram", ">", 80, "5m");
        // Later samples fell below; an old event evaluated again after a restart still decides as it did then.
        Window w = window("0:85 60:90 120:88 180:86 240:90 300:85 360:40 420:30");

        assertThat(decider.decide(event("ram", 300, 85), w, List.of(ramUp))).hasSize(1);
        assertThat(decider.decide(event("ram", 420, 30), w, List.of(ramUp))).isEmpty();
    }

    @Test
    void reasonNamesTheDurationInItsShortestForm() {
        assertThat(Decider.reason(rule("r", "ram", ">", 80, "120m"), event("ram", 0, 81.5)))
                .isEqualTo("ram > 80 for 2h, latest 81.5");
        assertThat(Decider.reason(rule("r", "ram", ">", 80, "1500ms"), event("ram", 0, 81)))
                .isEqualTo("ram > 80 for 1500ms, latest 81");
    }
}
