package io.scalemanager.core.yaml;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of ScaleManager's configuration files (the ruleset, the providers file, the alerts file, the
 * server's config): SnakeYAML's node tree, so every error carries its line; checked mappings ({@link YamlMap});
 * {@code ${NAME}} substitution; and every error found, reported together in one format ({@link YamlError}).
 * A parser reads one file with one instance, then calls {@link #throwIfInvalid}.
 *
 * <p>The rules every file shares:
 * <ul>
 *   <li>A key written with no value ({@code key:}, {@code ~}, {@code null}) is absent: its default applies.</li>
 *   <li>{@code ""} is an empty text, not an absent key: a key that needs a value rejects it.</li>
 *   <li>Text values are trimmed.</li>
 *   <li>Where substitution is on, {@code ${NAME}} in a text value is replaced by environment variable NAME; a
 *       variable that is unset or empty is an error naming it. A value that came from the environment is never
 *       shown in an error: it may be a secret.</li>
 *   <li>Unknown, repeated and merge ({@code <<}) keys are errors.</li>
 * </ul>
 */
public final class YamlFile {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String name;
    private final Map<String, String> env;
    private final List<YamlError> errors = new ArrayList<>();
    private final Node root;

    private YamlFile(String yaml, String name, Map<String, String> env) {
        this.name = name;
        this.env = env;
        this.root = compose(yaml);
    }

    /** Reads YAML text without {@code ${NAME}} substitution; {@code name} is the file name errors show. */
    public static YamlFile parse(String yaml, String name) {
        return new YamlFile(yaml, name, null);
    }

    /** Reads YAML text, replacing {@code ${NAME}} in text values from {@code env}. */
    public static YamlFile parse(String yaml, String name, Map<String, String> env) {
        return new YamlFile(yaml, name, Map.copyOf(env));
    }

    /** Reads a UTF-8 file without {@code ${NAME}} substitution; errors name it as given. */
    public static YamlFile read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Reads a UTF-8 file, replacing {@code ${NAME}} in text values from {@code env}; errors name it as given. */
    public static YamlFile read(Path file, Map<String, String> env) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), env);
    }

    private Node compose(String yaml) {
        try {
            return new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() == null ? e.getMessage()
                    : e.getContext() == null ? e.getProblem() : e.getContext() + "; " + e.getProblem();
            errors.add(new YamlError(name, mark == null ? 0 : mark.getLine() + 1, null, "not valid YAML: " + problem));
        } catch (YAMLException e) {
            errors.add(new YamlError(name, 0, null, "not valid YAML: " + e.getMessage()));
        }
        return null;
    }

    /** The file name errors show. */
    public String name() {
        return name;
    }

    /** True when the file holds no document at all (and is valid YAML). */
    public boolean isEmpty() {
        return root == null && errors.isEmpty();
    }

    /**
     * The top-level mapping with its keys checked; null (with an error) when the file is broken, empty or not a
     * mapping.
     *
     * @param allowed  the keys the top level may have, in the order errors list them
     * @param expected what the top level holds, for errors: {@code "'rules:' and optionally 'limits:'"}
     */
    public YamlMap top(Collection<String> allowed, String expected) {
        if (root == null) {
            if (errors.isEmpty()) {
                errors.add(new YamlError(name, 1, null, "the file is empty; it needs " + expected));
            }
            return null;
        }
        if (!(root instanceof MappingNode)) {
            error(root, null, "the top level must be a mapping with " + expected + ", got " + shown(root));
            return null;
        }
        return map(root, null, allowed, expected);
    }

    /**
     * A mapping with its keys checked: unknown, repeated, merge and non-text keys are reported and left out.
     * Null (with an error) when the node is not a mapping.
     *
     * @param subject  names the mapping in errors, like {@code rule 'ram-up'} or {@code providers[1].auth};
     *                 null at the top level
     * @param allowed  its keys; a {@link List} is shown in its order, any other collection sorted
     * @param expected what the mapping holds, for the error when the node is something else
     */
    public YamlMap map(Node node, String subject, Collection<String> allowed, String expected) {
        if (!(node instanceof MappingNode mapping)) {
            error(node, subject, "must be a mapping with " + expected + ", got " + shown(node));
            return null;
        }
        return new YamlMap(this, mapping, subject, allowed);
    }

    /**
     * The {@code type} of a mapping whose type decides which other keys it may have (a provider route, an alert
     * channel), so it is read before the keys are checked: one of {@code types}, or null with the error reported
     * (not a mapping, no type, an unknown one).
     *
     * @param types    the types, shown in this order in errors
     * @param expected what the mapping holds, for the error when the node is something else
     */
    public String type(Node node, String subject, List<String> types, String expected) {
        if (!(node instanceof MappingNode)) {
            error(node, subject, "must be a mapping with " + expected + ", got " + shown(node));
            return null;
        }
        String names = String.join(", ", types);
        Node typeNode = peek(node, "type");
        if (typeNode == null || isNull(typeNode)) {
            error(node, subject, "missing 'type' (one of " + names + ")");
            return null;
        }
        String type = text(typeNode, subject, "type", "one of " + names);
        if (type != null && !types.contains(type)) {
            error(typeNode, subject, "'type' must be one of " + names + ", got " + shown(typeNode));
            return null;
        }
        return type;
    }

    /**
     * The items of a list. Absent (null) is an empty list; a single value, or anything else, is an error and null.
     *
     * @param what the message of the error when the node is not a list: {@code "'rules' must be a list of rules"}
     */
    public List<Node> list(Node node, String subject, String what) {
        if (node == null || isNull(node)) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            error(node, subject, what + ", got " + shown(node));
            return null;
        }
        return seq.getValue();
    }

    /**
     * A single value's text, trimmed and with {@code ${NAME}} replaced; null (with an error) for a list, a
     * mapping, nothing, an empty text or an unset variable.
     *
     * @param key      the key the value belongs to, quoted in errors
     * @param expected what to write, like {@code "a duration like 30s, 5m or 2h"}
     */
    public String text(Node node, String subject, String key, String expected) {
        if (!(node instanceof ScalarNode s) || isNull(s)) {
            error(node, subject, "'" + key + "' must be " + expected + ", got " + shown(node));
            return null;
        }
        String text = substitute(s, subject, key);
        if (text != null && text.isEmpty()) {
            error(node, subject, "'" + key + "' is empty; write " + expected + ", or leave the key out");
            return null;
        }
        return text;
    }

    /** Like {@link #text} but an empty text is a value (a JSON pointer to the whole document, say). */
    public String textOrEmpty(Node node, String subject, String key, String expected) {
        if (!(node instanceof ScalarNode s) || isNull(s)) {
            error(node, subject, "'" + key + "' must be " + expected + ", got " + shown(node));
            return null;
        }
        return substitute(s, subject, key);
    }

    private String substitute(ScalarNode s, String subject, String key) {
        String raw = s.getValue().trim();
        if (env == null) {
            return raw;
        }
        Matcher m = VARIABLE.matcher(raw);
        StringBuilder sb = new StringBuilder();
        boolean unset = false;
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null || value.isEmpty()) {
                error(s, subject, "'" + key + "' needs environment variable " + m.group(1) + ", which is "
                        + (value == null ? "not set" : "empty") + "; set it before starting, or write the value here");
                unset = true;
                continue;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return unset ? null : sb.toString();
    }

    /** Records a problem at the node's line (line 0 when there is no node). */
    public void error(Node node, String subject, String message) {
        errors.add(new YamlError(name, line(node), subject, message));
    }

    /** True when something has been reported. */
    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** How many errors have been reported so far: compare before and after reading a part to see if it failed. */
    public int errorCount() {
        return errors.size();
    }

    /** The errors so far, in line order (errors on one line keep the order they were found in). */
    public List<YamlError> errors() {
        List<YamlError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(YamlError::line));
        return sorted;
    }

    /** Throws the file's exception, built from every error in line order, when anything was reported. */
    public <E extends Exception> void throwIfInvalid(Function<List<YamlError>, E> exception) throws E {
        if (!errors.isEmpty()) {
            throw exception.apply(errors());
        }
    }

    // ---- nodes

    /** The value under {@code key} as written, without checking or reporting anything; null when absent. */
    public static Node peek(Node map, String key) {
        if (map instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode s && s.getValue().trim().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }

    /** True for a value written as nothing, {@code ~} or {@code null}: an absent value. */
    public static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    /** The 1-based line a node starts on; 0 when unknown. */
    public static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /**
     * A node for an error message: {@code "5 minutes"}, {@code nothing}, {@code a list}, {@code a mapping}, or
     * {@code a value from the environment} (never the value: it may be a secret).
     */
    public static String shown(Node node) {
        if (node == null || isNull(node)) {
            return "nothing";
        }
        if (node instanceof ScalarNode s) {
            return VARIABLE.matcher(s.getValue()).find() ? "a value from the environment" : "\"" + s.getValue() + "\"";
        }
        return node instanceof SequenceNode ? "a list" : "a mapping";
    }
}
