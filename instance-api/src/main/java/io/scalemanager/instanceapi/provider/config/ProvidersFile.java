package io.scalemanager.instanceapi.provider.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.secret.Secrets;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.core.yaml.YamlFile;
import io.scalemanager.core.yaml.YamlMap;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.ProviderRouter;
import io.scalemanager.instanceapi.provider.exec.ExecSettings;
import io.scalemanager.instanceapi.provider.http.HttpProviderSettings;
import io.scalemanager.instanceapi.provider.http.HttpProviderSettings.Auth;
import io.scalemanager.instanceapi.provider.libvirt.LibvirtSettings;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the providers file (config key {@code providers}): a list of routes, each an instance glob and a
 * provider of type {@code libvirt}, {@code http}, {@code exec} or {@code simulator}, into a {@link ProviderRouter}
 * (first match in file order wins). Read through core's {@link YamlFile}: every error names the file, the line
 * and the route, all are reported together, and {@code ${NAME}} in a value is replaced by environment variable
 * NAME. Errors never show a value that came from the environment, nor any credential or URL.
 */
public final class ProvidersFile {
    private static final List<String> TYPES = List.of("libvirt", "http", "exec", "simulator");
    private static final Set<String> COMMON = Set.of("name", "instances", "type");
    private static final Map<String, Set<String>> KEYS_OF_TYPE = Map.of(
            "libvirt", Set.of("uri", "domain", "disk", "virsh", "timeout"),
            "http", Set.of("base_url", "auth", "find", "size", "resize", "timeout", "retries", "backoff",
                    "max_backoff"),
            "exec", Set.of("size_command", "resize_command", "timeout", "max_output", "pass_env"),
            "simulator", Set.of());
    private static final Map<String, Set<String>> AUTH_KEYS = Map.of(
            "oauth2", Set.of("type", "token_url", "client_id", "client_secret", "scope"),
            "bearer", Set.of("type", "token"),
            "basic", Set.of("type", "user", "password"),
            "none", Set.of("type"));
    private static final Set<String> FIND = Set.of("path", "items", "match", "id");
    private static final Set<String> SIZE = Set.of("path", "cpu", "ram", "storage");
    private static final Set<String> RESIZE = Set.of("method", "path", "body", "needs_restart");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH");
    private static final Set<String> PATH_PLACEHOLDERS = Set.of("instance", "id");
    private static final Set<String> BODY_PLACEHOLDERS = Set.of("instance", "id", "cpu", "ram", "storage",
            "component", "value");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
    private static final String POINTER = "a JSON pointer like /cpu";

    private final YamlFile file;

    private ProvidersFile(YamlFile file) {
        this.file = file;
    }

    /**
     * Reads the file and builds its providers (none connects before first use).
     *
     * @param env       environment variables for {@code ${NAME}}
     * @param simulator the provider for routes of type {@code simulator}
     * @param tls       what the http providers trust over https (the JDK's CAs and tls.ca)
     */
    public static ProviderRouter load(Path file, Map<String, String> env, Supplier<Provider> simulator,
                                      ClientTls tls) throws IOException, ProvidersException {
        return build(new ProvidersFile(YamlFile.read(file, env)), simulator, tls);
    }

    /** Parses providers YAML; {@code sourceName} is the file name shown in errors. */
    public static ProviderRouter parse(String yaml, String sourceName, Map<String, String> env,
                                       Supplier<Provider> simulator, ClientTls tls) throws ProvidersException {
        return build(new ProvidersFile(YamlFile.parse(yaml, sourceName, env)), simulator, tls);
    }

    private static ProviderRouter build(ProvidersFile parser, Supplier<Provider> simulator, ClientTls tls)
            throws ProvidersException {
        List<Spec> specs = parser.document();
        parser.file.throwIfInvalid(ProvidersException::new);
        List<ProviderRouter.Route> routes = new ArrayList<>();
        for (Spec s : specs) {
            routes.add(new ProviderRouter.Route(s.pattern(), s.name(), s.settings().create(simulator, tls)));
        }
        return new ProviderRouter(routes);
    }

    /** One route as read, before its provider exists. */
    private record Spec(InstancePattern pattern, String name, ProviderSettings settings) {
    }

