package io.scalemanager.instanceapi.provider.config;

import io.scalemanager.core.fuzz.FuzzRun;
import io.scalemanager.core.fuzz.Mutator;
import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.secret.KnownSecrets;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.ProviderRouter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The providers file's parser against mutated copies of the shipped example (core's seeded {@link Mutator}; Jazzer
 * does not resolve here): for a bounded time every text either builds a router or is refused with a
 * {@link ProvidersException} whose every error names the file and a line; no other exception, and no text takes
 * long. A failure prints the seed (-Dfuzz.seed=N replays it) and the text.
 */
class ProvidersFileFuzzTest {
    private static final Mutator MUTATOR = Mutator.yaml(":", "- ", "\n", "  ", "{", "}", "[", "]", "*", "&a", "*a",
        "!!binary", "!!int", "<<: *a", "type: ", "http", "exec", "libvirt", "simulator", "auth: ", "oauth2", "bearer",
        "basic", "none", "${HOSTER_CLIENT_SECRET}", "${UNSET}", "${", "{instance}", "{id}", "{nope}", "/", "~1/~0",
        "https://", "http://[::1", "-1", "0", "1e999", "99999999999", "1_000", "0x1F", ".inf", "10ms", "2m",
        "\"", "'", "#", "\t", "null", "~", "web-[12]", "*a*a*a*a*a*b", "? ", "max_output: ", "retries: ",
        "pass_env: [", "body:", "needs_restart: /x");
    private static final Provider SIMULATOR = new Provider() {
        @Override
        public Optional<Size> currentSize(String instance) {
            return Optional.empty();
        }

        @Override
        public ResizeResult.Made resize(String instance, io.scalemanager.core.sizing.Component component, long newValue,
                                        io.scalemanager.core.sizing.RestartPolicy restart) {
            return new ResizeResult.Applied(null);
        }
    };

    @AfterAll
    static void forgetFuzzedSecrets() {
        KnownSecrets.forgetAll();
    }

    @Test
    void mutatedProvidersFilesBuildARouterOrAreRefusedNamingFileAndLine() throws Exception {
        String example = Files.readString(Path.of("..", "config", "providers.example.yaml"));
        Map<String, String> env = Map.of("HOSTER_CLIENT_SECRET", "fuzz-client-secret");
        FuzzRun run = new FuzzRun();
        long seed = run.seed();
        int[] refused = {0};
        int rounds = run.forBudget(random -> {
            String text = MUTATOR.mutate(example, random);
            long started = System.nanoTime();
            try {
                ProviderRouter router = ProvidersFile.parse(text, "providers.yaml", env, () -> SIMULATOR,
                        ClientTls.SYSTEM);
                router.close();
            } catch (ProvidersException e) {
                refused[0]++;
                assertThat(e.errors()).as("seed %d, text %s", seed, text).allSatisfy(error -> {
                    assertThat(error.toString()).startsWith("providers.yaml");
                    assertThat(error.line()).isPositive();
                });
                assertThat(e.getMessage()).as("an error never shows the secret from the environment")
                        .doesNotContain("fuzz-client-secret");
            } catch (Exception | StackOverflowError e) {
                throw new AssertionError("seed " + seed + ": " + e + "\n--- text ---\n" + text, e);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("seed %d, text %s", seed, text)
                    .isLessThan(Duration.ofSeconds(2));
        });
        assertThat(rounds).as("texts tried with seed %d", seed).isGreaterThan(20);
        assertThat(refused[0]).as("mutations that break the file, seed %d", seed).isPositive();
    }
}
