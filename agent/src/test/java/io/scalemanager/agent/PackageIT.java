package io.scalemanager.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The .deb and the tarball that `package` built: their contents, an install into a scratch root, the unit. */
class PackageIT {
    private static final List<String> TYPES = List.of("cpu", "load", "load5", "load15", "ram", "ram_used_mb",
            "ram_total_mb", "storage", "storage_used_gb", "storage_total_gb", "cpus");

    @TempDir
    Path dir;

    record Result(int code, String out) {
    }

    private static Result exec(String... command) throws IOException, InterruptedException {
        File output = File.createTempFile("package-it", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), Files.readString(output.toPath(), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output.toPath());
        }
    }

    private static boolean onPath(String command) throws IOException, InterruptedException {
        return exec("sh", "-c", "command -v " + command).code() == 0;
    }

    private static Path built(String glob) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + glob + " in target/"));
        }
    }

    private static void assertOncePrintsEveryStandardType(Path launcher) throws Exception {
        Result once = exec(launcher.toString(), "--once", "--instance", "pkg-1");
        assertThat(once.code()).as(once.out()).isZero();
        JsonNode states = new ObjectMapper().readTree(once.out());
        assertThat(states.findValuesAsText("type")).containsExactlyInAnyOrderElementsOf(TYPES);
    }

    @Test
    void debDeclaresThePackageAndHoldsAgentConfigUnitAndLauncher() throws Exception {
        assumeTrue(onPath("dpkg-deb"), "dpkg-deb is not installed");
        Path deb = built("scalemanager-agent_*_all.deb");
        Result info = exec("dpkg-deb", "--info", deb.toString());
        assertThat(info.out()).contains("Package: scalemanager-agent", "Architecture: all",
                "Depends: java17-runtime-headless");
        assertThat(exec("dpkg-deb", "--info", deb.toString(), "conffiles").out().lines())
                .as("an upgrade keeps edited config").containsExactlyInAnyOrder("/etc/scalemanager/agent.yaml",
                        "/etc/scalemanager/agent.env");
        Result contents = exec("dpkg-deb", "--contents", deb.toString());
        assertThat(contents.out()).contains("./usr/share/scalemanager-agent/lib/scalemanager-agent.jar",
                "./usr/share/scalemanager-agent/bin/scalemanager-agent",
                "./usr/bin/scalemanager-agent -> ../share/scalemanager-agent/bin/scalemanager-agent",
                "./etc/scalemanager/agent.yaml", "-rw------- root/root", "./etc/scalemanager/agent.env",
                "./lib/systemd/system/scalemanager-agent.service");
    }

    @Test
    void debInstallsWithDpkgIntoAScratchRootRunsAndRemoves() throws Exception {
        assumeTrue(onPath("dpkg"), "dpkg is not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "dpkg -i needs root");
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createFile(root.resolve("var/lib/dpkg/status"));
        String deb = built("scalemanager-agent_*_all.deb").toAbsolutePath().toString();
        // The scratch root has no Java package; the maintainer scripts run outside it and see DPKG_ROOT.
        Result install = exec("dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends",
                "--log=/dev/null", "-i", deb);
        assertThat(install.code()).as(install.out()).isZero();
        assertThat(exec("dpkg", "--root=" + root, "-s", "scalemanager-agent").out())
                .contains("Status: install ok installed");
        assertThat(root.resolve("etc/scalemanager/agent.yaml")).isRegularFile();
        assertOncePrintsEveryStandardType(root.resolve("usr/bin/scalemanager-agent"));

        Result remove = exec("dpkg", "--root=" + root, "--force-script-chrootless", "--log=/dev/null", "-r",
                "scalemanager-agent");
        assertThat(remove.code()).as(remove.out()).isZero();
        assertThat(root.resolve("usr/bin/scalemanager-agent")).doesNotExist();
        assertThat(root.resolve("etc/scalemanager/agent.yaml")).as("a conffile stays until purge").exists();
    }

    @Test
    void systemdUnitIsValid() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed");
        Path unit = Path.of("src/main/dist/scalemanager-agent.service");
        // verify insists that ExecStart exists: point it at the launcher of this build.
        Path launcher = Path.of("../bin/scalemanager-agent").toRealPath();
        Path copy = dir.resolve("scalemanager-agent.service");
        Files.writeString(copy, Files.readString(unit).replace("ExecStart=/usr/bin/scalemanager-agent",
                "ExecStart=" + launcher));
        Result verify = exec("systemd-analyze", "verify", copy.toString());
        assertThat(verify.code()).as(verify.out()).isZero();
        assertThat(verify.out()).as("no warnings about the unit").doesNotContain("scalemanager-agent.service");
    }

    @Test
    void tarballUnpacksIntoARunnableAgent() throws Exception {
        Path tarball = built("scalemanager-agent-*.tar.gz");
        Result untar = exec("tar", "-xzf", tarball.toString(), "-C", dir.toString());
        assertThat(untar.code()).as(untar.out()).isZero();
        Path home;
        try (Stream<Path> unpacked = Files.list(dir)) {
            home = unpacked.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(home.resolve("config/agent.yaml")).isRegularFile();
        assertThat(home.resolve("config/scalemanager-agent.service")).isRegularFile();
        assertOncePrintsEveryStandardType(home.resolve("bin/scalemanager-agent"));
    }
}
