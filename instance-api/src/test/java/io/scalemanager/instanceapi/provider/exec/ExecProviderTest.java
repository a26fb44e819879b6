package io.scalemanager.instanceapi.provider.exec;

import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.instanceapi.provider.ProviderException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Against a real script that keeps sizes in files, one directory per instance. */
class ExecProviderTest {
    private static final String SCRIPT = """
            #!/bin/sh
            dir=$1; cmd=$2; inst=$3
            case $cmd in
              size)
                [ -d "$dir/$inst" ] || exit 0
                printf '{"cpu": %s, "ram": %s, "storage": %s}\\n' \
                  "$(cat "$dir/$inst/cpu")" "$(cat "$dir/$inst/ram")" "$(cat "$dir/$inst/storage")"
                ;;
              resize)
                shift 3
                echo "$inst $* env=$SCALEMANAGER_INSTANCE,$SCALEMANAGER_COMPONENT,$SCALEMANAGER_TO" >> "$dir/calls.log"
                case $inst in
                  leaky-*) env; exit 4 ;;
                  fail-*) echo "partial work"; echo "out of capacity on host 7" >&2; exit 3 ;;
                  noisy-*) i=0; while [ $i -lt 3000 ]; do echo "line $i of a very chatty failure" >&2; i=$((i+1)); done; exit 1 ;;
                  slow-*) echo $$ > "$dir/slow.pid"; sleep 60 & echo $! > "$dir/child.pid"; wait ;;
                  boot-*)
                    [ "$SCALEMANAGER_RESTART" = never ] && { echo "needs a reboot, not allowed" >&2; exit 1; }
                    echo "$3" > "$dir/$inst/$1.next"; echo "applied at the next boot"; exit 100 ;;
                esac
                echo "$3" > "$dir/$inst/$1"
                echo "resizing $inst"; echo "applied live"
                ;;
            esac
            """;

    @TempDir
    Path dir;
    private Path script;

    @BeforeEach
    void writeScript() throws IOException {
        script = dir.resolve("vm.sh");
        Files.writeString(script, SCRIPT);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        for (String vm : List.of("web-1", "fail-1", "noisy-1", "slow-1", "leaky-1", "boot-1")) {
            Path d = Files.createDirectories(dir.resolve(vm));
            Files.writeString(d.resolve("cpu"), "2");
            Files.writeString(d.resolve("ram"), "4096");
            Files.writeString(d.resolve("storage"), "50");
        }
    }

    private ExecProvider provider(Duration timeout) {
        return new ExecProvider(new ExecSettings(
                List.of(script.toString(), dir.toString(), "size", "{instance}"),
                List.of(script.toString(), dir.toString(), "resize", "{instance}", "{component}", "{from}", "{to}"),
                timeout, 400));
    }

    @Test
    void exitStatus100MeansStoredForTheNextRestartAndRestartNeverIsPassedOn() throws IOException {
        ExecProvider p = provider(Duration.ofSeconds(10));
        assertThat(p.resize("boot-1", Component.RAM, 8192))
                .isEqualTo(new ResizeResult.NeedsRestart("config only, needs a restart: applied at the next boot"));
        assertThat(Files.readString(dir.resolve("boot-1/ram.next")).strip()).isEqualTo("8192");

        Files.delete(dir.resolve("boot-1/ram.next"));
        assertThatThrownBy(() -> p.resize("boot-1", Component.RAM, 8192, RestartPolicy.NEVER))
                .isInstanceOf(ProviderException.class).hasMessageContaining("exited with status 1")
                .hasMessageContaining("needs a reboot, not allowed");
        assertThat(dir.resolve("boot-1/ram.next")).doesNotExist();
    }

    @Test
    void readsTheSizeTheCommandPrints() {
        assertThat(provider(Duration.ofSeconds(10)).currentSize("web-1")).contains(new Size(2, 4096, 50));
    }

    @Test
    void instanceTheCommandDoesNotKnowIsUnknown() {
        assertThat(provider(Duration.ofSeconds(10)).currentSize("db-9")).isEmpty();
    }

