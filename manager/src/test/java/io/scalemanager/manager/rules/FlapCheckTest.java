package io.scalemanager.manager.rules;

import io.scalemanager.core.condition.Operator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class FlapCheckTest {

    @ParameterizedTest(name = "{0} and {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "cpu > 50  | cpu < 60  | true",
            "cpu > 60  | cpu < 50  | false",
            "cpu > 50  | cpu < 50  | false",
            "cpu >= 50 | cpu <= 50 | true",
            "cpu >= 50 | cpu < 50  | false",
            "cpu > 50  | cpu == 70 | true",
            "cpu > 50  | cpu == 50 | false",
            "cpu != 5  | cpu == 5  | false",
            "cpu != 5  | cpu < 1   | true",
            "cpu < 10  | cpu < 20  | true",
    })
    void thresholdsOverlapWhenSomeValueMatchesBoth(String a, String b, boolean overlap) throws Exception {
        assertThat(FlapCheck.overlap(condition(a), condition(b))).isEqualTo(overlap);
        assertThat(FlapCheck.overlap(condition(b), condition(a))).isEqualTo(overlap);
    }

    private static Condition condition(String text) {
        String[] p = text.trim().split("\\s+");
        return new Condition(p[0], Operator.parse(p[1]).orElseThrow(), Double.parseDouble(p[2]));
    }

    @ParameterizedTest(name = "{0} and {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "*       | db-1    | true",
            "web-*   | web-1*  | true",
            "web-*   | db-*    | false",
            "web-?   | web-12  | false",
            "web-?2  | *-12    | true",
            "*a*     | *b*     | true",
            "a*      | *b      | true",
            "a?c     | a*d     | false",
    })
    void globsOverlapWhenSomeInstanceMatchesBoth(String a, String b, boolean overlap) {
        assertThat(FlapCheck.globsOverlap(a.trim(), b.trim())).isEqualTo(overlap);
        assertThat(FlapCheck.globsOverlap(b.trim(), a.trim())).isEqualTo(overlap);
    }

    @Test
    void aGrowingAndAShrinkingRuleWithOverlappingThresholdsAreReported() throws Exception {
        Ruleset ruleset = RulesetParser.parse("""
                rules:
                  - {name: cpu-up, when: cpu > 50, for: 5m, then: cpu +1}
                  - {name: ram-down, when: cpu < 60, then: ram -1024}
                  - {name: cpu-down, instances: "web-*", when: cpu < 60, for: 5m, then: cpu -1}
                  - {name: cpu-down-db, instances: "db-*", when: cpu < 40, then: cpu -1}
                  - {name: cpu-alert, when: cpu < 60, then: alert}
                  - {name: cpu-set, when: cpu < 60, then: cpu =2}
                """, "rules.yaml");

        assertThat(FlapCheck.find(ruleset)).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(4);
            assertThat(f.message()).isEqualTo("rules 'cpu-up' (cpu > 50, line 2) and 'cpu-down' (cpu < 60, line 4)"
                    + " can both hold at once, so they would grow and shrink cpu in turn; leave a gap between their"
                    + " thresholds");
        });
    }
}
