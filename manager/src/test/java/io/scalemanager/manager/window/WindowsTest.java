package io.scalemanager.manager.window;

import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.state.State;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.core.condition.Operator;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.RuleAction;
import io.scalemanager.manager.rules.Ruleset;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WindowsTest {
    private static Rule rule(String name, String type, Duration forDuration) {
        return new Rule(name, InstancePattern.ANY, new Condition(type, Operator.GT, 80), forDuration,
                new RuleAction.RaiseAlert(), Duration.ZERO, 1);
    }

    private final Ruleset ruleset = new Ruleset(List.of(
            rule("a", "ram", Duration.ofMinutes(5)),
            rule("b", "ram", Duration.ofMinutes(10)),
            rule("c", "load", Duration.ZERO)), Limits.NONE);

    @Test
    void keepsTheLongestForOfEachTypePlusTheMargin() {
        Windows windows = new Windows(ruleset, Duration.ofMinutes(1));

        assertThat(windows.retention("ram")).isEqualTo(Duration.ofMinutes(11));
        assertThat(windows.retention("load")).isEqualTo(Duration.ofMinutes(1));
        assertThat(windows.add(new State("web-1", "ram", 90, 1000)).retentionMs()).isEqualTo(660_000);
    }

    @Test
    void oneWindowPerInstanceAndType() {
        Windows windows = new Windows(ruleset);

        Window ram1 = windows.add(new State("web-1", "ram", 90, 1000));
        assertThat(windows.add(new State("web-1", "ram", 91, 2000))).isSameAs(ram1);
        assertThat(windows.add(new State("web-1", "load", 1, 2000))).isNotSameAs(ram1);
        assertThat(windows.add(new State("web-2", "ram", 50, 2000))).isNotSameAs(ram1);
        assertThat(ram1.size()).isEqualTo(2);
        assertThat(windows.get("web-1", "ram")).isSameAs(ram1);
        assertThat(windows.instances()).containsExactlyInAnyOrder("web-1", "web-2");
    }

    @Test
    void typesNoRuleWatchesAreNotKept() {
        Windows windows = new Windows(ruleset);

        assertThat(windows.add(new State("web-1", "cpu", 90, 1000))).isNull();
        assertThat(windows.get("web-1", "cpu")).isNull();
        assertThat(windows.instanceCount()).isZero();
    }

    @Test
    void removeForgetsAnInstance() {
        Windows windows = new Windows(ruleset);
        windows.add(new State("web-1", "ram", 90, 1000));

        assertThat(windows.remove("web-1")).isTrue();
        assertThat(windows.get("web-1", "ram")).isNull();
        assertThat(windows.remove("web-1")).isFalse();
    }
}
