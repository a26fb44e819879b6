package io.scalemanager.queue.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A JVM started by a test on the test's own classpath, to run a broker or a member that a test can kill. */
final class ChildJvm {

    private ChildJvm() {
    }

    static ProcessBuilder of(List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }
}
