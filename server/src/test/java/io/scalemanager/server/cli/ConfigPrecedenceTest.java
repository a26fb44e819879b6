package io.scalemanager.server.cli;

import io.scalemanager.server.config.ConfigException;
import io.scalemanager.server.config.ConfigKey;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.server.config.Settings;
import io.scalemanager.server.config.Settings.Origin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The contract's precedence, checked key kind by key kind through the real command line: a flag wins over the
 * environment, the environment over the config file, the file over the default.
 */
class ConfigPrecedenceTest {
    @TempDir
    Path dir;

    /** One key: its flag (null: it has none), how it is written in the file, and the typed value read back. */
    private record Case(ConfigKey key, String flag, String fileYaml, Function<Settings, Object> read,
                        Object defaultValue, Object fileValue, String envText, Object envValue, String flagText,
                        Object flagValue) {
    }

    static Stream<Arguments> keys() {
        return Stream.of(
                // keys with a flag, flat in the file
                new Case(ConfigKeys.LISTEN, "--listen", "listen: 127.0.0.1:1001", s -> s.hostPort(ConfigKeys.LISTEN).port(),
                        8080, 1001, "127.0.0.1:1002", 1002, "127.0.0.1:1003", 1003),
                new Case(ConfigKeys.DATA, "--data", "data: /file", s -> s.string(ConfigKeys.DATA),
                        "./data", "/file", "/env", "/env", "/flag", "/flag"),
                new Case(ConfigKeys.RULES, "--rules", "rules: file.yaml", s -> s.string(ConfigKeys.RULES),
                        "config/rules.yaml", "file.yaml", "env.yaml", "env.yaml", "flag.yaml", "flag.yaml"),
                // a key with a flag, nested in the file, no default
                new Case(ConfigKeys.DB_URL, "--db-url", "db:\n  url: jdbc:file", s -> s.optional(ConfigKeys.DB_URL),
                        Optional.empty(), Optional.of("jdbc:file"), "jdbc:env", Optional.of("jdbc:env"), "jdbc:flag",
                        Optional.of("jdbc:flag")),
                // a key whose environment variable is not derived from its name, three levels deep
                new Case(ConfigKeys.KAFKA_BOOTSTRAP, "--kafka", "queue:\n  kafka:\n    bootstrap: file:9092",
                        s -> s.optional(ConfigKeys.KAFKA_BOOTSTRAP), Optional.empty(), Optional.of("file:9092"),
                        "env:9092", Optional.of("env:9092"), "flag:9092", Optional.of("flag:9092")),
                // keys without a flag: a number, a duration, a boolean (YAML's "no" included), a secret, a glob
                new Case(ConfigKeys.DB_POOL_SIZE, null, "db: {pool_size: 20}", s -> s.integer(ConfigKeys.DB_POOL_SIZE, 1, 100),
                        10, 20, "30", 30, null, null),
                new Case(ConfigKeys.DB_TIMEOUT, null, "db.timeout: 7s", s -> s.duration(ConfigKeys.DB_TIMEOUT),
                        Duration.ofSeconds(5), Duration.ofSeconds(7), "9s", Duration.ofSeconds(9), null, null),
                new Case(ConfigKeys.CLEANER_ENABLED, null, "cleaner:\n  enabled: no", s -> s.bool(ConfigKeys.CLEANER_ENABLED),
                        true, false, "true", true, null, null),
                new Case(ConfigKeys.API_TOKEN, null, "api: {token: file-token}", s -> s.optional(ConfigKeys.API_TOKEN),
                        Optional.empty(), Optional.of("file-token"), "env-token", Optional.of("env-token"), null, null),
                new Case(ConfigKeys.SIM_FAIL, null, "simulator: {fail: \"web-*\"}",
                        s -> s.pattern(ConfigKeys.SIM_FAIL).map(Object::toString), Optional.empty(), Optional.of("web-*"),
                        "db-?", Optional.of("db-?"), null, null))
                .map(c -> arguments(c.key().key(), c));
    }

