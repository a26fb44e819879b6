package io.scalemanager.server.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The start-up failures a newcomer can cause, through the real launcher: each prints one or two lines on stderr
 * that name the thing and what to do, exits non-zero, and shows no stack trace unless --verbose.
 */
class StartupFailuresIT {
    @TempDir
    Path dir;

    record Outcome(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @Test
    void aPortInUseNamesTheAddressAndSuggestsAnother() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String listen = "127.0.0.1:" + busy.getLocalPort();
            Outcome o = run(List.of(), "run", "--listen", listen, "--data", dir.resolve("data").toString());
            assertShort(o);
            assertThat(o.err()).contains(listen).contains("already in use").contains("--listen 127.0.0.1:");

            Outcome verbose = run(List.of(), "run", "--listen", listen, "--data", dir.resolve("data").toString(),
                    "--verbose");
            assertThat(verbose.exit()).isEqualTo(2);
            assertThat(verbose.all()).contains("already in use").contains("ERROR Launch").contains("StartupException");
        }
    }

    @Test
    void aPortBelow1024ForAnOrdinaryUserSaysWhyAndWhichToUse() throws Exception {
        List<String> asUser = List.of();
        if (isRoot()) {
            // root may bind any port: run the launcher as nobody, as an ordinary user would
            assumeThat(Path.of("/usr/bin/setpriv")).as("setpriv to drop root").exists();
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            asUser = List.of("/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups");
        }
        Outcome o = run(asUser, "run", "--listen", "127.0.0.1:1", "--data", "/tmp");
        assertShort(o);
        assertThat(o.err()).contains("127.0.0.1:1").contains("below 1024").contains("--listen 127.0.0.1:8080");
    }

    @Test
    void aDataDirectoryThatCannotBeWrittenIsNamed() throws Exception {
        // /proc refuses new directories even to root
        Outcome o = run(List.of(), "run", "--listen", "127.0.0.1:" + Launcher.freePort(), "--data",
                "/proc/scalemanager-data");
        assertShort(o);
        assertThat(o.err()).contains("/proc/scalemanager-data").contains("--data DIR");
    }

    @Test
    void anUnreachableDatabaseIsNamedWithWhatToCheck() throws Exception {
        String url = "jdbc:mariadb://127.0.0.1:" + Launcher.freePort() + "/scalemanager";
        Outcome o = run(List.of(), "run", "--listen", "127.0.0.1:" + Launcher.freePort(), "--db-url", url,
                "--rules", rules().toString());
        assertShort(o);
        assertThat(o.err()).contains(url).contains("db.url");
    }

    @Test
    void aMissingRulesFileIsNamedWithWhereToStart() throws Exception {
        Outcome o = run(List.of(), "run", "--listen", "127.0.0.1:" + Launcher.freePort(), "--data",
                dir.resolve("data").toString(), "--rules", "missing-rules.yaml");
        assertShort(o);
        assertThat(o.err()).contains(dir.resolve("missing-rules.yaml").toString()).contains("does not exist")
                .contains("config/rules.example.yaml");
    }

    private Path rules() throws Exception {
        return Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
    }

    private static void assertShort(Outcome o) {
        assertThat(o.exit()).as(o.all()).isNotZero();
        assertThat(o.err().strip().lines().count()).as(o.err()).isBetween(1L, 2L);
        assertThat(o.err()).startsWith("scalemanager: ");
        assertThat(o.all()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
    }

    private static boolean isRoot() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        return new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().equals("0");
    }

    private Outcome run(List<String> prefix, String... args) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.add(Launcher.REPO.resolve("bin/scalemanager").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("SCALEMANAGER_JAVA_OPTS", Launcher.SMALL_JVM);
        Process p = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        String err = read(p.getErrorStream());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the launcher exits").isTrue();
        return new Outcome(p.exitValue(), out.get(), err);
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
