package io.scalemanager.server.config;

import io.scalemanager.core.secret.Secrets;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the configuration from, in rising precedence: defaults, the YAML file, environment variables,
 * command-line flags. Any key the server does not know is an error, wherever it appears.
 */
public final class ConfigLoader {
    public static final Path DEFAULT_FILE = Path.of("config/scalemanager.yaml");
    public static final String CONFIG_ENV = "SCALEMANAGER_CONFIG";

    private final Map<String, String> environment;

    public ConfigLoader(Map<String, String> environment) {
        this.environment = environment;
    }

    /**
     * @param configFile the --config flag, if given
     * @param flags      values of command-line flags by config key
     */
    public Settings load(Optional<Path> configFile, Map<String, String> flags) {
        Map<String, Settings.Value> values = new HashMap<>();
        for (ConfigKey k : ConfigKeys.ALL) {
            if (k.defaultValue() != null) {
                values.put(k.key(), new Settings.Value(k.defaultValue(), Settings.Origin.DEFAULT, "the default"));
            }
        }
        Optional<Path> file = configFile.or(() -> Optional.ofNullable(environment.get(CONFIG_ENV)).map(Path::of));
        if (file.isPresent()) {
            readFile(file.get(), true, values);
        } else if (Files.exists(DEFAULT_FILE)) {
            readFile(DEFAULT_FILE, false, values);
        }
        for (ConfigKey k : ConfigKeys.ALL) {
            String v = environment.get(k.env());
            if (v != null) {
                values.put(k.key(), new Settings.Value(v, Settings.Origin.ENVIRONMENT, "environment variable " + k.env()));
            }
        }
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            if (flag.getValue() != null) {
                values.put(flag.getKey(), new Settings.Value(flag.getValue(), Settings.Origin.FLAG, "the command line"));
            }
        }
        // Output from providers and hosters is shown without these (Secrets.redact).
        Secrets.registerFromEnvironment(environment);
        for (ConfigKey k : ConfigKeys.ALL) {
            Settings.Value v = values.get(k.key());
            if (k.secret() && v != null) {
                Secrets.register(v.text());
            }
        }
        return new Settings(values);
    }

    private static void readFile(Path file, boolean explicit, Map<String, Settings.Value> values) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist" + (explicit ? "" : ""));
        }
        Object root;
        try (Reader reader = Files.newBufferedReader(file)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        } catch (YAMLException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            return;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException("config file " + file + " must be a map of keys to values");
        }
        flatten("", map, file, values);
    }

    private static void flatten(String prefix, Map<?, ?> map, Path file, Map<String, Settings.Value> values) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, file, values);
                continue;
            }
            ConfigKey known = ConfigKeys.find(key);
            if (known == null) {
                throw new ConfigException("config file " + file + ": unknown key '" + key + "'; known keys: "
                        + String.join(", ", ConfigKeys.ALL.stream().map(ConfigKey::key).toList()));
            }
            if (v instanceof List<?> || v instanceof Map<?, ?>) {
                throw new ConfigException("config file " + file + ": key '" + key + "' must be a single value");
            }
            values.put(key, new Settings.Value(v == null ? "" : String.valueOf(v), Settings.Origin.FILE,
                    "config file " + file));
        }
    }
}
