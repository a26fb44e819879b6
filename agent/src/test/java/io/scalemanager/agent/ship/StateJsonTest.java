package io.scalemanager.agent.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StateJsonTest {
    @Test
    void statesParseAsTheCollectorReadsThem() throws Exception {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("ram", 81.5);
        values.put("storage_total_gb", 251.97231);
        values.put("cpus", 2.0);
        values.put("big", 1.0e12);
        values.put("tiny", 0.00001);
        String json = "[" + StateJson.states("web-1@dc/a:b", 1764067200250L, values) + "]";
        JsonNode states = new ObjectMapper().readTree(json);
        assertThat(states).hasSize(5);
        assertThat(states.get(0).get("instance").asText()).isEqualTo("web-1@dc/a:b");
        assertThat(states.get(0).get("type").asText()).isEqualTo("ram");
        assertThat(states.get(0).get("value").asDouble()).isEqualTo(81.5);
        assertThat(states.get(0).get("timestamp").decimalValue()).isEqualByComparingTo("1764067200.25");
        assertThat(states.get(1).get("value").asDouble()).isEqualTo(251.972);
        assertThat(states.get(3).get("value").asDouble()).isEqualTo(1.0e12);
        assertThat(json).contains("\"value\":2,").contains("\"value\":1000000000000,").contains("\"value\":0,");
    }

    @Test
    void wholeSecondsHaveNoFraction() {
        assertThat(StateJson.seconds(1764067200000L)).isEqualTo("1764067200");
        assertThat(StateJson.seconds(1764067200007L)).isEqualTo("1764067200.007");
    }

    @Test
    void stringsAreEscaped() {
        StringBuilder out = new StringBuilder();
        StateJson.string(out, "a\"b\\c\n");
        assertThat(out).hasToString("\"a\\\"b\\\\c\\u000a\"");
    }
}
