package io.scalemanager.instanceapi.provider.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.ProviderRouter;
import io.scalemanager.core.secret.Secrets;
import io.scalemanager.instanceapi.provider.exec.ExecProvider;
import io.scalemanager.instanceapi.provider.exec.ExecSettings;
import io.scalemanager.instanceapi.provider.http.HttpProvider;
import io.scalemanager.instanceapi.provider.http.HttpProviderSettings;
import io.scalemanager.instanceapi.provider.http.HttpProviderSettings.Auth;
import io.scalemanager.instanceapi.provider.libvirt.LibvirtProvider;
import io.scalemanager.instanceapi.provider.libvirt.LibvirtSettings;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the providers file (config key {@code providers}): a list of routes, each an instance glob and a
 * provider of type {@code libvirt}, {@code http}, {@code exec} or {@code simulator}, into a {@link ProviderRouter}
 * (first match in file order wins). Works on SnakeYAML's node tree so every error names the file, the line and
 * the key; it reports every error it finds. {@code ${NAME}} in a value is replaced by environment variable NAME;
 * errors never show a value that came from the environment, nor any credential or URL, so secrets stay out of
 * logs.
 */
public final class ProvidersFile {
    private static final Set<String> TYPES = Set.of("libvirt", "http", "exec", "simulator");
    private static final Set<String> COMMON = Set.of("name", "instances", "type");
    private static final Set<String> LIBVIRT = Set.of("uri", "domain", "disk", "virsh", "timeout");
    private static final Set<String> HTTP = Set.of("base_url", "auth", "find", "size", "resize", "timeout",
            "retries", "backoff", "max_backoff");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Set<String> EXEC = Set.of("size_command", "resize_command", "timeout", "max_output",
            "pass_env");
    private static final Set<String> AUTH = Set.of("type", "token", "user", "password", "token_url", "client_id",
            "client_secret", "scope");
    private static final Set<String> FIND = Set.of("path", "items", "match", "id");
    private static final Set<String> SIZE = Set.of("path", "cpu", "ram", "storage");
    private static final Set<String> RESIZE = Set.of("method", "path", "body");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH");
    private static final Set<String> PATH_PLACEHOLDERS = Set.of("instance", "id");
    private static final Set<String> BODY_PLACEHOLDERS = Set.of("instance", "id", "cpu", "ram", "storage",
            "component", "value");
    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9._:/@*?-]{1,255}");
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    private final String file;
    private final Map<String, String> env;
    private final List<String> errors = new ArrayList<>();

    private ProvidersFile(String file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    /**
     * Reads the file and builds its providers (none connects before first use).
     *
     * @param env       environment variables for {@code ${NAME}}
     * @param simulator the provider for routes of type {@code simulator}
     */
    public static ProviderRouter load(Path file, Map<String, String> env, Supplier<Provider> simulator)
            throws IOException, ProvidersException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), env, simulator);
    }

    /** Parses providers YAML; {@code sourceName} is the file name shown in errors. */
    public static ProviderRouter parse(String yaml, String sourceName, Map<String, String> env,
                                       Supplier<Provider> simulator) throws ProvidersException {
        ProvidersFile parser = new ProvidersFile(sourceName, env);
        List<Spec> specs = parser.document(yaml);
        if (!parser.errors.isEmpty()) {
            throw new ProvidersException(parser.errors);
        }
        List<ProviderRouter.Route> routes = new ArrayList<>();
        for (Spec s : specs) {
            routes.add(new ProviderRouter.Route(s.pattern(), s.name(), s.build(simulator)));
        }
        return new ProviderRouter(routes);
    }

    /** One route as read, before its provider exists. */
    private record Spec(InstancePattern pattern, String name, Object settings) {
        Provider build(Supplier<Provider> simulator) {
            if (settings instanceof LibvirtSettings l) {
                return new LibvirtProvider(l);
            }
            if (settings instanceof HttpProviderSettings h) {
                return new HttpProvider(h);
            }
            if (settings instanceof ExecSettings e) {
                return new ExecProvider(e);
            }
            return simulator.get();
        }
    }

    private List<Spec> document(String yaml) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            errors.add(file + ":" + (mark == null ? 0 : mark.getLine() + 1) + ": not valid YAML: "
                    + (e.getProblem() == null ? e.getMessage() : e.getProblem()));
            return List.of();
        } catch (YAMLException e) {
            errors.add(file + ":0: not valid YAML: " + e.getMessage());
            return List.of();
        }
        if (root == null) {
            errors.add(file + ":1: the file is empty; it needs 'providers:' with a list of routes");
            return List.of();
        }
        Map<String, Node> top = mapping(root, "(top level)", Set.of("providers"));
        if (top == null) {
            return List.of();
        }
        Node list = top.get("providers");
        if (!(list instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            error(list == null ? root : list, "providers", "must be a non-empty list of routes, each starting with "
                    + "'- instances: \"GLOB\"' and 'type: libvirt|http|exec|simulator'");
            return List.of();
        }
        List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Spec s = route(seq.getValue().get(i), "providers[" + (i + 1) + "]");
            if (s != null) {
                specs.add(s);
            }
        }
        return specs;
    }

    private Spec route(Node node, String key) {
        Node typeNode = node instanceof MappingNode m ? find(m, "type") : null;
        String type = typeNode == null ? null : scalar(typeNode, key + ".type");
        if (typeNode == null) {
            error(node, key + ".type", "is missing; use one of libvirt, http, exec, simulator");
            return null;
        }
        if (type == null) {
            return null;
        }
        if (!TYPES.contains(type)) {
            error(typeNode, key + ".type", shown(typeNode, type) + " is not a provider type; use one of libvirt, "
                    + "http, exec, simulator");
            return null;
        }
        Set<String> allowed = new TreeSet<>(COMMON);
        allowed.addAll(switch (type) {
            case "libvirt" -> LIBVIRT;
            case "http" -> HTTP;
            case "exec" -> EXEC;
            default -> Set.of();
        });
        Map<String, Node> keys = mapping(node, key, allowed);
        if (keys == null) {
            return null;
        }
        String glob = optionalText(keys, "instances", key).orElse("*");
        if (!GLOB.matcher(glob).matches()) {
            error(keys.get("instances"), key + ".instances", "must be a glob of 1-255 characters of "
                    + "A-Z a-z 0-9 . _ : / @ - * ?");
        }
        String name = optionalText(keys, "name", key).orElse(type + " " + glob);
        int before = errors.size();
        Object settings = switch (type) {
            case "libvirt" -> libvirt(keys, key);
            case "http" -> http(keys, key);
            case "exec" -> exec(keys, key);
            default -> "simulator";
        };
        return errors.size() == before ? new Spec(InstancePattern.parse(glob), name, settings) : null;
    }

    private LibvirtSettings libvirt(Map<String, Node> keys, String key) {
        String uri = requiredText(keys, "uri", key);
        String domain = optionalText(keys, "domain", key).orElse("{instance}");
        placeholders(keys.get("domain"), key + ".domain", domain, Set.of("instance"));
        return new LibvirtSettings(uri == null ? "" : uri, domain, optionalText(keys, "disk", key),
                optionalText(keys, "virsh", key).orElse("virsh"),
                duration(keys, "timeout", key, Duration.ofSeconds(30)));
    }

    private HttpProviderSettings http(Map<String, Node> keys, String key) {
        URI base = url(keys, "base_url", key);
        Auth auth = keys.containsKey("auth") ? auth(keys.get("auth"), key + ".auth") : new Auth.None();
        Optional<HttpProviderSettings.Find> find = Optional.empty();
        if (keys.containsKey("find")) {
            Map<String, Node> f = mapping(keys.get("find"), key + ".find", FIND);
            if (f != null) {
                find = Optional.of(new HttpProviderSettings.Find(path(f, "path", key + ".find", Set.of("instance")),
                        pointer(f, "items", key + ".find", ""), pointer(f, "match", key + ".find", null),
                        pointer(f, "id", key + ".find", null)));
            }
        }
        HttpProviderSettings.SizeRead size = null;
        Map<String, Node> s = keys.containsKey("size") ? mapping(keys.get("size"), key + ".size", SIZE) : null;
        if (s == null && !keys.containsKey("size")) {
            error(keys.get("type"), key + ".size", "is missing; say where cpu, ram and storage are read");
        } else if (s != null) {
            Optional<String> path = s.containsKey("path") ? Optional.of(path(s, "path", key + ".size",
                    PATH_PLACEHOLDERS)) : Optional.empty();
            if (path.isEmpty() && find.isEmpty()) {
                error(keys.get("size"), key + ".size.path", "is needed when there is no 'find' to read the size from");
            }
            size = new HttpProviderSettings.SizeRead(path, pointer(s, "cpu", key + ".size", null),
                    pointer(s, "ram", key + ".size", null), pointer(s, "storage", key + ".size", null));
        }
        HttpProviderSettings.Resize resize = null;
        Map<String, Node> r = keys.containsKey("resize") ? mapping(keys.get("resize"), key + ".resize", RESIZE) : null;
        if (r == null && !keys.containsKey("resize")) {
            error(keys.get("type"), key + ".resize", "is missing; say how a new size is sent");
        } else if (r != null) {
            String method = optionalText(r, "method", key + ".resize").orElse("PUT");
            if (!METHODS.contains(method)) {
                error(r.get("method"), key + ".resize.method", shown(r.get("method"), method) + " is not one of "
                        + METHODS);
            }
            JsonNode body = r.containsKey("body") ? body(r.get("body"), key + ".resize.body")
                    : JsonNodeFactory.instance.objectNode();
            resize = new HttpProviderSettings.Resize(method, path(r, "path", key + ".resize", PATH_PLACEHOLDERS),
                    body);
        }
        int retries = whole(keys, "retries", key, 3, 0, 20);
        Duration timeout = duration(keys, "timeout", key, Duration.ofSeconds(10));
        Duration backoff = duration(keys, "backoff", key, Duration.ofMillis(500));
        Duration maxBackoff = duration(keys, "max_backoff", key, Duration.ofSeconds(30));
        if (base == null || size == null || resize == null) {
            return null;
        }
        return new HttpProviderSettings(base, auth, find, size, resize, timeout, retries, backoff, maxBackoff);
    }

    private Auth auth(Node node, String key) {
        Map<String, Node> a = mapping(node, key, AUTH);
        if (a == null) {
            return new Auth.None();
        }
        String type = requiredText(a, "type", key);
        if (type == null) {
            return new Auth.None();
        }
        Set<String> allowed = switch (type) {
            case "oauth2" -> Set.of("type", "token_url", "client_id", "client_secret", "scope");
            case "bearer" -> Set.of("type", "token");
            case "basic" -> Set.of("type", "user", "password");
            case "none" -> Set.of("type");
            default -> {
                error(a.get("type"), key + ".type", shown(a.get("type"), type) + " is not one of oauth2, bearer, basic, "
                        + "none");
                yield Set.of();
            }
        };
        for (Map.Entry<String, Node> e : a.entrySet()) {
            if (!allowed.isEmpty() && !allowed.contains(e.getKey())) {
                error(e.getValue(), key + "." + e.getKey(), "does not belong to auth type '" + type + "'");
            }
        }
        return switch (type) {
            case "oauth2" -> {
                URI tokenUrl = url(a, "token_url", key);
                String id = requiredText(a, "client_id", key);
                String secret = requiredText(a, "client_secret", key);
                Secrets.register(secret);
                yield new Auth.OAuth2(tokenUrl, id, secret, optionalText(a, "scope", key));
            }
            case "bearer" -> {
                String token = requiredText(a, "token", key);
                Secrets.register(token);
                yield new Auth.Bearer(token);
            }
            case "basic" -> {
                String password = requiredText(a, "password", key);
                Secrets.register(password);
                yield new Auth.Basic(requiredText(a, "user", key), password);
            }
            default -> new Auth.None();
        };
    }

    private ExecSettings exec(Map<String, Node> keys, String key) {
        List<String> size = command(keys, "size_command", key, Set.of("instance"));
        List<String> resize = command(keys, "resize_command", key,
                Set.of("instance", "component", "from", "to", "unit"));
        Duration timeout = duration(keys, "timeout", key, Duration.ofSeconds(60));
        int maxOutput = whole(keys, "max_output", key, 2000, 100, 100_000);
        List<String> passEnv = environmentNames(keys, "pass_env", key);
        return size == null || resize == null ? null : new ExecSettings(size, resize, timeout, maxOutput, passEnv);
    }

    /** Names of this process's environment variables a command may see (it sees no others but a few basics). */
    private List<String> environmentNames(Map<String, Node> keys, String name, String key) {
        Node node = keys.get(name);
        String k = key + "." + name;
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            error(node, k, "must be a list of environment variable names, like [HOSTER_TOKEN]");
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (Node n : seq.getValue()) {
            String v = scalar(n, k);
            if (v != null && !ENV_NAME.matcher(v).matches()) {
                error(n, k, "'" + v + "' is not an environment variable name (letters, digits, _)");
            } else if (v != null) {
                names.add(v);
            }
        }
        return names;
    }

    private List<String> command(Map<String, Node> keys, String name, String key, Set<String> allowed) {
        Node node = keys.get(name);
        String k = key + "." + name;
        if (node == null) {
            error(keys.get("type"), k, "is missing; write the command as a list: [\"/path/to/program\", \"{instance}\"]");
            return null;
        }
        if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            error(node, k, "must be a non-empty list of arguments (no shell runs it)");
            return null;
        }
        List<String> argv = new ArrayList<>();
        for (Node arg : seq.getValue()) {
            String a = scalar(arg, k);
            if (a != null) {
                placeholders(arg, k, a, allowed);
                argv.add(a);
            }
        }
        if (!argv.isEmpty() && argv.get(0).contains("{")) {
            error(seq.getValue().get(0), k, "the program itself cannot be a placeholder");
        }
        return argv;
    }

    // ---- values

    private JsonNode body(Node node, String key) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node instanceof MappingNode m) {
            ObjectNode out = f.objectNode();
            for (NodeTuple t : m.getValue()) {
                String k = scalar(t.getKeyNode(), key);
                if (k != null) {
                    out.set(k, body(t.getValueNode(), key + "." + k));
                }
            }
            return out;
        }
        if (node instanceof SequenceNode s) {
            ArrayNode out = f.arrayNode();
            for (Node n : s.getValue()) {
                out.add(body(n, key + "[]"));
            }
            return out;
        }
        ScalarNode sc = (ScalarNode) node;
        Tag tag = sc.getTag();
        if (Tag.INT.equals(tag)) {
            return f.numberNode(Long.parseLong(sc.getValue()));
        }
        if (Tag.FLOAT.equals(tag)) {
            return f.numberNode(Double.parseDouble(sc.getValue()));
        }
        if (Tag.BOOL.equals(tag)) {
            return f.booleanNode(Boolean.parseBoolean(sc.getValue()));
        }
        if (Tag.NULL.equals(tag)) {
            return f.nullNode();
        }
        String text = withEnv(sc, key);
        placeholders(sc, key, text, BODY_PLACEHOLDERS);
        return f.textNode(text);
    }

    private String path(Map<String, Node> map, String name, String key, Set<String> allowed) {
        String p = requiredText(map, name, key);
        if (p == null) {
            return "";
        }
        if (!p.startsWith("/")) {
            error(map.get(name), key + "." + name, "must start with / (it is appended to base_url)");
        }
        placeholders(map.get(name), key + "." + name, p, allowed);
        return p;
    }

    private String pointer(Map<String, Node> map, String name, String key, String fallback) {
        Optional<String> p = optionalText(map, name, key);
        if (p.isEmpty()) {
            if (fallback == null) {
                error(map.isEmpty() ? null : map.values().iterator().next(), key + "." + name,
                        "is missing; give a JSON pointer like /cpu");
                return "";
            }
            return fallback;
        }
        if (!p.get().isEmpty() && !p.get().startsWith("/")) {
            error(map.get(name), key + "." + name, "must be a JSON pointer starting with / (like /servers/0/id)");
        }
        return p.get();
    }

    private void placeholders(Node node, String key, String text, Set<String> allowed) {
        if (text == null) {
            return;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!allowed.contains(m.group(1))) {
                error(node, key, "unknown placeholder {" + m.group(1) + "}; allowed here: "
                        + new TreeSet<>(allowed).stream().map(p -> "{" + p + "}").toList());
            }
        }
    }

    private URI url(Map<String, Node> map, String name, String key) {
        String text = requiredText(map, name, key);
        if (text == null) {
            return null;
        }
        try {
            URI u = URI.create(text);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        error(map.get(name), key + "." + name, "must be an http or https URL like https://api.example.com/v1");
        return null;
    }

    private Duration duration(Map<String, Node> map, String name, String key, Duration fallback) {
        Optional<String> text = optionalText(map, name, key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            Duration d = DurationText.parse(text.get());
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        error(map.get(name), key + "." + name, "must be a positive duration like 500ms, 10s or 2m, got "
                + shown(map.get(name), text.get()));
        return fallback;
    }

    private int whole(Map<String, Node> map, String name, String key, int fallback, int min, int max) {
        Optional<String> text = optionalText(map, name, key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(text.get());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(map.get(name), key + "." + name, "must be a whole number from " + min + " to " + max + ", got "
                + shown(map.get(name), text.get()));
        return fallback;
    }

    private String requiredText(Map<String, Node> map, String name, String key) {
        if (!map.containsKey(name)) {
            error(map.isEmpty() ? null : map.values().iterator().next(), key + "." + name, "is missing");
            return null;
        }
        return optionalText(map, name, key).orElse(null);
    }

    private Optional<String> optionalText(Map<String, Node> map, String name, String key) {
        Node node = map.get(name);
        return node == null ? Optional.empty() : Optional.ofNullable(scalar(node, key + "." + name));
    }

    /** A scalar's text with {@code ${NAME}} replaced; null (and an error) for anything else. */
    private String scalar(Node node, String key) {
        if (!(node instanceof ScalarNode s) || Tag.NULL.equals(s.getTag())) {
            error(node, key, "must be a single value, got " + (node instanceof SequenceNode ? "a list"
                    : node instanceof MappingNode ? "a mapping" : "nothing"));
            return null;
        }
        return withEnv(s, key);
    }

    private String withEnv(ScalarNode s, String key) {
        Matcher m = ENV.matcher(s.getValue());
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null) {
                error(s, key, "environment variable " + m.group(1) + " is not set");
                value = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** A value for an error message, unless it came from the environment: that may be a secret. */
    private static String shown(Node node, String value) {
        return node instanceof ScalarNode s && ENV.matcher(s.getValue()).find() ? "a value from the environment"
                : "'" + value + "'";
    }

    private Map<String, Node> mapping(Node node, String key, Set<String> allowed) {
        if (!(node instanceof MappingNode m)) {
            error(node, key, "must be a mapping with keys " + new TreeSet<>(allowed));
            return null;
        }
        Map<String, Node> keys = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                error(t.getKeyNode(), key, "keys must be plain words");
                continue;
            }
            if (!allowed.contains(k.getValue())) {
                error(k, key + "." + k.getValue(), "unknown key; expected one of " + new TreeSet<>(allowed));
            } else if (keys.containsKey(k.getValue())) {
                error(k, key + "." + k.getValue(), "appears twice");
            } else {
                keys.put(k.getValue(), t.getValueNode());
            }
        }
        return keys;
    }

    private static Node find(MappingNode m, String name) {
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(name)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private void error(Node node, String key, String message) {
        int line = node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
        errors.add(file + ":" + line + ": " + key + ": " + message);
    }
}
