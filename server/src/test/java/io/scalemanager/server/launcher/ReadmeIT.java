package io.scalemanager.server.launcher;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * README.md works as written: its fenced blocks marked {@code runnable} run, in order, from the checkout against
 * {@code bin/scalemanager run} (on a free port instead of 8080, its data in a test directory); its links point at
 * files of this repository; .ci/run runs its test command; it stays short.
 */
class ReadmeIT {
    private static final Path README = Launcher.REPO.resolve("README.md");
    private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\S*)([^\\n]*)\\n(.*?)^```");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#]+)(#[^)]*)?\\)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Process server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void runnableBlocksRunAgainstAStartedServer() throws Exception {
        List<String> blocks = runnableBlocks(Files.readString(README));
        assertThat(blocks).as("README.md has runnable blocks").hasSizeGreaterThanOrEqualTo(3);
        int port = Launcher.freePort();
        server = Launcher.start(Launcher.REPO, dir.resolve("server.log"), Map.of("SCALEMANAGER_JAVA_OPTS",
                Launcher.SMALL_JVM), List.of("run", "--listen", "127.0.0.1:" + port, "--data",
                dir.resolve("data").toString()));
        URI base = URI.create("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> HTTP.send(
                HttpRequest.newBuilder(base.resolve("/ready")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200);

        assertThat(String.join("\n", blocks)).as("the README's changes carry the generated admin token")
                .contains("-H \"Authorization: Bearer $(cat data/admin.token)\"");
        for (String block : blocks) {
            // The server's data is in the test directory, and so is the admin token it generated there.
            String script = block.replace("localhost:8080", "127.0.0.1:" + port)
                    .replace("$(cat data/admin.token)", "$(cat " + dir.resolve("data/admin.token") + ")");
            Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                    .directory(Launcher.REPO.toFile()).redirectErrorStream(true).start();
            String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bash.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(bash.exitValue()).as("README block:\n%s\noutput:\n%s", block, output).isZero();
        }
    }

    @Test
    void linksPointIntoTheRepositoryAndTheCiRunsTheTestCommand() throws Exception {
        String readme = Files.readString(README);
        assertThat(readme.lines().count()).as("README.md lines").isLessThanOrEqualTo(120);
        assertThat(readme).doesNotContain("../shared");
        Matcher link = LINK.matcher(readme);
        List<String> links = new ArrayList<>();
        while (link.find()) {
            String target = link.group(1);
            if (!target.startsWith("http")) {
                links.add(target);
                assertThat(Launcher.REPO.resolve(target)).as("link target %s", target).exists();
            }
        }
        assertThat(links).contains("docs/openapi.yaml", "docs/performance.md");

        String testCommand = readme.lines().filter(l -> l.startsWith("mvn -B verify")).findFirst()
                .map(l -> l.replaceAll("\\s+#.*", "").strip()).orElseThrow(() -> new AssertionError(
                        "README.md shows no test command (mvn -B verify ...)"));
        assertThat(Files.readString(Launcher.REPO.resolve(".ci/run")).lines().map(String::strip))
                .as(".ci/run runs the README's test command").contains(testCommand);
    }

    static List<String> runnableBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = FENCE.matcher(markdown);
        while (m.find()) {
            if (m.group(2).contains("runnable")) {
                blocks.add(m.group(3));
            }
        }
        return blocks;
    }
}
