package io.scalemanager.server.config;

import io.scalemanager.core.secret.Secrets;
import io.scalemanager.core.yaml.YamlError;
import io.scalemanager.core.yaml.YamlFile;
import io.scalemanager.core.yaml.YamlMap;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Resolves the configuration from, in rising precedence: defaults, the YAML file, environment variables,
 * command-line flags. Any key the server does not know is an error, wherever it appears. The file is read
 * through core's {@link YamlFile}, so its errors take the one format of every configuration file and are all
 * reported together; keys may be nested ({@code db: {url: ...}}) or written whole ({@code db.url: ...}).
 * An empty value, like an empty environment variable, means the key is not set at that level.
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
            readFile(file.get(), values);
        } else if (Files.exists(DEFAULT_FILE)) {
            readFile(DEFAULT_FILE, values);
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

    private static void readFile(Path file, Map<String, Settings.Value> values) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        YamlFile yaml;
        try {
            yaml = YamlFile.read(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        if (!yaml.isEmpty()) {
            YamlMap top = yaml.top(keysUnder(""), "config keys like 'listen: 127.0.0.1:8080' or 'db: {url: ...}'");
            if (top != null) {
                read(top, "", "config file " + file, values);
            }
        }
        if (yaml.hasErrors()) {
            throw new ConfigException(yaml.errors().stream().map(YamlError::toString).collect(Collectors.joining("\n")));
        }
    }

    /** The keys of one level of the file under {@code prefix}: groups like {@code db} and whole keys. */
    private static TreeSet<String> keysUnder(String prefix) {
        TreeSet<String> keys = new TreeSet<>();
        for (ConfigKey k : ConfigKeys.ALL) {
            if (k.key().startsWith(prefix)) {
                String rest = k.key().substring(prefix.length());
                keys.add(rest);
                for (int dot = rest.indexOf('.'); dot > 0; dot = rest.indexOf('.', dot + 1)) {
                    keys.add(rest.substring(0, dot));
                }
            }
        }
        return keys;
    }

    private static void read(YamlMap map, String prefix, String source, Map<String, Settings.Value> values) {
        for (String name : map.keys()) {
            String key = prefix + name;
            Node node = map.get(name);
            if (ConfigKeys.find(key) == null) {
                // a group of keys: db, queue.kafka, ...
                YamlMap group = node == null ? null : map.map(name, keysUnder(key + "."), "the keys of " + key + ".*");
                if (group != null) {
                    read(group, key + ".", source, values);
                } else if (node == null) {
                    map.error(name, "'" + name + "' is a group of keys; write them under it, or leave it out");
                }
                continue;
            }
            String text;
            if (node == null) {
                text = "";
            } else if (node instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
                // YAML 1.1 reads yes/no/on/off as booleans, and the file has always meant them so.
                text = String.valueOf(s.getValue().toLowerCase(java.util.Locale.ROOT).matches("true|yes|on|y"));
            } else {
                text = map.textOrEmpty(name, "a single value").orElse(null);
            }
            if (text != null) {
                values.put(key, new Settings.Value(text, Settings.Origin.FILE, source));
            }
        }
    }
}
