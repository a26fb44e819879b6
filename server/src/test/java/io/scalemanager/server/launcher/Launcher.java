package io.scalemanager.server.launcher;

import io.scalemanager.core.net.LoopbackPorts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code bin/scalemanager} as a child process, the way an operator or a unit file would. */
final class Launcher {
    static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    /** Small heaps and a quick JIT: several children share a small machine with the build and the tests. */
    static final String SMALL_JVM = "-Xms32m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    private Launcher() {
    }

    /** Starts {@code bin/scalemanager args} in {@code workDir}; its output (both streams) is appended to {@code log}. */
    static Process start(Path workDir, Path log, Map<String, String> env, List<String> args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(args)).directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Runs {@code bin/scalemanager args} to its end, asserts it exited 0 and returns its output. */
    static String run(Path workDir, Map<String, String> env, List<String> args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command(args)).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }

    static int freePort() {
        return LoopbackPorts.free();
    }

    private static List<String> command(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(REPO.resolve("bin/scalemanager").toString());
        command.addAll(args);
        return command;
    }
}
