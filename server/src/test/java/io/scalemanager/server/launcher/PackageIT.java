package io.scalemanager.server.launcher;

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

/**
 * The server's .deb and tarball that {@code package} built: the .deb installs with dpkg into a scratch root with
 * the launcher, the config as conffiles, the units, the system user and the data directory; every unit passes
 * {@code systemd-analyze verify}; the tarball unpacks into a launcher that runs.
 */
class PackageIT {
    private static final Path TARGET = Path.of("target");
    private static final List<String> UNITS = List.of("scalemanager.service", "scalemanager-cleaner.service",
            "scalemanager-collector@.service", "scalemanager-history.service", "scalemanager-instance-api.service",
            "scalemanager-manager@.service");

    @TempDir
    Path dir;

    record Result(int code, String out) {
    }

    private static Result exec(String... command) throws IOException, InterruptedException {
        File output = File.createTempFile("package-it", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output);
            builder.environment().put("SCALEMANAGER_JAVA_OPTS", Launcher.SMALL_JVM);
            Process p = builder.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
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
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + glob + " in target/"));
        }
    }

    @Test
    void debDeclaresThePackageItsConffilesAndItsLayout() throws Exception {
        assumeTrue(onPath("dpkg-deb"), "dpkg-deb is not installed");
        Path deb = built("scalemanager-server_*_all.deb");
        Result info = exec("dpkg-deb", "--info", deb.toString());
        assertThat(info.out()).contains("Package: scalemanager-server", "Architecture: all",
                "Depends: java17-runtime-headless");
        assertThat(exec("dpkg-deb", "--info", deb.toString(), "conffiles").out().lines())
                .as("an upgrade keeps edited config").containsExactlyInAnyOrder("/etc/scalemanager/scalemanager.yaml",
                        "/etc/scalemanager/rules.yaml", "/etc/scalemanager/secrets.env");
        String contents = exec("dpkg-deb", "--contents", deb.toString()).out();
        assertThat(contents).contains("./usr/share/scalemanager/lib/scalemanager-server-",
                "./usr/bin/scalemanager -> ../share/scalemanager/bin/scalemanager",
                "./usr/lib/sysusers.d/scalemanager.conf", "./usr/lib/tmpfiles.d/scalemanager.conf",
                "./usr/share/scalemanager/examples/providers.example.yaml");
        assertThat(contents.lines().filter(l -> l.endsWith("./etc/scalemanager/secrets.env")).findFirst()
                .orElseThrow()).as("secrets readable by root only").startsWith("-rw-------");
        for (String unit : UNITS) {
            assertThat(contents).contains("./lib/systemd/system/" + unit);
        }
    }

    @Test
    void debInstallsIntoAScratchRootWithUserDataDirAndARunnableLauncher() throws Exception {
        assumeTrue(onPath("dpkg"), "dpkg is not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "dpkg -i needs root");
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createDirectories(root.resolve("etc"));
        Files.createFile(root.resolve("var/lib/dpkg/status"));
        String deb = built("scalemanager-server_*_all.deb").toAbsolutePath().toString();
        // The scratch root has no Java package; the maintainer scripts run outside it and see DPKG_ROOT.
        Result install = exec("dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends",
                "--log=/dev/null", "-i", deb);
        assertThat(install.code()).as(install.out()).isZero();
        assertThat(exec("dpkg", "--root=" + root, "-s", "scalemanager-server").out())
                .contains("Status: install ok installed");
        assertThat(root.resolve("etc/scalemanager/scalemanager.yaml")).isRegularFile();
        assertThat(root.resolve("etc/scalemanager/rules.yaml")).isRegularFile();
        assertThat(root.resolve("var/lib/scalemanager")).isDirectory();
        if (onPath("systemd-sysusers")) {
            assertThat(Files.readString(root.resolve("etc/passwd"))).as("the system user")
                    .containsPattern("(?m)^scalemanager:x:\\d+:\\d+:ScaleManager:/var/lib/scalemanager:");
        }

        Result validate = exec(root.resolve("usr/bin/scalemanager").toString(), "rules", "validate",
                root.resolve("etc/scalemanager/rules.yaml").toString());
        assertThat(validate.code()).as(validate.out()).isZero();
        assertThat(validate.out()).contains("valid");
        Result config = exec(root.resolve("usr/bin/scalemanager").toString(), "config", "--config",
                root.resolve("etc/scalemanager/scalemanager.yaml").toString());
        assertThat(config.code()).as(config.out()).isZero();
        assertThat(config.out()).containsPattern("\\| `data` \\| `/var/lib/scalemanager` \\| config file ");

        Result remove = exec("dpkg", "--root=" + root, "--force-script-chrootless", "--log=/dev/null", "-r",
                "scalemanager-server");
        assertThat(remove.code()).as(remove.out()).isZero();
        assertThat(root.resolve("usr/bin/scalemanager")).doesNotExist();
        assertThat(root.resolve("etc/scalemanager/scalemanager.yaml")).as("a conffile stays until purge").exists();
    }

    @Test
    void everySystemdUnitVerifies() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed");
        // verify insists that ExecStart exists: point it at the launcher of this build.
        Path launcher = Launcher.REPO.resolve("bin/scalemanager").toRealPath();
        for (String unit : UNITS) {
            String text = Files.readString(Launcher.REPO.resolve("deploy/systemd").resolve(unit));
            assertThat(text).contains("ExecStart=/usr/bin/scalemanager ");
            // a template unit is verified as one instance of it, as systemd would run it
            Path copy = dir.resolve(unit.replace("@.service", "@1.service"));
            Files.writeString(copy, text.replace("ExecStart=/usr/bin/scalemanager", "ExecStart=" + launcher));
            Result verify = exec("systemd-analyze", "verify", copy.toString());
            assertThat(verify.code()).as(unit + ": " + verify.out()).isZero();
            assertThat(verify.out()).as("no warnings about " + unit).doesNotContain(copy.getFileName().toString());
        }
    }

    @Test
    void tarballUnpacksIntoARunnableLauncher() throws Exception {
        Path tarball = built("scalemanager-server-*.tar.gz");
        Result untar = exec("tar", "-xzf", tarball.toString(), "-C", dir.toString());
        assertThat(untar.code()).as(untar.out()).isZero();
        Path home;
        try (Stream<Path> unpacked = Files.list(dir)) {
            home = unpacked.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(home.resolve("config/scalemanager.yaml")).isRegularFile();
        assertThat(home.resolve("deploy/systemd/scalemanager.service")).isRegularFile();
        Result validate = exec(home.resolve("bin/scalemanager").toString(), "rules", "validate",
                home.resolve("config/rules.example.yaml").toString());
        assertThat(validate.code()).as(validate.out()).isZero();
    }
}
