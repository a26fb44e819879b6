package io.scalemanager.core.yaml;

import io.scalemanager.core.time.DurationText;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A mapping of a {@link YamlFile} whose keys have been checked, with typed getters that report what is wrong
 * in the file's one format and return empty (or the fallback) so reading goes on and every error is found.
 * A key written with no value counts as absent.
 */
public final class YamlMap {
    private final YamlFile file;
    private final MappingNode node;
    private final String subject;
    private final Map<String, Node> values = new LinkedHashMap<>();
    private final Map<String, Node> keyNodes = new LinkedHashMap<>();

    YamlMap(YamlFile file, MappingNode node, String subject, Collection<String> allowed) {
        this.file = file;
        this.node = node;
        this.subject = subject;
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode k) || k.getValue().isBlank()) {
                file.error(keyNode, subject, "keys must be plain words, got " + YamlFile.shown(keyNode));
                continue;
            }
            String key = k.getValue().trim();
            if (Tag.MERGE.equals(keyNode.getTag())) {
                file.error(keyNode, subject, "merge keys (<<) are not supported; write the keys out");
            } else if (!allowed.contains(key)) {
                file.error(keyNode, subject, "unknown key '" + key + "'" + (subject == null ? " at the top level" : "")
                        + "; expected one of " + String.join(", ", allowed instanceof List<String> l ? l
                        : allowed.stream().sorted().toList()));
            } else if (keyNodes.containsKey(key)) {
                file.error(keyNode, subject, "duplicate key '" + key + "'; it is already on line "
                        + YamlFile.line(keyNodes.get(key)));
            } else {
                keyNodes.put(key, keyNode);
                values.put(key, tuple.getValueNode());
            }
        }
    }

    /** The mapping's node: errors about the whole mapping point at its first line. */
    public MappingNode node() {
        return node;
    }

    /** What the mapping is called in errors; null at the top level. */
    public String subject() {
        return subject;
    }

    /** The file this mapping is in. */
    public YamlFile file() {
        return file;
    }

    /** True when the key is written with a value (not absent, not {@code key:} with nothing). */
    public boolean has(String key) {
        Node v = values.get(key);
        return v != null && !YamlFile.isNull(v);
    }

    /** The value under the key; null when absent or written as nothing. */
    public Node get(String key) {
        return has(key) ? values.get(key) : null;
    }

    /** The accepted keys, in file order. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** Reports a problem with the key's value (at its line), or with the mapping when the key is absent. */
    public void error(String key, String message) {
        Node at = values.containsKey(key) ? values.get(key) : node;
        file.error(at, subject, message);
    }

    /** Reports a problem with the mapping as a whole, at its first line. */
    public void error(String message) {
        file.error(node, subject, message);
    }

    /**
     * The key's text; empty when absent. An error (and empty) when it is not a single non-empty value.
     *
     * @param expected what to write, like {@code "a glob like \"web-*\""}
     */
    public Optional<String> text(String key, String expected) {
        return has(key) ? Optional.ofNullable(file.text(values.get(key), subject, key, expected)) : Optional.empty();
    }

    /** Like {@link #text} but an empty text is a value. */
    public Optional<String> textOrEmpty(String key, String expected) {
        return has(key) ? Optional.ofNullable(file.textOrEmpty(values.get(key), subject, key, expected))
                : Optional.empty();
    }

    /**
     * A required http or https URL with a host; null, with an error, when absent or not one. The error never
     * repeats the text: a webhook's or an API's URL may carry a secret.
     *
     * @param form what to write, like {@code "an http or https URL like https://api.example.com/v1"}
     */
    public URI httpUrl(String key, String form) {
        Optional<String> text = required(key, form);
        if (text.isEmpty()) {
            return null;
        }
        try {
            URI u = URI.create(text.get());
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        error(key, "'" + key + "' must be " + form);
        return null;
    }

    /** The key's text; empty, with an error {@code missing 'key' (expected)}, when absent. */
    public Optional<String> required(String key, String expected) {
        if (!has(key)) {
            error(key, "missing '" + key + "' (" + expected + ")");
            return Optional.empty();
        }
        return text(key, expected);
    }

    /** A duration like 500ms, 30s, 5m, 2h; empty when absent or (with an error) not a duration. */
    public Optional<Duration> duration(String key) {
        return duration(key, "a duration like 30s, 5m or 2h", false);
    }

    /** A duration above zero; the fallback when absent or (with an error) invalid. */
    public Duration positiveDuration(String key, Duration fallback) {
        return duration(key, "a duration above zero like 500ms, 10s or 2m", true).orElse(fallback);
    }

    private Optional<Duration> duration(String key, String expected, boolean positive) {
        Optional<String> text = text(key, expected);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            Duration d = DurationText.parse(text.get());
            if (!positive || !(d.isZero() || d.isNegative())) {
                return Optional.of(d);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        error(key, "'" + key + "' must be " + expected + ", got " + YamlFile.shown(values.get(key)));
        return Optional.empty();
    }

    /** {@code true} or {@code false}; the fallback when absent or (with an error) anything else. */
    public boolean flag(String key, boolean fallback) {
        Optional<String> text = text(key, "true or false");
        if (text.isEmpty()) {
            return fallback;
        }
        if (text.get().equals("true") || text.get().equals("false")) {
            return text.get().equals("true");
        }
        error(key, "'" + key + "' must be true or false, got " + YamlFile.shown(values.get(key)));
        return fallback;
    }

    /** A whole number from min to max; the fallback when absent or (with an error) out of range. */
    public int whole(String key, int fallback, int min, int max) {
        String expected = "a whole number from " + min + " to " + max;
        Optional<String> text = text(key, expected);
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
        error(key, "'" + key + "' must be " + expected + ", got " + YamlFile.shown(values.get(key)));
        return fallback;
    }

    /**
     * The key's value as a checked mapping named {@code subject.key} in errors; null when absent or (with an
     * error) not a mapping.
     */
    public YamlMap map(String key, Collection<String> allowed, String expected) {
        if (!has(key)) {
            return null;
        }
        return file.map(values.get(key), subject == null ? key : subject + "." + key, allowed, expected);
    }

    /** The items of the key's list; empty when absent, null (with an error) when not a list. */
    public List<Node> list(String key, String expected) {
        return file.list(get(key), subject, "'" + key + "' must be " + expected);
    }
}
