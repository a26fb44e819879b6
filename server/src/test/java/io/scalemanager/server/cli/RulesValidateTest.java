package io.scalemanager.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RulesValidateTest {
    @TempDir
    Path dir;

    @Test
    void rulesThatWouldFlapAreAWarningAndTheFileStaysValid() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, """
                rules:
                  - name: cpu-up
                    when: cpu > 50
                    for: 5m
                    then: cpu +1
                  - name: cpu-down
                    when: cpu < 60
                    for: 5m
                    then: cpu -1
                """);
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            status = new CommandLine(new RulesCommand()).execute("validate", file.toString());
        } finally {
            System.setOut(original);
        }

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "warning: " + file + ":6: rules 'cpu-up' (cpu > 50, line 2) and 'cpu-down' (cpu < 60, line 6) can both"
                        + " hold at once, so they would grow and shrink cpu in turn; leave a gap between their"
                        + " thresholds",
                file + ": valid, 2 rules");
    }
}
