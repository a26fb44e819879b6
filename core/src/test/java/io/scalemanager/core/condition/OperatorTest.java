package io.scalemanager.core.condition;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class OperatorTest {

    @ParameterizedTest(name = "{1} {0} {2} is {3}")
    @CsvSource({
            "'>', 81, 80, true", "'>', 80, 80, false",
            "'>=', 80, 80, true", "'>=', 79.9, 80, false",
            "'<', 0.4, 0.5, true", "'<', 0.5, 0.5, false",
            "'<=', 0.5, 0.5, true", "'<=', 0.6, 0.5, false",
            "'==', 2, 2, true", "'==', 2.0001, 2, false",
            "'!=', 3, 2, true", "'!=', 2, 2, false",
    })
    void comparesValueWithThreshold(String symbol, double value, double threshold, boolean expected) {
        Operator op = Operator.parse(symbol).orElseThrow();

        assertThat(op.symbol()).isEqualTo(symbol);
        assertThat(op.test(value, threshold)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"'>>'", "'='", "'=>'", "'<>'", "''"})
    void rejectsAnythingElse(String symbol) {
        assertThat(Operator.parse(symbol)).isEmpty();
    }
}
