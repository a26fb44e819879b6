package io.scalemanager.agent.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the agent's settings from, in rising precedence: defaults, the YAML file ({@code --config},
 * {@code SCALEMANAGER_AGENT_CONFIG}, or /etc/scalemanager/agent.yaml when present), environment variables
 * ({@code SCALEMANAGER_AGENT_<KEY>}), flags ({@code --key value}). Every bad value fails with its key and source.
 *
 * <p>The server's files go through core's {@code YamlFile}; the agent reads its one file here, with SnakeYAML
 * directly, on purpose: it runs on every VM as a small package of the JDK and SnakeYAML only, and core would
 * bring the HTTP server, Jackson, the database pool and Micrometer with it (docs/architecture.md, "Where
 * configuration files are read").
 */
public final class ConfigLoader {
    public static final Path DEFAULT_FILE = Path.of("/etc/scalemanager/agent.yaml");
    public static final String CONFIG_ENV = "SCALEMANAGER_AGENT_CONFIG";

    /** One option: its key in the file, its environment variable and flag, its default, what it means. */
    public record Option(String key, String defaultValue, String meaning) {
        public String env() {
            return "SCALEMANAGER_AGENT_" + key.toUpperCase(Locale.ROOT);
        }

        public String flag() {
            return "--" + key.replace('_', '-');
        }
    }

    public static final List<Option> OPTIONS = List.of(
            new Option("instance", null, "instance id sent with every state; default the hostname"),
            new Option("collectors", "http://127.0.0.1:8080", "collector base URLs, comma-separated; tried in order, failing over"),
            new Option("token", null, "bearer token for the collector"),
            new Option("ca_file", null, "PEM file of the CA(s) to trust for https collectors, instead of the system's"),
            new Option("tls_cert", null, "PEM client certificate for collectors with tls.client_ca (its subject CN "
                    + "must be this instance's id); stands for an ingest token, with tls_key"),
            new Option("tls_key", null, "PEM PKCS#8 private key of tls_cert"),
            new Option("interval", "10s", "how often a sample set is taken and sent"),
            new Option("timeout", "5s", "connect and request timeout towards a collector"),
            new Option("backoff_max", "60s", "longest wait between retries while no collector takes a report"),
            new Option("state_dir", "/var/lib/scalemanager-agent", "directory of the on-disk buffer"),
            new Option("buffer_max", "64MiB", "on-disk buffer bound; when full the oldest reports are dropped"),
            new Option("filesystems", null,
                    "extra filesystems, NAME=PATH,...: types storage.NAME, storage_used_gb.NAME, storage_total_gb.NAME"),
            new Option("metrics", null, "custom metrics (config file only): list of {type, command | file}"));

    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9._:/@-]{1,255}");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern FS_NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|K|M|G)?");

    private final Map<String, String> environment;
    private final Supplier<String> hostname;

    public ConfigLoader(Map<String, String> environment, Supplier<String> hostname) {
        this.environment = environment;
        this.hostname = hostname;
    }

    private record Raw(Object value, String source) {
    }

    /**
     * @param configFile the --config flag, if given
     * @param flags      flag values by option key
     */
    public AgentConfig load(Optional<Path> configFile, Map<String, String> flags) {
        Map<String, Raw> raw = new LinkedHashMap<>();
        for (Option o : OPTIONS) {
            if (o.defaultValue() != null) {
                raw.put(o.key(), new Raw(o.defaultValue(), "the default"));
            }
        }
        Optional<Path> file = configFile.or(() -> Optional.ofNullable(environment.get(CONFIG_ENV)).map(Path::of));
        if (file.isPresent()) {
            readFile(file.get(), raw);
        } else if (Files.isRegularFile(DEFAULT_FILE)) {
            readFile(DEFAULT_FILE, raw);
        }
        for (Option o : OPTIONS) {
            String v = environment.get(o.env());
            if (v != null && !v.isEmpty()) {
                raw.put(o.key(), new Raw(v, "environment variable " + o.env()));
            }
        }
        for (Map.Entry<String, String> f : flags.entrySet()) {
            Option o = option(f.getKey()).orElseThrow(() -> new ConfigException("unknown option " + f.getKey()));
            raw.put(o.key(), new Raw(f.getValue(), "flag " + o.flag()));
        }
        return resolve(raw);
    }

    public static Optional<Option> option(String key) {
        return OPTIONS.stream().filter(o -> o.key().equals(key)).findFirst();
    }

    private static void readFile(Path file, Map<String, Raw> raw) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist");
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
            throw new ConfigException("config file " + file + " must be a map of option keys to values");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (option(key).isEmpty()) {
                throw new ConfigException("config file " + file + ": unknown option '" + key + "'");
            }
            if (e.getValue() != null) {
                raw.put(key, new Raw(e.getValue(), "config file " + file));
            }
        }
    }

    private AgentConfig resolve(Map<String, Raw> raw) {
        String instance = raw.containsKey("instance") ? text(raw, "instance") : hostname.get();
        if (instance == null || !INSTANCE.matcher(instance).matches()) {
            Raw r = raw.get("instance");
            throw bad("instance", r == null ? new Raw(instance, "the hostname") : r,
                    "1-255 characters of A-Z a-z 0-9 . _ : / @ -", instance);
        }
        return new AgentConfig(
                instance,
                collectors(raw),
                Optional.ofNullable(raw.containsKey("token") ? text(raw, "token") : null),
                Optional.ofNullable(raw.containsKey("ca_file") ? existingFile(raw, "ca_file") : null),
                duration(raw, "interval", Duration.ofMillis(100)),
                duration(raw, "timeout", Duration.ofMillis(100)),
                duration(raw, "backoff_max", Duration.ofMillis(100)),
                Path.of(text(raw, "state_dir")),
                size(raw, "buffer_max"),
                filesystems(raw),
                metrics(raw),
                clientFile(raw, "tls_cert", "tls_key"),
                clientFile(raw, "tls_key", "tls_cert"));
    }

    /** tls_cert and tls_key come together: one without the other is an error naming the missing one. */
    private static Optional<Path> clientFile(Map<String, Raw> raw, String key, String partner) {
        if (!raw.containsKey(key)) {
            if (raw.containsKey(partner)) {
                throw new ConfigException("config key '" + key + "': required with " + partner
                        + " (a client certificate and its private key, PEM)");
            }
            return Optional.empty();
        }
        return Optional.of(existingFile(raw, key));
    }

    private static String text(Map<String, Raw> raw, String key) {
        Raw r = raw.get(key);
        if (r.value() instanceof Map || r.value() instanceof List) {
            throw bad(key, r, "a single value", r.value());
        }
        return String.valueOf(r.value()).trim();
    }

    private static List<URI> collectors(Map<String, Raw> raw) {
        Raw r = raw.get("collectors");
        List<String> items = new ArrayList<>();
        if (r.value() instanceof List<?> list) {
            list.forEach(i -> items.add(String.valueOf(i).trim()));
        } else {
            for (String s : String.valueOf(r.value()).split(",")) {
                items.add(s.trim());
            }
        }
        List<URI> uris = new ArrayList<>();
        for (String s : items) {
            try {
                URI u = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                    throw new URISyntaxException(s, "not http(s)");
                }
                uris.add(u);
            } catch (URISyntaxException e) {
                throw bad("collectors", r, "http:// or https:// URLs such as https://collector:8080", s);
            }
        }
        if (uris.isEmpty()) {
            throw bad("collectors", r, "at least one URL", r.value());
        }
        return List.copyOf(uris);
    }

    private static Path existingFile(Map<String, Raw> raw, String key) {
        Path p = Path.of(text(raw, key));
        if (!Files.isReadable(p)) {
            throw bad(key, raw.get(key), "a readable file", p);
        }
        return p;
    }

    private static Duration duration(Map<String, Raw> raw, String key, Duration min) {
        String s = text(raw, key);
        Matcher m = DURATION.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            if (d.compareTo(min) >= 0) {
                return d;
            }
        }
        throw bad(key, raw.get(key), "a duration of at least " + min.toMillis() + "ms such as 500ms, 10s, 5m, 1h", s);
    }

    static long parseSize(String s) {
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        return switch (unit) {
            case "K", "KiB" -> n << 10;
            case "M", "MiB" -> n << 20;
            case "G", "GiB" -> n << 30;
            default -> n;
        };
    }

    private static long size(Map<String, Raw> raw, String key) {
        String s = text(raw, key);
        long n = parseSize(s);
        if (n < 16 << 10) {
            throw bad(key, raw.get(key), "a size of at least 16KiB such as 64MiB, 512KiB, 1GiB", s);
        }
        return n;
    }

    private static Map<String, Path> filesystems(Map<String, Raw> raw) {
        Raw r = raw.get("filesystems");
        Map<String, Path> out = new LinkedHashMap<>();
        if (r == null) {
            return out;
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        if (r.value() instanceof Map<?, ?> map) {
            map.forEach((k, v) -> pairs.put(String.valueOf(k), String.valueOf(v)));
        } else {
            for (String item : String.valueOf(r.value()).split(",")) {
                int eq = item.indexOf('=');
                if (eq < 0) {
                    throw bad("filesystems", r, "NAME=PATH pairs separated by commas, or a map in the file", item.trim());
                }
                pairs.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
            }
        }
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            if (!FS_NAME.matcher(e.getKey()).matches()) {
                throw bad("filesystems", r, "names of 1-32 characters of A-Z a-z 0-9 _ -", e.getKey());
            }
            Path p = Path.of(e.getValue());
            if (!p.isAbsolute() || !Files.isDirectory(p)) {
                throw bad("filesystems", r, "an existing absolute directory for " + e.getKey(), e.getValue());
            }
            out.put(e.getKey(), p);
        }
        return out;
    }

    private static List<CustomMetric> metrics(Map<String, Raw> raw) {
        Raw r = raw.get("metrics");
        if (r == null) {
            return List.of();
        }
        if (!(r.value() instanceof List<?> list)) {
            throw bad("metrics", r, "a list of {type, command} or {type, file} in the config file", r.value());
        }
        List<CustomMetric> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> m) || !(m.get("type") instanceof String type)) {
                throw bad("metrics", r, "entries with a 'type'", item);
            }
            if (!TYPE.matcher(type).matches()) {
                throw bad("metrics", r, "a type of 1-64 characters of A-Z a-z 0-9 . _ -", type);
            }
            Object command = m.get("command");
            Object file = m.get("file");
            if ((command == null) == (file == null)) {
                throw bad("metrics", r, "exactly one of 'command' and 'file' for type " + type, item);
            }
            for (Object k : m.keySet()) {
                if (!List.of("type", "command", "file").contains(String.valueOf(k))) {
                    throw bad("metrics", r, "only type, command, file for type " + type, k);
                }
            }
            if (command instanceof List<?> argv) {
                out.add(new CustomMetric(type, argv.stream().map(String::valueOf).toList(), null));
            } else if (command != null) {
                out.add(new CustomMetric(type, List.of("/bin/sh", "-c", String.valueOf(command)), null));
            } else {
                out.add(new CustomMetric(type, null, Path.of(String.valueOf(file))));
            }
        }
        return out;
    }

    private static ConfigException bad(String key, Raw r, String expected, Object got) {
        if (key.equals("token")) {
            got = "(secret)";
        }
        return new ConfigException("option '" + key + "' (from " + r.source() + "): expected " + expected
                + ", got '" + got + "'");
    }
}