    private List<Spec> document() {
        YamlMap top = file.top(List.of("providers"), "'providers:' with a list of routes");
        if (top == null) {
            return List.of();
        }
        List<Node> routes = top.list("providers", "a list of routes");
        if (routes != null && routes.isEmpty()) {
            top.error("providers", "'providers' must be a non-empty list of routes, each starting with "
                    + "'- instances: \"GLOB\"' and 'type: " + String.join("|", TYPES) + "'");
        }
        List<Spec> specs = new ArrayList<>();
        for (int i = 0; routes != null && i < routes.size(); i++) {
            Spec s = route(routes.get(i), "providers[" + (i + 1) + "]");
            if (s != null) {
                specs.add(s);
            }
        }
        return specs;
    }

    private Spec route(Node node, String subject) {
        String type = file.type(node, subject, TYPES, "instances and type");
        if (type == null) {
            return null;
        }
        Set<String> allowed = new HashSet<>(COMMON);
        allowed.addAll(KEYS_OF_TYPE.get(type));
        int before = file.errorCount();
        YamlMap keys = file.map(node, subject, allowed, "instances and type");
        String glob = keys.text("instances", InstancePattern.FORM).orElse("*");
        InstancePattern pattern = InstancePattern.ANY;
        try {
            pattern = InstancePattern.parse(glob);
        } catch (IllegalArgumentException e) {
            keys.error("instances", "'instances' " + e.getMessage());
        }
        String name = keys.text("name", "a name for logs and errors").orElse(type + " " + glob);
        ProviderSettings settings = switch (type) {
            case "libvirt" -> libvirt(keys);
            case "http" -> http(keys);
            case "exec" -> exec(keys);
            default -> new ProviderSettings.Simulator();
        };
        return file.errorCount() == before ? new Spec(pattern, name, settings) : null;
    }

    private ProviderSettings libvirt(YamlMap keys) {
        String uri = keys.required("uri", "a libvirt URI like qemu:///system").orElse("");
        String domain = keys.text("domain", "a domain name, {instance} for the instance id").orElse("{instance}");
        placeholders(keys, "domain", domain, Set.of("instance"));
        return new ProviderSettings.Libvirt(new LibvirtSettings(uri, domain,
                keys.text("disk", "a disk target like vda"), keys.text("virsh", "the virsh program").orElse("virsh"),
                keys.positiveDuration("timeout", Duration.ofSeconds(30))));
    }

    private ProviderSettings http(YamlMap keys) {
        URI base = url(keys, "base_url");
        Auth auth = keys.has("auth") ? auth(keys.map("auth", allAuthKeys(), "type and its settings")) : new Auth.None();
        Optional<HttpProviderSettings.Find> find = Optional.empty();
        YamlMap f = keys.map("find", FIND, "path, items, match and id");
        if (f != null) {
            find = Optional.of(new HttpProviderSettings.Find(path(f, "path", Set.of("instance")),
                    f.textOrEmpty("items", POINTER).map(p -> pointer(f, "items", p)).orElse(""),
                    requiredPointer(f, "match"), requiredPointer(f, "id")));
        }
        HttpProviderSettings.SizeRead size = null;
        YamlMap s = keys.map("size", SIZE, "path, cpu, ram and storage");
        if (!keys.has("size")) {
            keys.error("size", "missing 'size' (where cpu, ram and storage are read)");
        } else if (s != null) {
            Optional<String> path = s.has("path") ? Optional.of(path(s, "path", PATH_PLACEHOLDERS)) : Optional.empty();
            if (path.isEmpty() && find.isEmpty()) {
                s.error("'path' is needed when there is no 'find' to read the size from");
            }
            size = new HttpProviderSettings.SizeRead(path, requiredPointer(s, "cpu"), requiredPointer(s, "ram"),
                    requiredPointer(s, "storage"));
        }
        HttpProviderSettings.Resize resize = null;
        YamlMap r = keys.map("resize", RESIZE, "method, path and body");
        if (!keys.has("resize")) {
            keys.error("resize", "missing 'resize' (how a new size is sent: method, path, body)");
        } else if (r != null) {
            String method = r.text("method", "one of " + new TreeSet<>(METHODS)).orElse("PUT");
            if (!METHODS.contains(method)) {
                r.error("method", "'method' must be one of " + String.join(", ", new TreeSet<>(METHODS)) + ", got "
                        + YamlFile.shown(r.get("method")));
            }
            JsonNode body = r.has("body") ? body(r.get("body"), r.subject())
                    : JsonNodeFactory.instance.objectNode();
            Optional<String> needsRestart = r.textOrEmpty("needs_restart", POINTER)
                    .map(p -> pointer(r, "needs_restart", p)).filter(p -> !p.isEmpty());
            resize = new HttpProviderSettings.Resize(method, path(r, "path", PATH_PLACEHOLDERS), body, needsRestart);
        }
        int retries = keys.whole("retries", 3, 0, 20);
        Duration timeout = keys.positiveDuration("timeout", Duration.ofSeconds(10));
        Duration backoff = keys.positiveDuration("backoff", Duration.ofMillis(500));
        Duration maxBackoff = keys.positiveDuration("max_backoff", Duration.ofSeconds(30));
        if (base == null || size == null || resize == null) {
            return null;
        }
        return new ProviderSettings.Http(new HttpProviderSettings(base, auth, find, size, resize, timeout, retries,
                backoff, maxBackoff));
    }