    @Test
    void resizeRunsTheTemplateWithCurrentAndNewValue() throws IOException {
        ExecProvider p = provider(Duration.ofSeconds(10));
        assertThat(p.resize("web-1", Component.CPU, 4)).as("the last line printed is the note")
                .isEqualTo(new ResizeResult.Applied("applied live"));
        assertThat(Files.readAllLines(dir.resolve("calls.log"))).containsExactly("web-1 cpu 2 4 env=web-1,cpu,4");
        assertThat(p.currentSize("web-1")).contains(new Size(4, 4096, 50));
    }

    @Test
    void nonZeroExitFailsWithStatusStderrAndStdout() {
        assertThatThrownBy(() -> provider(Duration.ofSeconds(10)).resize("fail-1", Component.RAM, 8192))
                .isInstanceOf(ProviderException.class)
                .hasMessage(script + " exited with status 3; stderr: out of capacity on host 7; stdout: partial work");
    }

    @Test
    void longOutputIsTruncatedInTheError() {
        assertThatThrownBy(() -> provider(Duration.ofSeconds(10)).resize("noisy-1", Component.RAM, 8192))
                .hasMessageContaining("exited with status 1; stderr: line 0 of a very chatty failure")
                .hasMessageEndingWith("… (truncated)")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(600));
    }

    @Test
    void commandOverTheTimeoutIsKilledWithItsChildren() throws IOException {
        long started = System.nanoTime();
        // Long enough for the script to have written both pid files on a loaded machine before it is killed.
        assertThatThrownBy(() -> provider(Duration.ofSeconds(3)).resize("slow-1", Component.CPU, 3))
                .hasMessageContaining("did not finish within 3000 ms and was killed");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        long child = Long.parseLong(Files.readString(dir.resolve("child.pid")).trim());
        long shell = Long.parseLong(Files.readString(dir.resolve("slow.pid")).trim());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
            assertThat(ProcessHandle.of(shell).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"-rf", "--help", "a/b", "../etc", ".hidden", "$(id)", "`id`", "a b", "a;b", "a|b",
            "x\ny", "web-1&", "*", ""})
    void hostileInstanceIdsAreRefusedBeforeAnythingRuns(String instance) {
        ExecProvider p = provider(Duration.ofSeconds(10));
        assertThatThrownBy(() -> p.resize(instance, Component.CPU, 4))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("is not safe to pass to a command");
        assertThatThrownBy(() -> p.currentSize(instance)).hasMessageContaining("is not safe to pass to a command");
        assertThat(dir.resolve("calls.log")).doesNotExist();
    }

    @Test
    void substitutionIsLiteralEvenForReplacementSyntax() {
        assertThat(ExecProvider.expand(List.of("--name={instance}.conf", "{to}{unit}"),
                Map.of("instance", "web$1", "to", "4", "unit", "cores")))
                .containsExactly("--name=web$1.conf", "4cores");
    }

    @Test
    void commandsSeeOnlyBasicsAndThePassedNamesNotTheServersSecrets() {
        Map<String, String> own = Map.of("PATH", "/usr/bin:/bin", "HOME", "/root",
                "SCALEMANAGER_API_TOKEN", "api-token-value", "SCALEMANAGER_DB_PASSWORD", "db-password-value",
                "HOSTER_KEY", "hoster-key-value", "UNRELATED", "x");
        ExecProvider p = new ExecProvider(new ExecSettings(
                List.of(script.toString(), dir.toString(), "size", "{instance}"),
                List.of(script.toString(), dir.toString(), "resize", "{instance}", "{component}", "{from}", "{to}"),
                Duration.ofSeconds(10), 4000, List.of("HOSTER_KEY")), own);
        assertThatThrownBy(() -> p.resize("leaky-1", Component.CPU, 4))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("PATH=/usr/bin:/bin")
                .hasMessageContaining("HOSTER_KEY=hoster-key-value")
                .hasMessageContaining("SCALEMANAGER_INSTANCE=leaky-1")
                .hasMessageNotContaining("api-token-value")
                .hasMessageNotContaining("db-password-value")
                .hasMessageNotContaining("UNRELATED");
    }
}
