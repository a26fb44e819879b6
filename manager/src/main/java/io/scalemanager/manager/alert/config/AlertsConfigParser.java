package io.scalemanager.manager.alert.config;

import io.scalemanager.core.secret.Secrets;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.alert.channel.Notifier;
import io.scalemanager.manager.alert.channel.mail.SmtpNotifier;
import io.scalemanager.manager.alert.channel.slack.SlackNotifier;
import io.scalemanager.manager.alert.channel.teams.TeamsNotifier;
import io.scalemanager.manager.alert.channel.webhook.WebhookNotifier;
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
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the alerts file (see config/alerts.example.yaml) on SnakeYAML's node tree, so every error names the file,
 * the line and the key; it reports every error it finds. {@code ${VAR}} in a value is replaced by the environment
 * variable; values are never put into error messages for secret keys.
 */
public final class AlertsConfigParser {
    private static final Set<String> TOP_KEYS = Set.of("channels", "routes", "group_window", "repeat_interval",
            "stopped_reporting_after", "max_lag");
    private static final Map<String, Set<String>> CHANNEL_KEYS = Map.of(
            "smtp", Set.of("name", "type", "host", "port", "security", "username", "password", "from", "to",
                    "ssl_trust"),
            "slack", Set.of("name", "type", "url"),
            "teams", Set.of("name", "type", "url"),
            "webhook", Set.of("name", "type", "url", "secret"));
    private static final Set<String> ROUTE_KEYS = Set.of("severity", "instances", "channels");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String file;
    private final Map<String, String> env;
    private final List<Error> errors = new ArrayList<>();
    /** Names of every channel entry, also the invalid ones, so routes to them are not reported as well. */
    private final Set<String> declaredNames = new HashSet<>();

    private record Error(int line, String text) {
    }