    private static Set<String> allAuthKeys() {
        Set<String> all = new HashSet<>();
        AUTH_KEYS.values().forEach(all::addAll);
        return all;
    }

    private Auth auth(YamlMap a) {
        if (a == null) {
            return new Auth.None();
        }
        String types = String.join(", ", new TreeSet<>(AUTH_KEYS.keySet()));
        Optional<String> type = a.required("type", "one of " + types);
        if (type.isEmpty()) {
            return new Auth.None();
        }
        Set<String> allowed = AUTH_KEYS.get(type.get());
        if (allowed == null) {
            a.error("type", "'type' must be one of " + types + ", got " + YamlFile.shown(a.get("type")));
            return new Auth.None();
        }
        for (String key : a.keys()) {
            if (!allowed.contains(key)) {
                a.error(key, "'" + key + "' does not belong to auth type '" + type.get() + "'; it takes "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        // Credentials are registered so that provider output quoting them is shown redacted (Secrets.redact).
        return switch (type.get()) {
            case "oauth2" -> {
                String secret = a.required("client_secret", "the client secret").orElse(null);
                Secrets.register(secret);
                yield new Auth.OAuth2(url(a, "token_url"), a.required("client_id", "the client id").orElse(null),
                        secret, a.text("scope", "a scope"));
            }
            case "bearer" -> {
                String token = a.required("token", "the token").orElse(null);
                Secrets.register(token);
                yield new Auth.Bearer(token);
            }
            case "basic" -> {
                String password = a.required("password", "the password").orElse(null);
                Secrets.register(password);
                yield new Auth.Basic(a.required("user", "the user").orElse(null), password);
            }
            default -> new Auth.None();
        };
    }

    private ProviderSettings exec(YamlMap keys) {
        List<String> size = command(keys, "size_command", ExecSettings.SIZE_PLACEHOLDERS);
        List<String> resize = command(keys, "resize_command", ExecSettings.RESIZE_PLACEHOLDERS);
        Duration timeout = keys.positiveDuration("timeout", Duration.ofSeconds(60));
        int maxOutput = keys.whole("max_output", 2000, 100, 100_000);
        List<String> passEnv = environmentNames(keys, "pass_env");
        return size == null || resize == null ? null
                : new ProviderSettings.Exec(new ExecSettings(size, resize, timeout, maxOutput, passEnv));
    }

    /** Names of this process's environment variables a command may see (it sees no others but a few basics). */
    private List<String> environmentNames(YamlMap keys, String key) {
        List<Node> items = keys.list(key, "a list of environment variable names, like [HOSTER_TOKEN]");
        List<String> names = new ArrayList<>();
        for (Node n : items == null ? List.<Node>of() : items) {
            String v = file.text(n, keys.subject(), key, "an environment variable name");
            if (v != null && !ENV_NAME.matcher(v).matches()) {
                file.error(n, keys.subject(), "'" + key + "' lists \"" + v + "\", which is not an environment variable "
                        + "name (letters, digits, _)");
            } else if (v != null) {
                names.add(v);
            }
        }
        return names;
    }

    private List<String> command(YamlMap keys, String key, Set<String> allowed) {
        String form = "a non-empty list of arguments like [\"/path/to/program\", \"{instance}\"] (no shell runs it)";
        if (!keys.has(key)) {
            keys.error(key, "missing '" + key + "' (" + form + ")");
            return null;
        }
        List<Node> items = keys.list(key, form);
        if (items == null) {
            return null;
        }
        if (items.isEmpty()) {
            keys.error(key, "'" + key + "' must be " + form + ", got an empty list");
            return null;
        }
        List<String> argv = new ArrayList<>();
        for (Node arg : items) {
            String a = file.textOrEmpty(arg, keys.subject(), key, "an argument");
            if (a != null) {
                placeholders(arg, keys.subject(), key, a, allowed);
                argv.add(a);
            }
        }
        if (!argv.isEmpty() && argv.get(0).contains("{")) {
            file.error(items.get(0), keys.subject(), "'" + key + "': the program itself cannot be a placeholder");
        }
        return argv.size() == items.size() ? argv : null;
    }

    // ---- values

    /** The resize body as JSON: numbers, booleans and null stay what they are; text gets its placeholders. */
    private JsonNode body(Node node, String subject) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node instanceof MappingNode m) {
            ObjectNode out = f.objectNode();
            for (NodeTuple t : m.getValue()) {
                String k = file.text(t.getKeyNode(), subject, "body", "keys that are plain words");
                if (k != null) {
                    out.set(k, body(t.getValueNode(), subject));
                }
            }
            return out;
        }
        if (node instanceof SequenceNode s) {
            ArrayNode out = f.arrayNode();
            for (Node n : s.getValue()) {
                out.add(body(n, subject));
            }
            return out;
        }
        ScalarNode sc = (ScalarNode) node;
        Tag tag = sc.getTag();
        try {
            if (Tag.INT.equals(tag)) {
                return f.numberNode(Long.parseLong(sc.getValue()));
            }
            if (Tag.FLOAT.equals(tag)) {
                return f.numberNode(Double.parseDouble(sc.getValue()));
            }
        } catch (NumberFormatException e) {
            // YAML 1.1 spellings Java does not read (1_000, 0x1F, .inf) are sent as the text written
        }
        if (Tag.BOOL.equals(tag)) {
            return f.booleanNode(Boolean.parseBoolean(sc.getValue()));
        }
        if (Tag.NULL.equals(tag)) {
            return f.nullNode();
        }
        String text = file.textOrEmpty(sc, subject, "body", "a value");
        placeholders(sc, subject, "body", text, BODY_PLACEHOLDERS);
        return f.textNode(text == null ? "" : text);
    }

    private String path(YamlMap map, String key, Set<String> allowed) {
        Optional<String> p = map.required(key, "a path starting with / like /servers/{id}");
        if (p.isEmpty()) {
            return "";
        }
        if (!p.get().startsWith("/")) {
            map.error(key, "'" + key + "' must start with / (it is appended to base_url)");
        }
        placeholders(map, key, p.get(), allowed);
        return p.get();
    }

    private String requiredPointer(YamlMap map, String key) {
        if (!map.has(key)) {
            map.error(key, "missing '" + key + "' (" + POINTER + ")");
            return "";
        }
        return map.textOrEmpty(key, POINTER).map(p -> pointer(map, key, p)).orElse("");
    }

    private static String pointer(YamlMap map, String key, String p) {
        if (!p.isEmpty() && !p.startsWith("/")) {
            map.error(key, "'" + key + "' must be a JSON pointer starting with / (like /servers/0/id)");
        }
        return p;
    }

    private void placeholders(YamlMap map, String key, String text, Set<String> allowed) {
        placeholders(map.get(key), map.subject(), key, text, allowed);
    }

    private void placeholders(Node node, String subject, String key, String text, Set<String> allowed) {
        if (text == null) {
            return;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!allowed.contains(m.group(1))) {
                file.error(node, subject, "'" + key + "' has an unknown placeholder {" + m.group(1) + "}; allowed here: "
                        + new TreeSet<>(allowed).stream().map(p -> "{" + p + "}").collect(Collectors.joining(", ")));
            }
        }
    }

    private static URI url(YamlMap map, String key) {
        return map.httpUrl(key, "an http or https URL like https://api.example.com/v1");
    }
}
