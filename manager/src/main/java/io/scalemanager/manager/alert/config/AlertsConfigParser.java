package io.scalemanager.manager.alert.config;

import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.secret.Secrets;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.core.yaml.YamlError;
import io.scalemanager.core.yaml.YamlFile;
import io.scalemanager.core.yaml.YamlMap;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.alert.channel.JsonPost;
import io.scalemanager.manager.alert.channel.Notifier;
import io.scalemanager.manager.alert.channel.mail.SmtpNotifier;
import io.scalemanager.manager.alert.channel.slack.SlackNotifier;
import io.scalemanager.manager.alert.channel.teams.TeamsNotifier;
import io.scalemanager.manager.alert.channel.webhook.WebhookNotifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the alerts file (see config/alerts.example.yaml) through core's {@link YamlFile}: every error names the
 * file, the line and the channel or route, all are reported together, and {@code ${VAR}} in a value is replaced
 * by the environment variable. Secret values (passwords, webhook URLs and secrets) never appear in errors.
 */
public final class AlertsConfigParser {
    private static final Logger log = LoggerFactory.getLogger(AlertsConfigParser.class);
    private static final List<String> TOP_KEYS = List.of("channels", "routes", "group_window", "repeat_interval",
            "stopped_reporting_after", "max_lag");
    private static final Map<String, Set<String>> CHANNEL_KEYS = Map.of(
            "smtp", Set.of("name", "type", "host", "port", "security", "username", "password", "from", "to",
                    "ssl_trust"),
            "slack", Set.of("name", "type", "url"),
            "teams", Set.of("name", "type", "url"),
            "webhook", Set.of("name", "type", "url", "secret"));
    private static final List<String> TYPES = List.of("smtp", "slack", "teams", "webhook");
    private static final List<String> ROUTE_KEYS = List.of("severity", "instances", "channels");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final YamlFile file;
    /** Names of every channel entry, also the invalid ones, so routes to them are not reported as well. */
    private final Set<String> declaredNames = new HashSet<>();
    /** How the slack, teams and webhook channels post. */
    private final JsonPost post;
    /** What the channels' servers are checked against: the JDK's CAs and tls.ca (the web channels' JsonPost too). */
    private final ClientTls tls;

    private AlertsConfigParser(YamlFile file, JsonPost post, ClientTls tls) {
        this.file = file;
        this.post = post;
        this.tls = tls;
    }

    /**
     * Reads the alerts file.
     *
     * @param tls what the channels trust over TLS: slack, teams and webhook over https, smtp over STARTTLS or TLS
     *            (the server's: the JDK's CAs and tls.ca)
     */
    public static AlertsConfig parse(Path file, Map<String, String> env, ClientTls tls)
            throws IOException, AlertsConfigException {
        return parse(new AlertsConfigParser(YamlFile.read(file, env), new JsonPost(tls), tls));
    }

    /** Parses alerts YAML whose channels trust the JDK's CAs; {@code sourceName} is named in errors. */
    public static AlertsConfig parse(String yaml, String sourceName, Map<String, String> env)
            throws AlertsConfigException {
        return parse(new AlertsConfigParser(YamlFile.parse(yaml, sourceName, env), JsonPost.JDK_CAS,
                ClientTls.SYSTEM));
    }

    private static AlertsConfig parse(AlertsConfigParser p) throws AlertsConfigException {
        AlertsConfig config = p.document();
        p.file.throwIfInvalid(AlertsConfigException::new);
        return config;
    }

