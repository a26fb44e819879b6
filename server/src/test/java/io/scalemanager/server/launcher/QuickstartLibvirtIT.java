package io.scalemanager.server.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docs/quickstart-libvirt.md as written, with libvirt's test driver standing in for the KVM host: its runnable
 * blocks in order in a ScaleManager directory, its server block started as the launcher, and at the end the
 * first real resize: an action of rule ram-up that succeeded, and the domain's memory grown through libvirt.
 */
class QuickstartLibvirtIT {
    private static final Path GUIDE = Launcher.REPO.resolve("docs/quickstart-libvirt.md");
    private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\S*)([^\\n]*)\\n(.*?)^```");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** A libvirt test-driver node with the guide's VM: web-1, 2048 MiB in use, up to 8192. */
    private static final String NODE = """
            <node>
              <domain type='test'>
                <name>web-1</name>
                <memory unit='MiB'>8192</memory>
                <currentMemory unit='MiB'>2048</currentMemory>
                <vcpu placement='static' current='2'>4</vcpu>
                <os><type>hvm</type></os>
              </domain>
            </node>
            """;

    @TempDir
    Path home;

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
    void everyCommandOfTheGuideLeadsToTheFirstResize() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v virsh").start().waitFor() == 0, "virsh is not installed");
        Path node = Files.writeString(home.resolve("node.xml"), NODE);
        // A ScaleManager directory as the guide expects: bin/ (the checkout's launcher) and config/.
        Files.createSymbolicLink(home.resolve("bin"), Launcher.REPO.resolve("bin"));
        Files.createDirectories(home.resolve("config"));
        int port = Launcher.freePort();
        String uri = "test://" + node.toAbsolutePath();

        boolean started = false;
        for (Block block : blocks(Files.readString(GUIDE))) {
            String script = block.text().replace("qemu:///system", uri).replace("localhost:8080", "127.0.0.1:" + port)
                    .replace("127.0.0.1:8080", "127.0.0.1:" + port);
            if (block.kind().equals("server")) {
                startServer(script, port);
                started = true;
            } else {
                run(script);
            }
        }
        assertThat(started).as("the guide starts the server").isTrue();

        URI base = URI.create("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(base, "/v1/actions?instance=web-1&status=succeeded")
                .path("actions").size() == 1);
        JsonNode action = get(base, "/v1/actions?instance=web-1").path("actions").get(0);
        assertThat(action.path("rule").asText()).isEqualTo("ram-up");
        assertThat(action.path("from").asLong()).isEqualTo(2048);
        assertThat(action.path("to").asLong()).isEqualTo(3072);
        JsonNode size = get(base, "/v1/instances/web-1");
        assertThat(size.path("ram").asLong()).as("the size libvirt reports now").isEqualTo(3072);
        assertThat(size.path("source").asText()).isEqualTo("provider");
        assertThat(Files.readString(home.resolve("server.log"))).contains("web-1: ram 2048 → 3072 (rule ram-up");
    }

    private void run(String script) throws Exception {
        Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(home.toFile())
                .redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as("block:\n%s\noutput:\n%s", script, output).isZero();
    }

    /** Runs the block's lines before its last, then its last line (the launcher) in the background. */
    private void startServer(String script, int port) throws Exception {
        List<String> lines = script.strip().lines().toList();
        run(String.join("\n", lines.subList(0, lines.size() - 1)));
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "exec " + lines.get(lines.size() - 1))
                .directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve("server.log").toFile());
        builder.environment().put("SCALEMANAGER_JAVA_OPTS", Launcher.SMALL_JVM);
        server = builder.start();
        URI base = URI.create("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> HTTP.send(
                HttpRequest.newBuilder(base.resolve("/ready")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200);
    }

    private static JsonNode get(URI base, String path) throws Exception {
        return Json.mapper().readTree(HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    record Block(String kind, String text) {
    }

    private static List<Block> blocks(String markdown) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = FENCE.matcher(markdown);
        while (m.find()) {
            String info = m.group(2).strip();
            if (info.equals("runnable") || info.equals("server")) {
                blocks.add(new Block(info, m.group(3)));
            }
        }
        return blocks;
    }
}
