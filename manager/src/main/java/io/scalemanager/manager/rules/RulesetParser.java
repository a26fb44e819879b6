package io.scalemanager.manager.rules;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Bounds;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.time.DurationText;
import io.scalemanager.core.yaml.YamlFile;
import io.scalemanager.core.yaml.YamlMap;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a rules file (see docs/rules.md) into a {@link Ruleset} through core's {@link YamlFile}, so every error
 * names its line and rule; it reports every error it finds, not the first. No {@code ${NAME}} substitution: a
 * ruleset means the same wherever it is validated.
 *
 * <p>A new rule key is: its name in {@link #RULE_KEYS}, a few lines in {@link #rule} reading it from the rule's
 * {@link YamlMap} ({@code keys.text}, {@code keys.duration}, ...) and a field of {@link Rule}.
 */
public final class RulesetParser {
    /** Cooldown of a rule that does not name one. */
    public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(5);
    /** Longest accepted {@code for}: windows keep that much history of every watched type in memory. */
    public static final Duration MAX_FOR = Duration.ofHours(24);

    /** Keys of the file and of a rule, in the order errors list them. */
    static final List<String> TOP_KEYS = List.of("rules", "limits", "budgets", "schedules", "timezone");
    static final List<String> RULE_KEYS = List.of("name", "instances", "when", "for", "ratio", "max_gap", "then",
            "cooldown", "active", "timezone", "dry_run", "enabled", "verify_timeout", "restart", "guard", "rollback");
    static final List<String> BUDGET_KEYS = List.of("instances", "max_actions", "per", "max_concurrent");
    static final List<String> SCHEDULE_KEYS = List.of("name", "instances", "at", "set", "timezone", "catch_up",
            "cooldown", "dry_run");
    /** How late a missed schedule occurrence still runs, unless the schedule says otherwise. */
    public static final Duration DEFAULT_CATCH_UP = Duration.ofMinutes(10);
    /** Time zone of {@code active} and {@code at} when neither the rule nor the file names one. */
    public static final ZoneId DEFAULT_ZONE = ZoneOffset.UTC;
    /** How deep {@code all} / {@code any} may nest: enough for "all of (any of ...)" and one more. */
    static final int MAX_NESTING = 3;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern WHEN = Pattern.compile("([^\\s<>=!]+)\\s*([<>=!]+)\\s*(\\S+)");
    private static final Pattern AGGREGATE = Pattern.compile("([A-Za-z0-9]+)\\((.*)\\)");
    private static final Pattern RATIO = Pattern.compile("(?:0?\\.\\d+|0|1(?:\\.0*)?)");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final Pattern CHANGE = Pattern.compile("([+=-]?)(\\d+(?:\\.\\d+)?)(%?)");
    private static final Pattern WHOLE = Pattern.compile("\\d{1,18}");
    private static final double MAX_CHANGE = 1e12;

    private static final String WHEN_EXPECTED = "TYPE OP NUMBER like \"ram > 80\", AGG(TYPE) OP NUMBER like "
            + "\"p90(cpu) > 80\", or {all: [...]} / {any: [...]} of those";
    private static final String WHEN_FORM = "'when' must be TYPE OP NUMBER like \"ram > 80\"";
    private static final String THEN_EXPECTED =
            "COMPONENT CHANGE like \"ram +1024\", \"cpu -1\", \"storage +10%\", \"cpu =4\", or alert";
    private static final String THEN_FORM = "'then' must be " + THEN_EXPECTED;
    private static final String DURATION = "a duration like 30s, 5m or 2h";

    private final YamlFile file;

    private RulesetParser(YamlFile file) {
        this.file = file;
    }

    /** Parses a rules file; errors name it as given. */
    public static Ruleset parse(Path file) throws IOException, RulesetException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses rules YAML; {@code sourceName} is the file name shown in errors. */
    public static Ruleset parse(String yaml, String sourceName) throws RulesetException {
        RulesetParser parser = new RulesetParser(YamlFile.parse(yaml, sourceName));
        Ruleset ruleset = parser.document();
        parser.file.throwIfInvalid(RulesetException::new);
        return ruleset;
    }

    private Ruleset document() {
        YamlMap top = file.top(TOP_KEYS, "'rules:' and optionally 'limits:' (write 'rules: []' for a ruleset "
                + "that does nothing)");
        if (top == null) {
            return null;
        }
        zone = top.text("timezone", "a time zone like Europe/Berlin or UTC").map(t -> zone(top, t))
                .orElse(DEFAULT_ZONE);
        Map<String, Integer> lineOfName = new HashMap<>();
        List<Rule> rules = rules(top, lineOfName);
        Limits limits = top.has("limits") ? limits(top.get("limits")) : Limits.NONE;
        List<Budget> budgets = budgets(top);
        List<Schedule> schedules = schedules(top, lineOfName);
        return file.hasErrors() ? null : new Ruleset(rules, limits, budgets, schedules);
    }

    private ZoneId zone;

    private ZoneId zone(YamlMap keys, String text) {
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            keys.error("timezone", "'timezone' must be a time zone like Europe/Berlin or UTC, got \"" + text + "\"");
            return DEFAULT_ZONE;
        }
    }

    // ---- budgets

    private List<Budget> budgets(YamlMap top) {
        List<Node> items = top.list("budgets", "a list of budgets like {instances: \"web-*\", max_actions: 10, "
                + "per: 10m, max_concurrent: 3}");
        List<Budget> budgets = new ArrayList<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            YamlMap keys = file.map(items.get(i), "budget #" + (i + 1), BUDGET_KEYS,
                    "instances, max_actions and per, or max_concurrent");
            if (keys == null) {
                continue;
            }
            int before = file.errorCount();
            InstancePattern instances = keys.text("instances", "a glob like \"web-*\"")
                    .map(glob -> pattern(keys, "instances", glob)).orElse(InstancePattern.ANY);
            int maxActions = keys.whole("max_actions", 0, 1, 1_000_000);
            int maxConcurrent = keys.whole("max_concurrent", 0, 1, 1_000_000);
            Duration per = keys.duration("per").orElse(Duration.ZERO);
            if (!keys.has("max_actions") && !keys.has("max_concurrent")) {
                keys.error("a budget needs max_actions (with per) or max_concurrent, or both");
            } else if (keys.has("max_actions") && !keys.has("per")) {
                keys.error("max_actions", "'max_actions' needs 'per', the period it counts, like per: 10m");
            } else if (keys.has("per") && !keys.has("max_actions")) {
                keys.error("per", "'per' is the period of 'max_actions'; give max_actions too");
            } else if (keys.has("per") && per.isZero()) {
                keys.error("per", "'per' must be above zero like 10m");
            }
            if (file.errorCount() == before) {
                budgets.add(new Budget(instances, maxActions, per, maxConcurrent, YamlFile.line(items.get(i))));
            }
        }
        return budgets;
    }

    // ---- schedules

    private List<Schedule> schedules(YamlMap top, Map<String, Integer> lineOfName) {
        List<Node> items = top.list("schedules", "a list of schedules like {name: business-hours, instances: "
                + "\"web-*\", at: \"Mon-Fri 07:30\", set: {cpu: 4}}");
        List<Schedule> schedules = new ArrayList<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            Node node = items.get(i);
            Node nameNode = YamlFile.peek(node, "name");
            String name = nameNode instanceof ScalarNode sn && !YamlFile.isNull(sn) && !sn.getValue().isBlank()
                    ? sn.getValue().trim() : null;
            YamlMap keys = file.map(node, name == null ? "schedule #" + (i + 1) : "schedule '" + name + "'",
                    SCHEDULE_KEYS, "name, at and set");
            if (keys == null) {
                continue;
            }
            int before = file.errorCount();
            if (name == null) {
                keys.error("schedule #" + (i + 1) + " has no 'name'; give every schedule a unique name");
            } else if (!NAME.matcher(name).matches()) {
                keys.error("name", "'name' must be 1-128 characters of A-Z a-z 0-9 . _ -");
            } else {
                Integer first = lineOfName.putIfAbsent(name, YamlFile.line(nameNode));
                if (first != null) {
                    keys.error("name", "duplicate name; a rule or schedule of that name is already on line " + first);
                }
            }
            InstancePattern instances = keys.text("instances", "a glob like \"web-*\"")
                    .map(glob -> pattern(keys, "instances", glob)).orElse(InstancePattern.ANY);
            ZoneId scheduleZone = keys.text("timezone", "a time zone like Europe/Berlin or UTC")
                    .map(t -> zone(keys, t)).orElse(zone);
            WeekTime at = keys.required("at", "DAYS HH:MM like \"Mon-Fri 07:30\"").map(t -> {
                try {
                    return WeekTime.parse(t, scheduleZone);
                } catch (IllegalArgumentException e) {
                    keys.error("at", "'at' " + e.getMessage());
                    return null;
                }
            }).orElse(null);
            Map<Component, Long> set = sizes(keys);
            Duration catchUp = keys.duration("catch_up").orElse(DEFAULT_CATCH_UP);
            Duration cooldown = keys.duration("cooldown").orElse(DEFAULT_COOLDOWN);
            boolean dryRun = keys.flag("dry_run", false);
            if (file.errorCount() == before && at != null && !set.isEmpty()) {
                schedules.add(new Schedule(name, instances, at, set, catchUp, cooldown, YamlFile.line(node), dryRun));
            }
        }
        return schedules;
    }

    private Map<Component, Long> sizes(YamlMap keys) {
        Map<Component, Long> set = new EnumMap<>(Component.class);
        YamlMap sizes = keys.map("set", List.of("cpu", "ram", "storage"), "sizes like {cpu: 4, ram: 8192}");
        if (!keys.has("set")) {
            keys.error("set", "missing 'set' (sizes like {cpu: 4, ram: 8192})");
        } else if (sizes != null) {
            for (String key : sizes.keys()) {
                Component c = Component.parse(key).orElseThrow();
                int size = sizes.whole(key, 0, 1, Integer.MAX_VALUE);
                if (size > 0) {
                    set.put(c, (long) size);
                }
            }
            if (sizes.keys().isEmpty()) {
                keys.error("set", "'set' names no size; write sizes like {cpu: 4, ram: 8192}");
            }
        }
        return set;
    }

    // ---- rules

    private List<Rule> rules(YamlMap top, Map<String, Integer> lineOfName) {
        List<Node> items = top.list("rules", "a list of rules, each starting with '- name: ...'");
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            Rule rule = rule(items.get(i), i + 1, lineOfName);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return rules;
    }

    private Rule rule(Node node, int index, Map<String, Integer> lineOfName) {
        if (!(node instanceof MappingNode)) {
            file.error(node, null, "rule #" + index + " must be a mapping with name, when and then, got "
                    + YamlFile.shown(node));
            return null;
        }
        // The name comes first so that every other error of this rule can carry it.
        Node nameNode = YamlFile.peek(node, "name");
        String name = nameNode instanceof ScalarNode s && !YamlFile.isNull(s) && !s.getValue().isBlank()
                ? s.getValue().trim() : null;
        int before = file.errorCount();
        YamlMap keys = file.map(node, name == null ? "rule #" + index : "rule '" + name + "'", RULE_KEYS,
                "name, when and then");

        if (name == null) {
            file.error(nameNode == null ? node : nameNode, null,
                    "rule #" + index + " has no 'name'; give every rule a unique name");
        } else if (!NAME.matcher(name).matches()) {
            keys.error("name", "'name' must be 1-128 characters of A-Z a-z 0-9 . _ -");
        } else {
            Integer first = lineOfName.putIfAbsent(name, YamlFile.line(nameNode));
            if (first != null) {
                keys.error("name", "duplicate name; a rule of that name is already on line " + first);
            }
        }

        InstancePattern instances = keys.text("instances", "a glob like \"web-*\"")
                .map(glob -> pattern(keys, "instances", glob)).orElse(InstancePattern.ANY);

        When when = null;
        if (!keys.has("when")) {
            keys.error("when", "missing 'when' (" + WHEN_EXPECTED + ")");
        } else {
            when = when(keys.get("when"), keys.subject(), 0);
        }

        Duration forDuration = keys.duration("for").orElse(Duration.ZERO);
        if (forDuration.compareTo(MAX_FOR) > 0) {
            keys.error("for", "'for' may be at most " + DurationText.format(MAX_FOR)
                    + " (windows keep that much history in memory), got " + DurationText.format(forDuration));
        }
        if (when != null && forDuration.isZero()) {
            for (Condition c : when.conditions()) {
                if (c.isAggregate()) {
                    keys.error("when", "'" + c.aggregate().wireName() + "(" + c.type() + ")' summarises the samples"
                            + " of the 'for' window; give the rule a 'for' above 0 like 5m");
                }
            }
        }

        double ratio = keys.text("ratio", "a share of samples like 0.9").map(text -> ratio(keys, text))
                .orElse(Rule.EVERY_SAMPLE);
        if (ratio != Rule.EVERY_SAMPLE && forDuration.isZero()) {
            keys.error("ratio", "'ratio' counts the samples of the 'for' window; give the rule a 'for' above 0"
                    + " like 5m");
        } else if (ratio != Rule.EVERY_SAMPLE && when != null
                && when.conditions().stream().allMatch(Condition::isAggregate)) {
            keys.error("ratio", "'ratio' counts the samples that match a plain condition like \"cpu > 80\"; this "
                    + "rule has only aggregates, which already summarise the samples");
        }

        Duration maxGap = keys.duration("max_gap").orElse(null);
        if (maxGap != null && maxGap.isZero()) {
            keys.error("max_gap", "'max_gap' must be above zero like 2m (the longest silence between two samples "
                    + "that does not break a run)");
        }

        RuleAction then = keys.required("then", THEN_EXPECTED).map(text -> action(keys, text)).orElse(null);

        Duration cooldown = keys.duration("cooldown").orElse(DEFAULT_COOLDOWN);

        ZoneId ruleZone = keys.text("timezone", "a time zone like Europe/Berlin or UTC").map(t -> zone(keys, t))
                .orElse(zone);
        ActiveTimes active = null;
        if (keys.has("active")) {
            active = active(keys, ruleZone);
        } else if (keys.has("timezone")) {
            keys.error("timezone", "'timezone' applies to 'active'; give the rule active times like "
                    + "\"Mon-Fri 08:00-20:00\", or leave timezone out");
        }
        boolean dryRun = keys.flag("dry_run", false);
        boolean enabled = keys.flag("enabled", true);
        ResizeChecks checks = checks(keys, then);

        if (file.errorCount() > before) {
            return null;
        }
        return new Rule(name, instances, when, forDuration, then, cooldown, YamlFile.line(node), ratio, maxGap,
                active).withSwitches(dryRun, enabled).withChecks(checks);
    }

    /** The keys of checked resizes; each means something only for a rule that resizes. */
    private ResizeChecks checks(YamlMap keys, RuleAction then) {
        boolean alert = then instanceof RuleAction.RaiseAlert;
        Duration verifyTimeout = keys.duration("verify_timeout").orElse(null);
        if (verifyTimeout != null && verifyTimeout.isZero()) {
            keys.error("verify_timeout", "'verify_timeout' must be above zero like 5m (how long the instance has to "
                    + "report its new size)");
            verifyTimeout = null;
        }
        RestartPolicy restart = keys.text("restart", "never or allowed").map(text -> RestartPolicy.parse(text)
                .orElseGet(() -> {
                    keys.error("restart", "'restart' must be never or allowed, got \"" + text + "\"");
                    return RestartPolicy.ALLOWED;
                })).orElse(RestartPolicy.ALLOWED);
        boolean guard = keys.flag("guard", true);
        Rollback rollback = keys.has("rollback") ? rollback(keys) : null;
        for (String key : List.of("verify_timeout", "restart", "guard", "rollback")) {
            if (alert && keys.has(key)) {
                keys.error(key, "'" + key + "' checks a resize; this rule only raises an alert, leave it out");
            }
        }
        return new ResizeChecks(verifyTimeout, restart, guard, rollback);
    }

    /** {@code rollback: {when: "ram > 95", within: 10m}}; null after an error. */
    private Rollback rollback(YamlMap keys) {
        String form = "{when: \"ram > 95\", within: 10m}";
        YamlMap r = keys.map("rollback", List.of("when", "within"), form);
        if (r == null) {
            return null;
        }
        When when = null;
        if (!r.has("when")) {
            r.error("when", "'rollback' needs 'when', the condition that undoes the resize, like " + form);
        } else {
            when = when(r.get("when"), keys.subject(), 0);
            if (when != null && when.conditions().stream().anyMatch(Condition::isAggregate)) {
                r.error("when", "'rollback' 'when' is checked on the latest reports; write plain conditions like "
                        + "\"ram > 95\", not aggregates");
                when = null;
            }
        }
        Duration within = r.duration("within").orElse(null);
        if (within == null && !r.has("within")) {
            r.error("within", "'rollback' needs 'within', how long after the resize the condition counts, like "
                    + form);
        } else if (within != null && within.isZero()) {
            r.error("within", "'within' must be above zero like 10m");
            within = null;
        }
        return when == null || within == null ? null : new Rollback(when, within);
    }

    private ActiveTimes active(YamlMap keys, ZoneId ruleZone) {
        String expected = "times like \"Mon-Fri 08:00-20:00\" or a list of them";
        Node node = keys.get("active");
        List<String> texts = new ArrayList<>();
        if (node instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                String t = file.text(item, keys.subject(), "active", expected);
                if (t == null) {
                    return null;
                }
                texts.add(t);
            }
        } else {
            keys.text("active", expected).ifPresent(texts::add);
        }
        if (texts.isEmpty()) {
            if (node instanceof SequenceNode) {
                keys.error("active", "'active' names no times; write " + expected);
            }
            return null;
        }
        try {
            return ActiveTimes.parse(texts, ruleZone);
        } catch (IllegalArgumentException e) {
            keys.error("active", "'active' " + e.getMessage());
            return null;
        }
    }

    private double ratio(YamlMap keys, String text) {
        if (!RATIO.matcher(text).matches() || Double.parseDouble(text) == 0) {
            String hint = text.endsWith("%") ? " (write 0.9 for 90%)" : "";
            keys.error("ratio", "'ratio' must be a share of samples above 0 and at most 1 like 0.9" + hint + ", got \""
                    + text + "\"");
            return Rule.EVERY_SAMPLE;
        }
        return Double.parseDouble(text);
    }

    /** A rule's {@code when} (or a part of one): a condition, or a mapping {@code {all: [...]}} / {@code {any: ...}}. */
    private When when(Node node, String subject, int depth) {
        if (node instanceof ScalarNode && !YamlFile.isNull(node)) {
            String text = file.text(node, subject, "when", WHEN_EXPECTED);
            return text == null ? null : condition(node, subject, text);
        }
        if (!(node instanceof MappingNode map)) {
            file.error(node, subject, "'when' must be " + WHEN_EXPECTED + ", got " + YamlFile.shown(node));
            return null;
        }
        if (map.getValue().size() != 1 || !(map.getValue().get(0).getKeyNode() instanceof ScalarNode key)
                || !(key.getValue().equals("all") || key.getValue().equals("any"))) {
            file.error(node, subject, "a composite 'when' is one key, all or any, with a list of conditions like "
                    + "{all: [cpu > 80, load > 4]}, got a mapping with " + keyList(map));
            return null;
        }
        String kind = key.getValue();
        if (depth >= MAX_NESTING) {
            file.error(node, subject, "'when' nests all/any more than " + MAX_NESTING + " deep; write it flatter");
            return null;
        }
        Node items = map.getValue().get(0).getValueNode();
        List<Node> nodes = file.list(items, subject, "'" + kind + "' must be a list of conditions like [cpu > 80, "
                + "load > 4]");
        if (nodes == null) {
            return null;
        }
        if (nodes.isEmpty()) {
            file.error(items, subject, "'" + kind + "' needs at least one condition like [cpu > 80, load > 4]");
            return null;
        }
        List<When> parts = new ArrayList<>();
        boolean complete = true;
        for (Node item : nodes) {
            When part = when(item, subject, depth + 1);
            complete &= part != null;
            if (part != null) {
                parts.add(part);
            }
        }
        if (!complete) {
            return null;
        }
        return kind.equals("all") ? new When.All(parts) : new When.Any(parts);
    }

    private static String keyList(MappingNode map) {
        List<String> keys = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            keys.add(t.getKeyNode() instanceof ScalarNode s ? "'" + s.getValue() + "'" : YamlFile.shown(t.getKeyNode()));
        }
        return keys.isEmpty() ? "no keys" : String.join(", ", keys);
    }

    private InstancePattern pattern(YamlMap keys, String key, String glob) {
        try {
            return InstancePattern.parse(glob);
        } catch (IllegalArgumentException e) {
            keys.error(key, "'" + key + "' " + e.getMessage());
            return InstancePattern.ANY;
        }
    }

    private Condition condition(Node node, String subject, String text) {
        // Blanks inside the parentheses of an aggregate are allowed: p90( cpu ) is p90(cpu).
        Matcher m = WHEN.matcher(text.replaceAll("\\(\\s+", "(").replaceAll("\\s+\\)", ")"));
        String got = ", got \"" + text + "\"";
        if (!m.matches()) {
            file.error(node, subject, WHEN_FORM + got);
            return null;
        }
        String type = m.group(1);
        Aggregate aggregate = null;
        Matcher agg = AGGREGATE.matcher(type);
        if (agg.matches()) {
            Optional<Aggregate> parsed = Aggregate.parse(agg.group(1));
            if (parsed.isEmpty()) {
                file.error(node, subject, "'when' aggregate must be one of avg, min, max, p50, p90, p95, p99, got \""
                        + agg.group(1) + "\"" + got);
                return null;
            }
            aggregate = parsed.get();
            type = agg.group(2);
        }
        Optional<Operator> op = Operator.parse(m.group(2));
        String number = m.group(3);
        if (op.isEmpty()) {
            file.error(node, subject, WHEN_FORM + " (OP one of > >= < <= == !=)" + got);
            return null;
        }
        if (!NUMBER.matcher(number).matches()) {
            String hint = number.endsWith("%") ? " (write the number without %; ram, cpu and storage are percent)" : "";
            file.error(node, subject, WHEN_FORM + hint + got);
            return null;
        }
        if (!TYPE.matcher(type).matches()) {
            file.error(node, subject, "'when' type must be 1-64 characters of A-Z a-z 0-9 . _ -, got \"" + type
                    + "\"");
            return null;
        }
        double threshold = Double.parseDouble(number);
        if (!Double.isFinite(threshold)) {
            file.error(node, subject, "'when' threshold is out of range" + got);
            return null;
        }
        return new Condition(type, op.get(), threshold, aggregate);
    }

    private RuleAction action(YamlMap keys, String text) {
        if (text.equalsIgnoreCase("alert")) {
            return new RuleAction.RaiseAlert();
        }
        String got = ", got \"" + text + "\"";
        String[] parts = text.split("\\s+", 2);
        if (parts.length < 2) {
            keys.error("then", THEN_FORM + got);
            return null;
        }
        Optional<Component> component = Component.parse(parts[0]);
        if (component.isEmpty()) {
            keys.error("then", "'then' component must be cpu, ram or storage" + got);
            return null;
        }
        Matcher m = CHANGE.matcher(parts[1].replaceAll("\\s+", ""));
        if (!m.matches()) {
            keys.error("then", THEN_FORM + got);
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
            keys.error("then", problem + got);
            return null;
        }
        return new RuleAction.Resize(new Change(component.get(), mode, value));
    }

    // ---- limits

    private Limits limits(Node node) {
        String form = "like {\"web-*\": {cpu: [1, 16], ram: [1024, 65536], storage: [20, 2000]}}";
        if (!(node instanceof MappingNode map)) {
            file.error(node, null, "'limits' must map instance patterns to bounds " + form + ", got "
                    + YamlFile.shown(node));
            return Limits.NONE;
        }
        List<Limits.Entry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            Node keyNode = tuple.getKeyNode();
            String glob = file.text(keyNode, null, "limits", "an instance pattern like \"web-*\"");
            if (glob == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(glob, YamlFile.line(keyNode));
            if (first != null) {
                file.error(keyNode, null, "limits for \"" + glob + "\" are already given on line " + first);
                continue;
            }
            InstancePattern pattern;
            try {
                pattern = InstancePattern.parse(glob);
            } catch (IllegalArgumentException e) {
                file.error(keyNode, null, "limits pattern " + e.getMessage());
                continue;
            }
            Node value = tuple.getValueNode();
            if (!(value instanceof MappingNode bounds) || bounds.getValue().isEmpty()) {
                file.error(value, null, "limits for \"" + glob + "\" must give [min, max] for cpu, ram or storage "
                        + form + ", got " + YamlFile.shown(value));
                continue;
            }
            Map<Component, Bounds> byComponent = new EnumMap<>(Component.class);
            for (NodeTuple b : bounds.getValue()) {
                String key = file.text(b.getKeyNode(), null, "limits", "cpu, ram or storage");
                if (key == null) {
                    continue;
                }
                Optional<Component> component = Component.parse(key);
                if (component.isEmpty() || !component.get().wireName().equals(key)) {
                    file.error(b.getKeyNode(), null, "unknown component '" + key + "' in limits for \"" + glob
                            + "\"; expected cpu, ram or storage");
                } else if (byComponent.containsKey(component.get())) {
                    file.error(b.getKeyNode(), null, "duplicate key '" + key + "' in limits for \"" + glob + "\"");
                } else {
                    Bounds parsed = bounds(b.getValueNode(), glob, component.get());
                    if (parsed != null) {
                        byComponent.put(component.get(), parsed);
                    }
                }
            }
            entries.add(new Limits.Entry(pattern, byComponent));
        }
        return new Limits(entries);
    }

    private Bounds bounds(Node node, String glob, Component component) {
        String where = component + " limits for \"" + glob + "\"";
        String expected = where + " must be [min, max] in " + component.unit()
                + ", whole numbers of at least 1 with min <= max";
        if (!(node instanceof SequenceNode seq) || seq.getValue().size() != 2) {
            file.error(node, null, expected + ", got " + YamlFile.shown(node));
            return null;
        }
        long[] minMax = new long[2];
        for (int i = 0; i < 2; i++) {
            Node n = seq.getValue().get(i);
            String t = n instanceof ScalarNode s ? s.getValue().trim() : null;
            if (t == null || !WHOLE.matcher(t).matches() || Long.parseLong(t) < 1) {
                file.error(n, null, expected + ", got " + YamlFile.shown(n));
                return null;
            }
            minMax[i] = Long.parseLong(t);
        }
        if (minMax[0] > minMax[1]) {
            file.error(node, null, where + ": min " + minMax[0] + " is above max " + minMax[1]);
            return null;
        }
        return new Bounds(minMax[0], minMax[1]);
    }
}
