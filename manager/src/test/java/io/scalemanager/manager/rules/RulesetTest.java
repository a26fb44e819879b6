package io.scalemanager.manager.rules;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Limits;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RulesetTest {

    private static Rule rule(String name, String glob, String type, int forMinutes) {
        return new Rule(name, InstancePattern.parse(glob), new Condition(type, Operator.GT, 1),
                Duration.ofMinutes(forMinutes), new RuleAction.RaiseAlert(), Duration.ZERO, 1);
    }

    private final Ruleset ruleset = new Ruleset(List.of(
            rule("web-ram", "web-*", "ram", 5),
            rule("all-ram", "*", "ram", 10),
            rule("web-load", "web-*", "load", 3),
            rule("db-load", "db-?", "load", 15)), Limits.NONE);

    @Test
    void rulesForKeepsFileOrderAndMatchesGlobs() {
        assertThat(ruleset.rulesFor("web-1", "ram")).extracting(Rule::name).containsExactly("web-ram", "all-ram");
        assertThat(ruleset.rulesFor("db-1", "ram")).extracting(Rule::name).containsExactly("all-ram");
        assertThat(ruleset.rulesFor("db-1", "load")).extracting(Rule::name).containsExactly("db-load");
        assertThat(ruleset.rulesFor("db-10", "load")).isEmpty();
        assertThat(ruleset.rulesFor("web-1", "cpu")).isEmpty();
    }

    @Test
    void rulesForCachesOneEntryPerInstanceAndSharesTheLists() {
        List<Rule> first = ruleset.rulesFor("web-1", "ram");

        assertThat(ruleset.rulesFor("web-1", "ram")).isSameAs(first);
        assertThat(ruleset.rulesFor("web-2", "ram")).isSameAs(first);
        assertThat(ruleset.cachedInstances()).isEqualTo(2);
    }

    @Test
    void rulesForStaysBoundedWithManyInstances() {
        for (int i = 0; i < Ruleset.MAX_CACHED_INSTANCES + 10; i++) {
            ruleset.rulesFor("web-" + i, "ram");
        }

        assertThat(ruleset.cachedInstances()).isLessThanOrEqualTo(Ruleset.MAX_CACHED_INSTANCES);
        assertThat(ruleset.rulesFor("web-7", "ram")).extracting(Rule::name).containsExactly("web-ram", "all-ram");
    }

    @Test
    void rulesForIsSafeFromManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        String instance = (i % 2 == 0 ? "web-" : "db-") + (i % 7);
                        int expected = instance.startsWith("web-") ? 2 : 1;
                        if (ruleset.rulesFor(instance, "ram").size() != expected) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void typesAndLongestForDescribeTheHistoryWindowsNeed() {
        assertThat(ruleset.types()).containsExactly("ram", "load");
        assertThat(ruleset.longestFor("ram")).isEqualTo(Duration.ofMinutes(10));
        assertThat(ruleset.longestFor("load")).isEqualTo(Duration.ofMinutes(15));
        assertThat(ruleset.longestFor("cpu")).isZero();
    }

    @Test
    void rulesOnEveryInstanceNeedNoCache() {
        Ruleset everywhere = new Ruleset(List.of(rule("a", "*", "ram", 0)), Limits.NONE);

        assertThat(everywhere.rulesFor("anything", "ram")).hasSize(1);
        assertThat(everywhere.cachedInstances()).isZero();
    }

    @Test
    void duplicateRuleNamesAreRefused() {
        assertThatThrownBy(() -> new Ruleset(List.of(rule("a", "*", "ram", 0), rule("a", "*", "load", 0)),
                Limits.NONE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'");
    }
}