    private Settings load(List<String> args, Map<String, String> env) {
        ServerOptions options = CommandLine.populateCommand(new ServerOptions(), args.toArray(String[]::new));
        return options.load(env);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void flagWinsOverEnvironmentOverFileOverDefault(String name, Case c) throws Exception {
        Path file = Files.writeString(dir.resolve("scalemanager.yaml"), c.fileYaml() + "\n");
        List<String> withFile = List.of("--config", file.toString());
        Map<String, String> env = Map.of(c.key().env(), c.envText());

        Settings defaults = load(List.of(), Map.of());
        assertThat(c.read().apply(defaults)).isEqualTo(c.defaultValue());
        assertThat(defaults.origin(c.key())).isEqualTo(Origin.DEFAULT);

        Settings fromFile = load(withFile, Map.of());
        assertThat(c.read().apply(fromFile)).isEqualTo(c.fileValue());
        assertThat(fromFile.origin(c.key())).isEqualTo(Origin.FILE);

        Settings fromEnv = load(withFile, env);
        assertThat(c.read().apply(fromEnv)).isEqualTo(c.envValue());
        assertThat(fromEnv.origin(c.key())).isEqualTo(Origin.ENVIRONMENT);

        if (c.flag() != null) {
            List<String> args = new ArrayList<>(withFile);
            args.addAll(List.of(c.flag(), c.flagText()));
            Settings fromFlag = load(args, env);
            assertThat(c.read().apply(fromFlag)).isEqualTo(c.flagValue());
            assertThat(fromFlag.origin(c.key())).isEqualTo(Origin.FLAG);
        }
    }

    @Test
    void configFlagWinsOverTheConfigEnvironmentVariable() throws Exception {
        Path flagged = Files.writeString(dir.resolve("flagged.yaml"), "data: /flagged\n");
        Path fromEnv = Files.writeString(dir.resolve("env.yaml"), "data: /env-file\n");
        Map<String, String> env = Map.of("SCALEMANAGER_CONFIG", fromEnv.toString());

        assertThat(load(List.of(), env).string(ConfigKeys.DATA)).isEqualTo("/env-file");
        assertThat(load(List.of("--config", flagged.toString()), env).string(ConfigKeys.DATA)).isEqualTo("/flagged");
        assertThat(load(List.of("--config", flagged.toString()), env).source(ConfigKeys.DATA))
                .isEqualTo("config file " + flagged);
    }

    @Test
    void anEmptyValueUnsetsTheKeyAtItsLevel() throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"), "db:\n  url: jdbc:file\n  user:\napi.token: \"\"\n");
        Map<String, String> env = new HashMap<>();

        Settings fromFile = load(List.of("--config", file.toString()), env);
        assertThat(fromFile.optional(ConfigKeys.DB_URL)).contains("jdbc:file");
        assertThat(fromFile.optional(ConfigKeys.DB_USER)).isEmpty();
        assertThat(fromFile.optional(ConfigKeys.API_TOKEN)).isEmpty();

        env.put("SCALEMANAGER_DB_URL", "");
        assertThat(load(List.of("--config", file.toString()), env).optional(ConfigKeys.DB_URL)).isEmpty();
    }

    @Test
    void everyProblemOfTheFileIsReportedWithItsLine() throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"), """
                listen: 127.0.0.1:8080
                db:
                  url: jdbc:h2:mem:x
                  colour: blue
                queue: 4
                rules: [a.yaml, b.yaml]
                """);

        assertThatThrownBy(() -> load(List.of("--config", file.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage().split("\n")).containsExactly(
                        file + ":4: db: unknown key 'colour'; expected one of password, pool_size, query_timeout, "
                                + "timeout, url, user",
                        file + ":5: queue: must be a mapping with the keys of queue.*, got \"4\"",
                        file + ":6: 'rules' must be a single value, got a list"));
    }

    @Test
    void shippedConfigFilesAreValid() throws Exception {
        List<Path> files = new ArrayList<>(List.of(Path.of("../config/scalemanager.yaml")));
        try (Stream<Path> deploy = Files.list(Path.of("../deploy/config"))) {
            deploy.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
        }
        assertThat(files).hasSizeGreaterThan(5);
        for (Path f : files) {
            Settings s = load(List.of("--config", f.toString()), Map.of());
            assertThat(ConfigKeys.ALL).as("%s sets something", f).anyMatch(k -> s.origin(k) == Origin.FILE);
        }
    }

    @Test
    void aBadValueNamesTheKeyAndWhereItCameFrom() throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"), "db:\n  pool_size: many\n");

        assertThatThrownBy(() -> load(List.of("--config", file.toString()), Map.of()).integer(ConfigKeys.DB_POOL_SIZE, 1, 100))
                .hasMessage("config key 'db.pool_size' (from config file " + file + "): expected a whole number "
                        + "from 1 to 100, got 'many'");
        assertThatThrownBy(() -> load(List.of(), Map.of("SCALEMANAGER_DB_POOL_SIZE", "x"))
                .integer(ConfigKeys.DB_POOL_SIZE, 1, 100))
                .hasMessageContaining("(from environment variable SCALEMANAGER_DB_POOL_SIZE)");
    }
}