    private AlertsConfig document() {
        YamlMap top = file.top(TOP_KEYS, "'channels:' and optionally 'routes:'");
        if (top == null) {
            return null;
        }
        List<Notifier> channels = new ArrayList<>();
        List<Node> channelNodes = top.list("channels", "a list of channels, each starting with '- name: ...'");
        Set<String> names = new HashSet<>();
        for (int i = 0; channelNodes != null && i < channelNodes.size(); i++) {
            String subject = "channels[" + (i + 1) + "]";
            Notifier n = channel(channelNodes.get(i), subject);
            if (n != null && !names.add(n.name())) {
                file.error(YamlFile.peek(channelNodes.get(i), "name"), subject, "duplicate channel name '" + n.name()
                        + "'; give every channel its own name");
            } else if (n != null) {
                channels.add(n);
            }
        }
        List<Route> routes = new ArrayList<>();
        List<Node> routeNodes = top.list("routes", "a list of routes with severity, instances and channels");
        for (int i = 0; routeNodes != null && i < routeNodes.size(); i++) {
            Route r = route(routeNodes.get(i), "routes[" + (i + 1) + "]");
            if (r != null) {
                routes.add(r);
            }
        }
        Duration group = top.duration("group_window").orElse(AlertsConfig.DEFAULT_GROUP_WINDOW);
        Duration repeat = top.positiveDuration("repeat_interval", AlertsConfig.DEFAULT_REPEAT_INTERVAL);
        Duration stopped = top.positiveDuration("stopped_reporting_after", AlertsConfig.DEFAULT_STOPPED_REPORTING);
        Duration lag = top.positiveDuration("max_lag", AlertsConfig.DEFAULT_MAX_LAG);
        return file.hasErrors() ? null : new AlertsConfig(channels, routes, group, repeat, stopped, lag);
    }

    private Notifier channel(Node node, String subject) {
        String expected = "name, type and the channel's settings";
        if (YamlFile.peek(node, "name") instanceof ScalarNode n && !YamlFile.isNull(n) && !n.getValue().isBlank()) {
            declaredNames.add(n.getValue().trim());
        }
        String type = file.type(node, subject, TYPES, expected);
        if (type == null) {
            return null;
        }
        Set<String> allowed = CHANNEL_KEYS.get(type);
        int before = file.errorCount();
        YamlMap keys = file.map(node, subject, allowed, expected);
        String name = keys.required("name", "a name routes refer to").orElse(null);
        if (name != null && !NAME.matcher(name).matches()) {
            keys.error("name", "'name' must be 1-64 characters of A-Z a-z 0-9 . _ -, got " + YamlFile.shown(keys.get("name")));
        }
        Notifier n = switch (type) {
            case "smtp" -> smtp(keys, name);
            case "webhook" -> {
                URI url = url(keys);
                Optional<String> secret = keys.text("secret", "the key the body is signed with");
                secret.ifPresent(Secrets::register);
                yield url == null ? null : new WebhookNotifier(name, url, secret, post);
            }
            default -> {
                URI url = url(keys);
                yield url == null ? null : type.equals("slack") ? new SlackNotifier(name, url, post)
                        : new TeamsNotifier(name, url, post);
            }
        };
        return file.errorCount() > before ? null : n;
    }

