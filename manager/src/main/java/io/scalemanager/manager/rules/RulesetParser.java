package io.scalemanager.manager.rules;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Bounds;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.time.DurationText;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a rules file (see docs/rules.md) into a {@link Ruleset}. Works on SnakeYAML's node tree rather than on
 * bound objects so that every error can name its line and rule; it reports every error it finds, not the first.
 */
public final class RulesetParser {
    /** Cooldown of a rule that does not name one. */
    public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(5);
    /** Longest accepted {@code for}: windows keep that much history of every watched type in memory. */
    public static final Duration MAX_FOR = Duration.ofHours(24);

    static final Set<String> TOP_KEYS = Set.of("rules", "limits");
    static final Set<String> RULE_KEYS = Set.of("name", "instances", "when", "for", "then", "cooldown");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9._:/@*?-]{1,255}");
    private static final Pattern WHEN = Pattern.compile("([^\\s<>=!]+)\\s*([<>=!]+)\\s*(\\S+)");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final Pattern CHANGE = Pattern.compile("([+=-]?)(\\d+(?:\\.\\d+)?)(%?)");
    private static final Pattern WHOLE = Pattern.compile("\\d{1,18}");
    private static final double MAX_CHANGE = 1e12;

    private static final String WHEN_FORM = "'when' must be TYPE OP NUMBER like \"ram > 80\"";
    private static final String THEN_FORM =
            "'then' must be COMPONENT CHANGE like \"ram +1024\", \"cpu -1\", \"storage +10%\", \"cpu =4\", or alert";

    private final String file;
    private final List<RulesetError> errors = new ArrayList<>();

    private RulesetParser(String file) {
        this.file = file;
    }

    /** Parses a rules file; errors name it as given. */
    public static Ruleset parse(Path file) throws IOException, RulesetException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses rules YAML; {@code sourceName} is the file name shown in errors. */
    public static Ruleset parse(String yaml, String sourceName) throws RulesetException {
        RulesetParser parser = new RulesetParser(sourceName);
        Ruleset ruleset = parser.document(yaml);
        if (!parser.errors.isEmpty()) {
            List<RulesetError> sorted = new ArrayList<>(parser.errors);
            sorted.sort(Comparator.comparingInt(RulesetError::line)); // stable: same-line errors keep their order
            throw new RulesetException(sorted);
        }
        return ruleset;
    }

    private Ruleset document(String yaml) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() == null ? e.getMessage()
                    : e.getContext() == null ? e.getProblem() : e.getContext() + "; " + e.getProblem();
            errors.add(new RulesetError(file, mark == null ? 0 : mark.getLine() + 1, null,
                    "not valid YAML: " + problem));
            return null;
        } catch (YAMLException e) {
            errors.add(new RulesetError(file, 0, null, "not valid YAML: " + e.getMessage()));
            return null;
        }
        if (root == null) {
            errors.add(new RulesetError(file, 1, null,
                    "the file is empty; write 'rules: []' for a ruleset that does nothing"));
            return null;
        }
        if (!(root instanceof MappingNode top)) {
            error(root, null, "the top level must be a mapping with 'rules:' and optionally 'limits:'");
            return null;
        }
        Map<String, Node> keys = keys(top, null, TOP_KEYS, "at the top level");
        List<Rule> rules = keys.containsKey("rules") ? rules(keys.get("rules")) : List.of();
        Limits limits = keys.containsKey("limits") ? limits(keys.get("limits")) : Limits.NONE;
        return errors.isEmpty() ? new Ruleset(rules, limits) : null;
    }

    // ---- rules

    private List<Rule> rules(Node node) {
        if (isNull(node)) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            error(node, null, "'rules' must be a list of rules, each starting with '- name: ...', got " + shown(node));
            return List.of();
        }
        List<Rule> rules = new ArrayList<>();
        Map<String, Integer> lineOfName = new HashMap<>();
        int index = 0;
        for (Node item : seq.getValue()) {
            index++;
            Rule rule = rule(item, index, lineOfName);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return rules;
    }

    private Rule rule(Node node, int index, Map<String, Integer> lineOfName) {
        if (!(node instanceof MappingNode map)) {
            error(node, null, "rule #" + index + " must be a mapping with name, when and then, got " + shown(node));
            return null;
        }
        // The name comes first so that every other error of this rule can carry it.
        Node nameNode = valueOf(map, "name");
        String name = nameNode instanceof ScalarNode s && !isNull(s) && !s.getValue().isBlank()
                ? s.getValue().trim() : null;
        String label = name == null ? "rule #" + index + ": " : "";
        int before = errors.size();

        Map<String, Node> keys = keys(map, name, RULE_KEYS, "in a rule", label);
        if (name == null) {
            error(nameNode == null ? map : nameNode, null,
                    "rule #" + index + " has no 'name'; give every rule a unique name");
        } else if (!NAME.matcher(name).matches()) {
            error(nameNode, name, "'name' must be 1-128 characters of A-Z a-z 0-9 . _ -");
        } else {
            Integer first = lineOfName.putIfAbsent(name, line(nameNode));
            if (first != null) {
                error(nameNode, name, "duplicate name; a rule of that name is already on line " + first);
            }
        }

        InstancePattern instances = InstancePattern.ANY;
        if (keys.containsKey("instances")) {
            String glob = text(keys.get("instances"), name, label, "instances", "a glob like \"web-*\"");
            if (glob != null) {
                if (GLOB.matcher(glob).matches()) {
                    instances = new InstancePattern(glob);
                } else {
                    error(keys.get("instances"), name, label + "'instances' must be a glob of instance-id characters"
                            + " [A-Za-z0-9._:/@-] with * and ?, got \"" + glob + "\"");
                }
            }
        }

        Condition when = null;
        if (keys.containsKey("when")) {
            String text = text(keys.get("when"), name, label, "when", "TYPE OP NUMBER like \"ram > 80\"");
            if (text != null) {
                when = condition(keys.get("when"), name, label, text);
            }
        } else {
            error(map, name, label + "missing 'when' (TYPE OP NUMBER like \"ram > 80\")");
        }

        Duration forDuration = Duration.ZERO;
        if (keys.containsKey("for")) {
            Duration d = duration(keys.get("for"), name, label, "for");
            if (d != null && d.compareTo(MAX_FOR) > 0) {
                error(keys.get("for"), name, label + "'for' may be at most " + DurationText.format(MAX_FOR)
                        + " (windows keep that much history in memory), got " + DurationText.format(d));
            } else if (d != null) {
                forDuration = d;
            }
        }

        RuleAction then = null;
        if (keys.containsKey("then")) {
            String text = text(keys.get("then"), name, label, "then", "like \"ram +1024\" or alert");
            if (text != null) {
                then = action(keys.get("then"), name, label, text);
            }
        } else {
            error(map, name, label + "missing 'then' (like \"ram +1024\", \"cpu -1\", \"storage +10%\", \"cpu =4\""
                    + " or alert)");
        }

        Duration cooldown = DEFAULT_COOLDOWN;
        if (keys.containsKey("cooldown")) {
            Duration d = duration(keys.get("cooldown"), name, label, "cooldown");
            if (d != null) {
                cooldown = d;
            }
        }

        if (errors.size() > before) {
            return null;
        }
        return new Rule(name, instances, when, forDuration, then, cooldown, line(map));
    }

    private Condition condition(Node node, String rule, String label, String text) {
        Matcher m = WHEN.matcher(text);
        String got = ", got \"" + text + "\"";
        if (!m.matches()) {
            error(node, rule, label + WHEN_FORM + got);
            return null;
        }
        String type = m.group(1);
        Optional<Operator> op = Operator.parse(m.group(2));
        String number = m.group(3);
        if (op.isEmpty()) {
            error(node, rule, label + WHEN_FORM + " (OP one of > >= < <= == !=)" + got);
            return null;
        }
        if (!NUMBER.matcher(number).matches()) {
            String hint = number.endsWith("%") ? " (write the number without %; ram, cpu and storage are percent)" : "";
            error(node, rule, label + WHEN_FORM + hint + got);
            return null;
        }
        if (!TYPE.matcher(type).matches()) {
            error(node, rule, label + "'when' type must be 1-64 characters of A-Z a-z 0-9 . _ -, got \"" + type + "\"");
            return null;
        }
        double threshold = Double.parseDouble(number);
        if (!Double.isFinite(threshold)) {
            error(node, rule, label + "'when' threshold is out of range" + got);
            return null;
        }
        return new Condition(type, op.get(), threshold);
    }

    private RuleAction action(Node node, String rule, String label, String text) {
        if (text.equalsIgnoreCase("alert")) {
            return new RuleAction.RaiseAlert();
        }
        String got = ", got \"" + text + "\"";
        String[] parts = text.split("\\s+", 2);
        if (parts.length < 2) {
            error(node, rule, label + THEN_FORM + got);
            return null;
        }
        Optional<Component> component = Component.parse(parts[0]);
        if (component.isEmpty()) {
            error(node, rule, label + "'then' component must be cpu, ram or storage" + got);
            return null;
        }
        Matcher m = CHANGE.matcher(parts[1].replaceAll("\\s+", ""));
        if (!m.matches()) {
            error(node, rule, label + THEN_FORM + got);
            return null;
        }
        String sign = m.group(1);
        double n = Double.parseDouble(m.group(2));
        boolean percent = !m.group(3).isEmpty();
        String unit = component.get().unit();
        String problem = null;
        ChangeMode mode;
        double value = sign.equals("-") ? -n : n;
        if (sign.equals("=")) {
            mode = ChangeMode.ABS;
            if (percent) {
                problem = "'then' =N is an absolute size and takes no %";
            } else if (n != Math.rint(n) || n < 1) {
                problem = "'then' =N must be a whole number of " + unit + ", at least 1";
            }
        } else if (percent) {
            mode = ChangeMode.PERCENT;
            if (n == 0) {
                problem = "'then' changes nothing";
            } else if (value <= -100) {
                problem = "'then' would remove all of " + component.get() + "; a decrease must be below 100%";
            }
        } else if (sign.isEmpty()) {
            mode = ChangeMode.REL;
            problem = "'then' needs +N or -N for a step, =N for an absolute size or N% for a percentage";
        } else {
            mode = ChangeMode.REL;
            if (n != Math.rint(n)) {
                problem = "'then' step must be a whole number of " + unit;
            } else if (n == 0) {
                problem = "'then' changes nothing";
            }
        }
        if (problem == null && n > MAX_CHANGE) {
            problem = "'then' number is too large";
        }
        if (problem != null) {
            error(node, rule, label + problem + got);
            return null;
        }
        return new RuleAction.Resize(new Change(component.get(), mode, value));
    }

    // ---- limits

    private Limits limits(Node node) {
        if (isNull(node)) {
            return Limits.NONE;
        }
        String form = "like {\"web-*\": {cpu: [1, 16], ram: [1024, 65536], storage: [20, 2000]}}";
        if (!(node instanceof MappingNode map)) {
            error(node, null, "'limits' must map instance patterns to bounds " + form + ", got " + shown(node));
            return Limits.NONE;
        }
        List<Limits.Entry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            String glob = keyText(tuple.getKeyNode(), null, "");
            if (glob == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(glob, line(tuple.getKeyNode()));
            if (first != null) {
                error(tuple.getKeyNode(), null, "limits for \"" + glob + "\" are already given on line " + first);
                continue;
            }
            if (!GLOB.matcher(glob).matches()) {
                error(tuple.getKeyNode(), null, "limits pattern must be a glob of instance-id characters"
                        + " [A-Za-z0-9._:/@-] with * and ?, got \"" + glob + "\"");
                continue;
            }
            Node value = tuple.getValueNode();
            if (!(value instanceof MappingNode bounds) || bounds.getValue().isEmpty()) {
                error(value, null, "limits for \"" + glob + "\" must give [min, max] for cpu, ram or storage "
                        + form + ", got " + shown(value));
                continue;
            }
            Map<Component, Bounds> byComponent = new EnumMap<>(Component.class);
            for (NodeTuple b : bounds.getValue()) {
                String key = keyText(b.getKeyNode(), null, "");
                if (key == null) {
                    continue;
                }
                Optional<Component> component = Component.parse(key);
                if (component.isEmpty() || !component.get().wireName().equals(key)) {
                    error(b.getKeyNode(), null, "unknown component '" + key + "' in limits for \"" + glob
                            + "\"; expected cpu, ram or storage");
                } else if (byComponent.containsKey(component.get())) {
                    error(b.getKeyNode(), null, "duplicate key '" + key + "' in limits for \"" + glob + "\"");
                } else {
                    Bounds parsed = bounds(b.getValueNode(), glob, component.get());
                    if (parsed != null) {
                        byComponent.put(component.get(), parsed);
                    }
                }
            }
            entries.add(new Limits.Entry(new InstancePattern(glob), byComponent));
        }
        return new Limits(entries);
    }

    private Bounds bounds(Node node, String glob, Component component) {
        String where = component + " limits for \"" + glob + "\"";
        String expected = where + " must be [min, max] in " + component.unit()
                + ", whole numbers of at least 1 with min <= max";
        if (!(node instanceof SequenceNode seq) || seq.getValue().size() != 2) {
            error(node, null, expected + ", got " + shown(node));
            return null;
        }
        long[] minMax = new long[2];
        for (int i = 0; i < 2; i++) {
            Node n = seq.getValue().get(i);
            String t = n instanceof ScalarNode s ? s.getValue().trim() : null;
            if (t == null || !WHOLE.matcher(t).matches() || Long.parseLong(t) < 1) {
                error(n, null, expected + ", got " + shown(n));
                return null;
            }
            minMax[i] = Long.parseLong(t);
        }
        if (minMax[0] > minMax[1]) {
            error(node, null, where + ": min " + minMax[0] + " is above max " + minMax[1]);
            return null;
        }
        return new Bounds(minMax[0], minMax[1]);
    }

    // ---- helpers

    private Map<String, Node> keys(MappingNode map, String rule, Set<String> allowed, String where) {
        return keys(map, rule, allowed, where, "");
    }

    /** The mapping's keys in file order; reports keys that are unknown, repeated or not plain words. */
    private Map<String, Node> keys(MappingNode map, String rule, Set<String> allowed, String where, String label) {
        Map<String, Node> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            String key = keyText(tuple.getKeyNode(), rule, label);
            if (key == null) {
                continue;
            }
            if (Tag.MERGE.equals(tuple.getKeyNode().getTag())) {
                error(tuple.getKeyNode(), rule, label + "merge keys (<<) are not supported; write the keys out");
            } else if (!allowed.contains(key)) {
                error(tuple.getKeyNode(), rule, label + "unknown key '" + key + "' " + where + "; expected one of "
                        + String.join(", ", allowed.stream().sorted(keyOrder()).toList()));
            } else if (keys.containsKey(key)) {
                error(tuple.getKeyNode(), rule, label + "duplicate key '" + key + "'; it is already on line "
                        + line(keys.get(key)));
            } else {
                keys.put(key, tuple.getValueNode());
            }
        }
        return keys;
    }

    private static Comparator<String> keyOrder() {
        List<String> order = List.of("name", "instances", "when", "for", "then", "cooldown", "rules", "limits");
        return Comparator.comparingInt(order::indexOf);
    }

    private String keyText(Node key, String rule, String label) {
        if (key instanceof ScalarNode s && !s.getValue().isBlank()) {
            return s.getValue().trim();
        }
        error(key, rule, label + "keys must be plain words, got " + shown(key));
        return null;
    }

    /** The first value under {@code key}, without reporting anything. */
    private static Node valueOf(MappingNode map, String key) {
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode s && s.getValue().trim().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private String text(Node node, String rule, String label, String key, String expected) {
        if (node instanceof ScalarNode s && !isNull(s) && !s.getValue().isBlank()) {
            return s.getValue().trim();
        }
        error(node, rule, label + "'" + key + "' must be " + expected + ", got " + shown(node));
        return null;
    }

    private Duration duration(Node node, String rule, String label, String key) {
        String text = text(node, rule, label, key, "a duration like 30s, 5m or 2h");
        if (text == null) {
            return null;
        }
        try {
            return DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            error(node, rule, label + "'" + key + "' must be a duration like 30s, 5m or 2h, got \"" + text + "\"");
            return null;
        }
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static String shown(Node node) {
        if (node == null || isNull(node)) {
            return "nothing";
        }
        if (node instanceof ScalarNode s) {
            return "\"" + s.getValue() + "\"";
        }
        return node instanceof SequenceNode ? "a list" : "a mapping";
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private void error(Node node, String rule, String message) {
        errors.add(new RulesetError(file, node == null ? 0 : line(node), rule, message));
    }
}
