package io.scalemanager.server.launcher;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code bin/scalemanager demo} keeps the README's promise when started from a copy of the checkout, whose
 * config/scalemanager.yaml names a ruleset and a data directory for {@code run}: the demo uses its own, and the
 * README's sample decision line appears in the log within a minute of the server running.
 */
class DemoIT {
    /** The README's sample decision, e.g. {@code web-6: cpu 2 → 3 (rule cpu-up: load > 4 for 20s, latest 6.54)}. */
    private static final Pattern SAMPLE = Pattern.compile("`([\\w-]+: \\w+ \\d+ → \\d+ \\(rule [^`]+\\))`");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");
    /** The hint the first start prints: the header to send, with the path of the token file. */
    private static final Pattern HINT = Pattern.compile("-H \"Authorization: Bearer \\$\\(cat ([^)]+)\\)\"");

    @TempDir
    Path checkout;

    private Process demo;

    @AfterEach
    void stop() throws InterruptedException {
        if (demo != null) {
            demo.destroy();
            if (!demo.waitFor(60, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }

    @Test
    void demoFromTheCheckoutUsesItsOwnRulesetAndDataAndDecidesWithinAMinute() throws Exception {
        copyConfig(checkout);
        Path log = checkout.resolve("demo.log");
        int port = Launcher.freePort();
        demo = Launcher.start(checkout, log, Map.of("SCALEMANAGER_JAVA_OPTS", Launcher.SMALL_JVM),
                List.of("demo", "--listen", "127.0.0.1:" + port));

        await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(log).contains("ScaleManager is running"));
        long running = System.nanoTime();
        Pattern decision = readmeSampleAsPattern();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> decision.matcher(Files.readString(log)).find());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - running);

        String output = Files.readString(log);
        assertThat(output).as("first decision after %d s", seconds).contains("Demo: the built-in demo ruleset");
        assertThat(checkout.resolve("data/demo")).isDirectory();
        try (Stream<Path> files = Files.list(checkout.resolve("data"))) {
            assertThat(files.map(p -> p.getFileName().toString())).as("run's database is not touched")
                    .containsExactly("demo");
        }
        demoWroteAnAdminTokenAndTheHintItPrintsWorks(output, port);
    }

    /**
     * Changes need a token also on loopback: the demo wrote one to data/demo/admin.token (0600), never logged it,
     * and printed a hint that, pasted into a shell as it is, makes a change go through.
     */
    private void demoWroteAnAdminTokenAndTheHintItPrintsWorks(String output, int port) throws Exception {
        Path file = checkout.resolve("data/demo/admin.token");
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String token = Files.readString(file).strip();
        assertThat(token).hasSizeGreaterThanOrEqualTo(40);
        assertThat(output).as("the token itself is never logged").doesNotContain(token);
        Matcher hint = HINT.matcher(output);
        assertThat(hint.find()).as("the log says how to send the admin token").isTrue();
        assertThat(Path.of(hint.group(1)).toRealPath()).isEqualTo(file.toRealPath());

        String pause = "curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:" + port + "/v1/pauses "
                + "-H 'Content-Type: application/json' "
                + "-d '{\"instances\":\"nothing-*\",\"rule\":\"*\",\"duration\":\"1m\"}' ";
        assertThat(shell(pause)).as("a change without the token").isEqualTo("401");
        assertThat(shell(pause + hint.group())).as("a change with the printed hint").isEqualTo("201");
    }

    private String shell(String command) throws Exception {
        Process bash = new ProcessBuilder("bash", "-c", command).directory(checkout.toFile()).start();
        String out = new String(bash.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.strip();
    }

    /** The README's sample line with its numbers and instance number open, the rest literal. */
    static Pattern readmeSampleAsPattern() throws IOException {
        Matcher m = SAMPLE.matcher(Files.readString(Launcher.REPO.resolve("README.md")));
        assertThat(m.find()).as("README.md shows a sample decision line").isTrue();
        String sample = m.group(1);
        StringBuilder regex = new StringBuilder();
        Matcher n = NUMBER.matcher(sample);
        int at = 0;
        while (n.find()) {
            regex.append(Pattern.quote(sample.substring(at, n.start())));
            // The rule's own figures (threshold, window) stay literal; the instance, sizes and latest value vary.
            String before = sample.substring(0, n.start());
            boolean ruleText = before.contains("(rule ") && !before.endsWith("latest ");
            regex.append(ruleText ? Pattern.quote(n.group()) : "\\d+(\\.\\d+)?");
            at = n.end();
        }
        regex.append(Pattern.quote(sample.substring(at)));
        return Pattern.compile(regex.toString());
    }

    private static void copyConfig(Path to) throws IOException {
        Files.createDirectories(to.resolve("config"));
        try (Stream<Path> files = Files.list(Launcher.REPO.resolve("config"))) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve("config").resolve(f.getFileName()));
            }
        }
    }
}
