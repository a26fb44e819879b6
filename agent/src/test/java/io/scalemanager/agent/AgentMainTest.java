package io.scalemanager.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AgentMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) throws Exception {
        return AgentMain.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void oncePrintsEveryStandardTypeAsJsonAndExits() throws Exception {
        assertThat(run(Map.of("SCALEMANAGER_AGENT_INSTANCE", "once-1"), "--once")).isZero();
        JsonNode states = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        List<String> types = new ArrayList<>();
        states.forEach(s -> {
            assertThat(s.get("instance").asText()).isEqualTo("once-1");
            types.add(s.get("type").asText());
        });
        assertThat(types).containsExactlyInAnyOrder("cpu", "load", "load5", "load15", "ram", "ram_used_mb",
                "ram_total_mb", "storage", "storage_used_gb", "storage_total_gb", "cpus");
    }

    @Test
    void badOptionExitsWithTwoAndOneLineNamingIt() throws Exception {
        assertThat(run(Map.of(), "--interval", "often", "--once")).isEqualTo(AgentMain.EXIT_BAD_OPTION);
        assertThat(err.toString(StandardCharsets.UTF_8).trim()).startsWith("scalemanager-agent: option 'interval'")
                .doesNotContain("\n");
    }

    @Test
    void unknownFlagAndMissingValueAreErrors() throws Exception {
        assertThat(run(Map.of(), "--intervall", "5s")).isEqualTo(AgentMain.EXIT_BAD_OPTION);
        assertThat(run(Map.of(), "--interval")).isEqualTo(AgentMain.EXIT_BAD_OPTION);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown flag --intervall")
                .contains("flag --interval needs a value");
    }

    @Test
    void helpListsEveryOptionWithItsVariable() throws Exception {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--collectors", "SCALEMANAGER_AGENT_TOKEN",
                "--buffer-max", "64MiB");
    }
}