    private Notifier smtp(YamlMap keys, String name) {
        String host = keys.required("host", "the mail server's host name").orElse(null);
        SmtpNotifier.Security security = SmtpNotifier.Security.STARTTLS;
        Optional<String> securityText = keys.text("security", "starttls, tls or none");
        if (securityText.isPresent()) {
            try {
                security = SmtpNotifier.Security.valueOf(securityText.get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                keys.error("security", "'security' must be starttls, tls or none, got "
                        + YamlFile.shown(keys.get("security")));
            }
        }
        int port = keys.whole("port", security == SmtpNotifier.Security.TLS ? 465 : 587, 1, 65535);
        Optional<String> username = keys.text("username", "the user to log in as");
        Optional<String> password = keys.text("password", "the password, best as ${VARIABLE}");
        password.ifPresent(Secrets::register);
        if (username.isPresent() != password.isPresent()) {
            keys.error("give both 'username' and 'password', or neither");
        }
        String from = keys.required("from", "a mail address like \"ScaleManager <alerts@example.com>\"").orElse(null);
        if (from != null && !validAddress(from)) {
            keys.error("from", "'from' must be a mail address like \"ScaleManager <alerts@example.com>\"");
            from = null;
        }
        List<String> to = new ArrayList<>();
        Node toNode = keys.get("to");
        List<Node> items = toNode instanceof SequenceNode seq ? seq.getValue() : toNode == null ? List.of()
                : List.of(toNode);
        for (Node item : items) {
            String t = file.text(item, keys.subject(), "to", "a mail address");
            if (t != null && !validAddress(t)) {
                file.error(item, keys.subject(), "'to' lists \"" + t + "\", which is not a mail address");
            } else if (t != null) {
                to.add(t);
            }
        }
        if (items.isEmpty()) {
            keys.error("to", "'to' must give the recipients as a list of mail addresses");
        }
        if (host == null || from == null) {
            return null;
        }
        Optional<String> sslTrust = keys.text("ssl_trust", "hosts whose certificate is trusted without checking");
        if (sslTrust.isPresent()) {
            log.warn("{}", new YamlError(file.name(), YamlFile.line(keys.get("ssl_trust")), keys.subject(),
                    "'ssl_trust' is deprecated: it trusts the certificate of " + sslTrust.get() + " as it is, "
                            + "unchecked. Put the mail server's CA certificate (or its self-signed certificate) "
                            + "in tls.ca instead and remove 'ssl_trust': mail then trusts the JDK's CAs and "
                            + "tls.ca, as webhooks do, and checks the host name"));
        }
        return new SmtpNotifier(name, new SmtpNotifier.Settings(host, port, security, username, password, from, to,
                sslTrust), tls);
    }

    private static boolean validAddress(String text) {
        try {
            new jakarta.mail.internet.InternetAddress(text, true);
            return true;
        } catch (jakarta.mail.internet.AddressException e) {
            return false;
        }
    }

    /** The channel's URL; the message never repeats it: the URL of a chat webhook is its secret. */
    private static URI url(YamlMap keys) {
        return keys.httpUrl("url", "an http:// or https:// URL with a host");
    }

    private Route route(Node node, String subject) {
        int before = file.errorCount();
        YamlMap keys = file.map(node, subject, ROUTE_KEYS, "severity, instances and channels");
        if (keys == null) {
            return null;
        }
        Set<Severity> severities = EnumSet.allOf(Severity.class);
        Node sev = keys.get("severity");
        if (sev != null) {
            severities = EnumSet.noneOf(Severity.class);
            for (Node item : sev instanceof SequenceNode seq ? seq.getValue() : List.of(sev)) {
                String s = file.text(item, subject, "severity", "info, warning or critical");
                try {
                    if (s != null) {
                        severities.add(Severity.valueOf(s.toUpperCase(Locale.ROOT)));
                    }
                } catch (IllegalArgumentException e) {
                    file.error(item, subject, "'severity' must be info, warning or critical, got \"" + s + "\"");
                }
            }
        }
        InstancePattern instances = InstancePattern.ANY;
        Optional<String> glob = keys.text("instances", InstancePattern.FORM);
        try {
            instances = glob.isPresent() ? InstancePattern.parse(glob.get()) : InstancePattern.ANY;
        } catch (IllegalArgumentException e) {
            keys.error("instances", "'instances' " + e.getMessage());
        }
        List<String> channels = new ArrayList<>();
        List<Node> items = keys.list("channels", "a list of channel names");
        if (items != null && items.isEmpty()) {
            keys.error("channels", "'channels' must give the channels as a list of channel names");
        }
        for (Node item : items == null ? List.<Node>of() : items) {
            String c = file.text(item, subject, "channels", "a channel name");
            if (c != null && !declaredNames.contains(c)) {
                file.error(item, subject, "'channels' lists '" + c + "', but no channel has that name");
            } else if (c != null) {
                channels.add(c);
            }
        }
        return file.errorCount() > before ? null : new Route(severities, instances, channels);
    }
}