    private AlertsConfigParser(String file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    public static AlertsConfig parse(Path file, Map<String, String> env) throws IOException, AlertsConfigException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), env);
    }

    public static AlertsConfig parse(String yaml, String sourceName, Map<String, String> env)
            throws AlertsConfigException {
        AlertsConfigParser p = new AlertsConfigParser(sourceName, env);
        AlertsConfig config = p.document(yaml);
        if (!p.errors.isEmpty()) {
            List<Error> sorted = new ArrayList<>(p.errors);
            sorted.sort(java.util.Comparator.comparingInt(Error::line)); // stable: same-line errors keep their order
            throw new AlertsConfigException(sorted.stream().map(Error::text).toList());
        }
        return config;
    }

    private AlertsConfig document(String yaml) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark == null ? 0 : mark.getLine() + 1;
            errors.add(new Error(line, file + ":" + line + ": not valid YAML: " + e.getProblem()));
            return null;
        } catch (YAMLException e) {
            errors.add(new Error(0, file + ": not valid YAML: " + e.getMessage()));
            return null;
        }
        if (!(root instanceof MappingNode top)) {
            errors.add(new Error(1, file + ":1: the top level must be a mapping with 'channels:' and optionally 'routes:'"));
            return null;
        }
        Map<String, Node> keys = keys(top, "", TOP_KEYS);
        List<Notifier> channels = new ArrayList<>();
        if (keys.containsKey("channels")) {
            Node node = keys.get("channels");
            if (node instanceof SequenceNode seq) {
                Set<String> names = new HashSet<>();
                for (int i = 0; i < seq.getValue().size(); i++) {
                    Notifier n = channel(seq.getValue().get(i), "channels[" + i + "]");
                    if (n != null && !names.add(n.name())) {
                        error(seq.getValue().get(i), "channels[" + i + "].name", "duplicate channel name '"
                                + n.name() + "'");
                    } else if (n != null) {
                        channels.add(n);
                    }
                }
            } else if (!isNull(node)) {
                error(node, "channels", "must be a list of channels, each starting with '- name: ...'");
            }
        }
        Set<String> channelNames = declaredNames;
        List<Route> routes = new ArrayList<>();
        if (keys.containsKey("routes")) {
            Node node = keys.get("routes");
            if (node instanceof SequenceNode seq) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    Route r = route(seq.getValue().get(i), "routes[" + i + "]", channelNames);
                    if (r != null) {
                        routes.add(r);
                    }
                }
            } else if (!isNull(node)) {
                error(node, "routes", "must be a list of routes with severity, instances and channels");
            }
        }
        Duration group = duration(keys, "group_window", AlertsConfig.DEFAULT_GROUP_WINDOW);
        Duration repeat = duration(keys, "repeat_interval", AlertsConfig.DEFAULT_REPEAT_INTERVAL);
        Duration stopped = duration(keys, "stopped_reporting_after", AlertsConfig.DEFAULT_STOPPED_REPORTING);
        Duration lag = duration(keys, "max_lag", AlertsConfig.DEFAULT_MAX_LAG);
        return errors.isEmpty() ? new AlertsConfig(channels, routes, group, repeat, stopped, lag) : null;
    }

    private Notifier channel(Node node, String where) {
        if (!(node instanceof MappingNode map)) {
            error(node, where, "must be a mapping with name, type and the channel's settings");
            return null;
        }
        Map<String, Node> raw = rawKeys(map, where);
        if (raw.get("name") instanceof ScalarNode n && !n.getValue().isBlank()) {
            declaredNames.add(n.getValue().trim());
        }
        String type = required(raw, map, where, "type", false);
        if (type == null) {
            return null;
        }
        Set<String> allowed = CHANNEL_KEYS.get(type);
        if (allowed == null) {
            error(raw.get("type"), where + ".type", "must be one of smtp, slack, teams, webhook; got '" + type + "'");
            return null;
        }
        int before = errors.size();
        Map<String, Node> keys = keys(map, where + ".", allowed);
        String name = required(keys, map, where, "name", false);
        if (name != null) {
            declaredNames.add(name);
        }
        if (name != null && !NAME.matcher(name).matches()) {
            error(keys.get("name"), where + ".name", "must be 1-64 characters of A-Z a-z 0-9 . _ -, got '" + name + "'");
        }
        Notifier n = switch (type) {
            case "smtp" -> smtp(keys, map, where, name);
            case "webhook" -> {
                URI url = url(keys, map, where);
                Optional<String> secret = Optional.ofNullable(optional(keys, where, "secret", true));
                secret.ifPresent(Secrets::register);
                yield url == null ? null : new WebhookNotifier(name, url, secret);
            }
            default -> {
                URI url = url(keys, map, where);
                yield url == null ? null : type.equals("slack") ? new SlackNotifier(name, url)
                        : new TeamsNotifier(name, url);
            }
        };
        return errors.size() > before ? null : n;
    }

    private Notifier smtp(Map<String, Node> keys, MappingNode map, String where, String name) {
        String host = required(keys, map, where, "host", false);
        String securityText = optional(keys, where, "security", false);
        SmtpNotifier.Security security = SmtpNotifier.Security.STARTTLS;
        if (securityText != null) {
            try {
                security = SmtpNotifier.Security.valueOf(securityText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                error(keys.get("security"), where + ".security", "must be starttls, tls or none; got '"
                        + securityText + "'");
            }
        }
        int port = security == SmtpNotifier.Security.TLS ? 465 : 587;
        String portText = optional(keys, where, "port", false);
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                error(keys.get("port"), where + ".port", "must be a port from 1 to 65535; got '" + portText + "'");
            }
        }
        Optional<String> username = Optional.ofNullable(optional(keys, where, "username", false));
        Optional<String> password = Optional.ofNullable(optional(keys, where, "password", true));
        password.ifPresent(Secrets::register);
        if (username.isPresent() != password.isPresent()) {
            error(map, where, "give both 'username' and 'password', or neither");
        }
        String from = required(keys, map, where, "from", false);
        if (from != null && !validAddress(from)) {
            error(keys.get("from"), where + ".from", "must be a mail address like \"ScaleManager <alerts@example.com>\"");
            from = null;
        }
        List<String> to = new ArrayList<>();
        Node toNode = keys.get("to");
        if (toNode instanceof SequenceNode seq && !seq.getValue().isEmpty()) {
            for (Node item : seq.getValue()) {
                String t = scalar(item, where + ".to", false);
                if (t != null && !validAddress(t)) {
                    error(item, where + ".to", "'" + t + "' is not a mail address");
                } else if (t != null) {
                    to.add(t);
                }
            }
        } else if (toNode instanceof ScalarNode && !isNull(toNode)) {
            String t = scalar(toNode, where + ".to", false);
            if (t != null) {
                to.add(t);
            }
        } else {
            error(toNode == null ? map : toNode, where + ".to", "give the recipients as a list of mail addresses");
        }
        if (host == null || from == null) {
            return null;
        }
        return new SmtpNotifier(name, new SmtpNotifier.Settings(host, port, security, username, password, from, to,
                Optional.ofNullable(optional(keys, where, "ssl_trust", false))));
    }

    private static boolean validAddress(String text) {
        try {
            new jakarta.mail.internet.InternetAddress(text, true);
            return true;
        } catch (jakarta.mail.internet.AddressException e) {
            return false;
        }
    }

    private URI url(Map<String, Node> keys, MappingNode map, String where) {
        String text = required(keys, map, where, "url", true);
        if (text == null) {
            return null;
        }
        try {
            URI u = URI.create(text);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        // The URL of a chat webhook is its secret: say what is wrong without repeating it.
        error(keys.get("url"), where + ".url", "must be an http:// or https:// URL with a host");
        return null;
    }

    private Route route(Node node, String where, Set<String> channelNames) {
        if (!(node instanceof MappingNode map)) {
            error(node, where, "must be a mapping with severity, instances and channels");
            return null;
        }
        int before = errors.size();
        Map<String, Node> keys = keys(map, where + ".", ROUTE_KEYS);
        Set<Severity> severities = EnumSet.allOf(Severity.class);
        Node sev = keys.get("severity");
        if (sev != null) {
            severities = EnumSet.noneOf(Severity.class);
            List<Node> items = sev instanceof SequenceNode seq ? seq.getValue() : List.of(sev);
            for (Node item : items) {
                String s = scalar(item, where + ".severity", false);
                try {
                    if (s != null) {
                        severities.add(Severity.valueOf(s.toUpperCase(Locale.ROOT)));
                    }
                } catch (IllegalArgumentException e) {
                    error(item, where + ".severity", "must be info, warning or critical; got '" + s + "'");
                }
            }
        }
        String glob = optional(keys, where, "instances", false);
        List<String> channels = new ArrayList<>();
        Node ch = keys.get("channels");
        if (ch instanceof SequenceNode seq && !seq.getValue().isEmpty()) {
            for (Node item : seq.getValue()) {
                String c = scalar(item, where + ".channels", false);
                if (c != null && !channelNames.contains(c)) {
                    error(item, where + ".channels", "no channel is named '" + c + "'");
                } else if (c != null) {
                    channels.add(c);
                }
            }
        } else {
            error(ch == null ? map : ch, where + ".channels", "give the channels as a list of channel names");
        }
        return errors.size() > before ? null
                : new Route(severities, glob == null ? InstancePattern.ANY : InstancePattern.parse(glob), channels);
    }

    private Duration duration(Map<String, Node> keys, String key, Duration fallback) {
        String text = optional(keys, "", key, false);
        if (text == null) {
            return fallback;
        }
        try {
            Duration d = DurationText.parse(text);
            if (d.isNegative() || d.isZero() && !key.equals("group_window")) {
                throw new IllegalArgumentException("must be above zero, got '" + text + "'");
            }
            return d;
        } catch (IllegalArgumentException e) {
            error(keys.get(key), key, e.getMessage());
            return fallback;
        }
    }

    // ---- nodes

    private Map<String, Node> rawKeys(MappingNode map, String where) {
        Map<String, Node> keys = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                keys.putIfAbsent(k.getValue(), t.getValueNode());
            }
        }
        return keys;
    }

    private Map<String, Node> keys(MappingNode map, String prefix, Set<String> allowed) {
        Map<String, Node> keys = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                error(t.getKeyNode(), prefix, "keys must be plain words");
                continue;
            }
            String key = k.getValue();
            if (!allowed.contains(key)) {
                error(k, prefix + key, "unknown key; expected one of " + new java.util.TreeSet<>(allowed));
            } else if (keys.put(key, t.getValueNode()) != null) {
                error(k, prefix + key, "duplicate key");
            }
        }
        return keys;
    }

    private String required(Map<String, Node> keys, MappingNode map, String where, String key, boolean secret) {
        if (!keys.containsKey(key) || isNull(keys.get(key))) {
            error(map, where + "." + key, "missing");
            return null;
        }
        return scalar(keys.get(key), where + "." + key, secret);
    }

    private String optional(Map<String, Node> keys, String where, String key, boolean secret) {
        Node n = keys.get(key);
        return n == null || isNull(n) ? null : scalar(n, where.isEmpty() ? key : where + "." + key, secret);
    }

    private String scalar(Node node, String key, boolean secret) {
        if (!(node instanceof ScalarNode s) || s.getValue().isBlank()) {
            error(node, key, "must be a single non-empty value");
            return null;
        }
        Matcher m = VARIABLE.matcher(s.getValue().trim());
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null || value.isEmpty()) {
                error(node, key, "environment variable " + m.group(1) + " is not set");
                return null;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && (s.getTag().equals(Tag.NULL) || s.getValue().isEmpty());
    }

    private void error(Node node, String key, String message) {
        int line = node == null ? 0 : node.getStartMark().getLine() + 1;
        errors.add(new Error(line, file + ":" + line + ": " + (key.isEmpty() ? "" : "key '" + key + "': ") + message));
    }
}
