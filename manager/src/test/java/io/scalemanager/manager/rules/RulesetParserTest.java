package io.scalemanager.manager.rules;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Bounds;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.yaml.YamlError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class RulesetParserTest {

    private static Ruleset parse(String yaml) throws RulesetException {
        return RulesetParser.parse(yaml, "rules.yaml");
    }

    private static RulesetException failure(String yaml) {
        return catchThrowableOfType(RulesetException.class, () -> parse(yaml));
    }

    private static Path example() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("config/rules.example.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("config/rules.example.yaml above the working directory").isNotNull();
        return dir.resolve("config/rules.example.yaml");
    }

    @Test
    void dryRunAndEnabledAreReadAndCheckedAsTrueOrFalse() throws Exception {
        Ruleset ok = RulesetParser.parse("""
                rules:
                  - name: cpu-up
                    when: load > 4
                    then: cpu +1
                    dry_run: true
                  - name: cpu-down
                    when: load < 1
                    then: cpu -1
                    enabled: false
                """, "rules.yaml");
        assertThat(ok.rule("cpu-up").orElseThrow().dryRun()).isTrue();
        assertThat(ok.rule("cpu-up").orElseThrow().enabled()).isTrue();
        assertThat(ok.rule("cpu-down").orElseThrow().dryRun()).isFalse();
        assertThat(ok.rule("cpu-down").orElseThrow().enabled()).isFalse();

        assertThatThrownBy(() -> RulesetParser.parse("""
                rules:
                  - name: cpu-up
                    when: load > 4
                    then: cpu +1
                    dry_run: yes please
                """, "rules.yaml")).isInstanceOf(RulesetException.class)
                .hasMessageContaining("rules.yaml:5: rule 'cpu-up': 'dry_run' must be true or false, got \"yes please\"");
    }

    @Test
    void aScheduleMayRunDryAndItsDryRunIsCheckedAsTrueOrFalseWithItsLine() throws Exception {
        Ruleset ok = RulesetParser.parse("""
                schedules:
                  - {name: morning, at: "07:30", set: {cpu: 4}, dry_run: true}
                  - {name: night, at: "21:00", set: {cpu: 2}}
                """, "rules.yaml");
        assertThat(ok.schedules().get(0).dryRun()).isTrue();
        assertThat(ok.schedules().get(1).dryRun()).isFalse();

        assertThatThrownBy(() -> RulesetParser.parse("""
                schedules:
                  - name: morning
                    at: "07:30"
                    set: {cpu: 4}
                    dry_run: maybe
                """, "rules.yaml")).isInstanceOf(RulesetException.class)
                .hasMessageContaining("rules.yaml:5: schedule 'morning': 'dry_run' must be true or false, got \"maybe\"");
    }

    @Test
    void checkedResizeKeysAreReadAndCheckedWithRuleAndLine() throws Exception {
        Ruleset ok = parse("""
                rules:
                  - name: ram-up
                    when: ram > 80
                    then: ram +1024
                    verify_timeout: 15m
                    restart: never
                    guard: false
                  - name: cpu-up
                    when: load > 4
                    then: cpu +1
                """);
        assertThat(ok.rule("ram-up").orElseThrow().checks())
                .isEqualTo(new ResizeChecks(Duration.ofMinutes(15), RestartPolicy.NEVER, false));
        assertThat(ok.rule("cpu-up").orElseThrow().checks()).isEqualTo(ResizeChecks.DEFAULT);
        assertThat(ok.rule("cpu-up").orElseThrow().checks().verifyTimeoutOr(Duration.ofMinutes(5)))
                .isEqualTo(Duration.ofMinutes(5));

        RulesetException e = failure("""
                rules:
                  - name: ram-up
                    when: ram > 80
                    then: ram +1024
                    verify_timeout: soon
                    restart: sometimes
                  - name: load-alert
                    when: load > 8
                    then: alert
                    verify_timeout: 0s
                """);
        assertThat(e.errors()).extracting(YamlError::toString).containsExactly(
                "rules.yaml:5: rule 'ram-up': 'verify_timeout' must be a duration like 30s, 5m or 2h, got \"soon\"",
                "rules.yaml:6: rule 'ram-up': 'restart' must be never or allowed, got \"sometimes\"",
                "rules.yaml:10: rule 'load-alert': 'verify_timeout' must be above zero like 5m (how long the "
                        + "instance has to report its new size)",
                "rules.yaml:10: rule 'load-alert': 'verify_timeout' checks a resize; this rule only raises an "
                        + "alert, leave it out");
    }

    @Test
    void rollbackIsReadAndItsErrorsNameRuleAndLine() throws Exception {
        Ruleset ok = parse("""
                rules:
                  - name: ram-down
                    when: ram < 30
                    then: ram -1024
                    rollback: {when: "ram > 95", within: 10m}
                """);
        Rollback rollback = ok.rule("ram-down").orElseThrow().checks().rollback();
        assertThat(rollback.within()).isEqualTo(Duration.ofMinutes(10));
        assertThat(rollback.describe()).isEqualTo("ram > 95 within 10m");
        assertThat(rollback.holds(Map.of("ram", 96.0))).isTrue();
        assertThat(rollback.holds(Map.of("ram", 95.0))).isFalse();
        assertThat(rollback.holds(Map.of("cpu", 99.0))).isFalse();

        RulesetException e = failure("""
                rules:
                  - name: ram-down
                    when: ram < 30
                    then: ram -1024
                    rollback: {when: "p99(ram) > 95", within: 0s}
                  - name: cpu-down
                    when: cpu < 10
                    then: cpu -1
                    rollback:
                      when: cpu > 90
                """);
        assertThat(e.errors()).extracting(YamlError::line, YamlError::message).containsExactly(
                tuple(5, "'rollback' 'when' is checked on the latest reports; write plain conditions like "
                        + "\"ram > 95\", not aggregates"),
                tuple(5, "'within' must be above zero like 10m"),
                tuple(10, "'rollback' needs 'within', how long after the resize the condition counts, like "
                        + "{when: \"ram > 95\", within: 10m}"));
    }

    @Test
    void exampleFileParses() throws Exception {
        Ruleset ruleset = RulesetParser.parse(example());

        assertThat(ruleset.rules()).extracting(Rule::name)
                .containsExactly("ram-up", "cpu-up", "cpu-busy", "cpu-down", "load-alert", "ram-down");
        Rule ramUp = ruleset.rule("ram-up").orElseThrow();
        assertThat(ramUp.when()).isEqualTo(new Condition("ram", Operator.GT, 80));
        assertThat(ramUp.forDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(ramUp.then()).isEqualTo(new RuleAction.Resize(new Change(Component.RAM, ChangeMode.REL, 1024)));
        assertThat(ramUp.cooldown()).isEqualTo(Duration.ofMinutes(10));
        assertThat(ruleset.rule("load-alert").orElseThrow().isAlert()).isTrue();
        assertThat(ruleset.limits().boundsFor("web-1", Component.RAM)).isEqualTo(new Bounds(1024, 65536));
    }

    @Test
    void contractExampleParsesWithDefaults() throws Exception {
        Ruleset ruleset = parse("""
                rules:
                  - name: ram-up                # unique
                    instances: "web-*"
                    when: ram > 80
                    for: 5m
                    then: ram +1024
                    cooldown: 10m
                  - name: load-alert
                    when: load > 8
                    for: 10m
                    then: alert
                  - name: quick
                    when: cpu>=95.5
                    then: cpu =4
                limits: {"web-*": {cpu: [1, 16], ram: [1024, 65536], storage: [20, 2000]}}
                """);

        Rule ramUp = ruleset.rules().get(0);
        assertThat(ramUp.instances()).isEqualTo(InstancePattern.parse("web-*"));
        assertThat(ramUp.line()).isEqualTo(2);
        Rule alert = ruleset.rules().get(1);
        assertThat(alert.instances()).isEqualTo(InstancePattern.ANY);
        assertThat(alert.cooldown()).isEqualTo(RulesetParser.DEFAULT_COOLDOWN);
        assertThat(alert.component()).isEmpty();
        Rule quick = ruleset.rules().get(2);
        assertThat(quick.forDuration()).isZero();
        assertThat(quick.when()).isEqualTo(new Condition("cpu", Operator.GE, 95.5));
        assertThat(quick.describe()).isEqualTo("quick: cpu >= 95.5 -> cpu =4");
        assertThat(ruleset.limits().boundsFor("web-1", Component.CPU)).isEqualTo(new Bounds(1, 16));
        assertThat(ruleset.limits().boundsFor("db-1", Component.CPU)).isEqualTo(Bounds.defaultFor(Component.CPU));
    }

    @ParameterizedTest(name = "then: {0}")
    @CsvSource(delimiter = '|', value = {
            "ram +1024   | RAM     | REL     | 1024",
            "cpu -1      | CPU     | REL     | -1",
            "storage 10% | STORAGE | PERCENT | 10",
            "ram +12.5%  | RAM     | PERCENT | 12.5",
            "cpu -50%    | CPU     | PERCENT | -50",
            "cpu =4      | CPU     | ABS     | 4",
            "cpu + 2     | CPU     | REL     | 2",
    })
    void thenGrammarReadsEveryForm(String then, Component component, ChangeMode mode, double value)
            throws Exception {
        Ruleset ruleset = parse("rules:\n  - {name: r, when: cpu > 1, then: \"" + then + "\"}\n");

        assertThat(ruleset.rules().get(0).then()).isEqualTo(new RuleAction.Resize(new Change(component, mode, value)));
    }

    @ParameterizedTest(name = "when: {0}")
    @CsvSource(delimiter = '|', value = {
            "ram > 80     | ram      | GT | 80",
            "ram >= 80    | ram      | GE | 80",
            "load < 0.5   | load     | LT | 0.5",
            "temp <= -3   | temp     | LE | -3",
            "cpus == 2    | cpus     | EQ | 2",
            "x.y_z-1!=1e3 | x.y_z-1  | NE | 1000",
    })
    void whenGrammarReadsEveryOperator(String when, String type, Operator op, double threshold) throws Exception {
        Ruleset ruleset = parse("rules:\n  - {name: r, when: \"" + when + "\", then: alert}\n");

        assertThat(ruleset.rules().get(0).when()).isEqualTo(new Condition(type, op, threshold));
    }

    @Test
    void aggregatesRatioMaxGapAndCompositeConditionsAreRead() throws Exception {
        Ruleset ruleset = parse("""
                rules:
                  - name: cpu-p90
                    when: p90( cpu ) >= 80.5
                    for: 5m
                    then: cpu +1
                  - name: cpu-ratio
                    when: cpu > 80
                    for: 10m
                    ratio: 0.9
                    max_gap: 5m
                    then: cpu +1
                  - name: busy
                    when: {all: [cpu > 80, {any: [load > 4, avg(load5) > 3]}]}
                    for: 2m
                    then: cpu +1
                """);

        Rule p90 = ruleset.rules().get(0);
        assertThat(p90.when()).isEqualTo(new Condition("cpu", Operator.GE, 80.5, Aggregate.P90));
        assertThat(p90.ratio()).isEqualTo(Rule.EVERY_SAMPLE);
        assertThat(p90.maxGap()).isNull();
        Rule ratio = ruleset.rules().get(1);
        assertThat(ratio.ratio()).isEqualTo(0.9);
        assertThat(ratio.maxGap()).isEqualTo(Duration.ofMinutes(5));
        assertThat(ruleset.rules().get(2).when()).isEqualTo(new When.All(List.of(
                new Condition("cpu", Operator.GT, 80),
                new When.Any(List.of(new Condition("load", Operator.GT, 4),
                        new Condition("load5", Operator.GT, 3, Aggregate.AVG))))));
        assertThat(ruleset.rulesFor("web-1", "load5")).extracting(Rule::name).containsExactly("busy");
        assertThat(ruleset.longestFor("load")).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void budgetsSchedulesAndActiveTimesAreRead() throws Exception {
        Ruleset ruleset = parse("""
                timezone: Europe/Berlin
                rules:
                  - name: cpu-down
                    when: cpu < 10
                    for: 30m
                    then: cpu -1
                    active: ["Mon-Fri 22:00-06:00", "Sat,Sun 00:00-24:00"]
                  - name: cpu-up
                    when: cpu > 90
                    then: cpu +1
                    active: "Mon-Fri 08:00-20:00"
                    timezone: America/New_York
                budgets:
                  - {instances: "web-*", max_actions: 10, per: 10m, max_concurrent: 3}
                  - {max_concurrent: 20}
                schedules:
                  - name: business-hours
                    instances: "web-*"
                    at: "Mon-Fri 07:30"
                    set: {cpu: 4, ram: 8192}
                  - {name: night, at: "daily 21:00", set: {cpu: 2}, timezone: UTC, catch_up: 30m, cooldown: 1h}
                """);

        Rule down = ruleset.rules().get(0);
        // Friday 2026-03-06 23:00 in Berlin is 22:00 UTC: inside the first range; Monday 10:00 is outside both.
        assertThat(down.activeAt(Instant.parse("2026-03-06T22:00:00Z").toEpochMilli())).isTrue();
        assertThat(down.activeAt(Instant.parse("2026-03-07T04:59:00Z").toEpochMilli())).isTrue();
        assertThat(down.activeAt(Instant.parse("2026-03-09T09:00:00Z").toEpochMilli())).isFalse();
        Rule up = ruleset.rules().get(1);
        assertThat(up.active().zone()).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(up.activeAt(Instant.parse("2026-03-09T14:00:00Z").toEpochMilli())).isTrue(); // 10:00 EDT
        assertThat(ruleset.budgets()).containsExactly(
                new Budget(InstancePattern.parse("web-*"), 10, Duration.ofMinutes(10), 3, 14),
                new Budget(InstancePattern.ANY, 0, Duration.ZERO, 20, 15));
        assertThat(ruleset.budgetsFor("db-1")).extracting(Budget::maxConcurrent).containsExactly(20);
        Schedule business = ruleset.schedules().get(0);
        assertThat(business.at()).isEqualTo(WeekTime.parse("Mon-Fri 07:30", ZoneId.of("Europe/Berlin")));
        assertThat(business.set()).isEqualTo(Map.of(Component.CPU, 4L, Component.RAM, 8192L));
        assertThat(business.catchUp()).isEqualTo(RulesetParser.DEFAULT_CATCH_UP);
        Schedule night = ruleset.schedules().get(1);
        assertThat(night.at().zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(night.catchUp()).isEqualTo(Duration.ofMinutes(30));
        assertThat(night.cooldown()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void emptyRulesListIsAValidRulesetThatDoesNothing() throws Exception {
        assertThat(parse("rules: []\n").rules()).isEmpty();
        assertThat(parse("rules:\n").isEmpty()).isTrue();
        assertThat(parse("limits: {\"*\": {cpu: [1, 4]}}\n").rules()).isEmpty();
    }

    static Stream<Arguments> brokenRulesets() {
        String head = "rules:\n  - name: ok\n    when: ram > 80\n    then: ram +1024\n";
        return Stream.of(
                arguments("bad operator", head + """
                          - name: ram-up
                            when: ram >> 80
                            then: ram +1024
                        """, 6, "ram-up",
                        "'when' must be TYPE OP NUMBER like \"ram > 80\" (OP one of > >= < <= == !=), got \"ram >> 80\""),
                arguments("when without number", head + """
                          - name: ram-up
                            when: ram > lots
                            then: ram +1024
                        """, 6, "ram-up", "'when' must be TYPE OP NUMBER like \"ram > 80\", got \"ram > lots\""),
                arguments("when with percent", head + """
                          - name: ram-up
                            when: ram > 80%
                            then: ram +1024
                        """, 6, "ram-up", "without %"),
                arguments("bad type characters", head + """
                          - name: ram-up
                            when: "r$m > 80"
                            then: ram +1024
                        """, 6, "ram-up", "'when' type must be 1-64 characters"),
                arguments("when is a list", head + """
                          - name: ram-up
                            when: [ram, 80]
                            then: ram +1024
                        """, 6, "ram-up", "or {all: [...]} / {any: [...]} of those, got a list"),
                arguments("missing when", head + """
                          - name: ram-up
                            for: 5m
                            then: ram +1024
                        """, 5, "ram-up", "missing 'when'"),
                arguments("missing then", head + """
                          - name: ram-up
                            when: ram > 80
                        """, 5, "ram-up", "missing 'then'"),
                arguments("unknown component", head + """
                          - name: disk-up
                            when: storage > 80
                            then: disk +10
                        """, 7, "disk-up", "'then' component must be cpu, ram or storage, got \"disk +10\""),
                arguments("bare number", head + """
                          - name: ram-up
                            when: ram > 80
                            then: ram 1024
                        """, 7, "ram-up", "needs +N or -N"),
                arguments("then without change", head + """
                          - name: ram-up
                            when: ram > 80
                            then: ram
                        """, 7, "ram-up", "'then' must be COMPONENT CHANGE"),
                arguments("fractional step", head + """
                          - name: cpu-up
                            when: load > 4
                            then: cpu +0.5
                        """, 7, "cpu-up", "whole number of cores"),
                arguments("zero step", head + """
                          - name: cpu-up
                            when: load > 4
                            then: cpu +0
                        """, 7, "cpu-up", "changes nothing"),
                arguments("absolute zero", head + """
                          - name: cpu-set
                            when: load > 4
                            then: cpu =0
                        """, 7, "cpu-set", "at least 1"),
                arguments("absolute percent", head + """
                          - name: cpu-set
                            when: load > 4
                            then: cpu =50%
                        """, 7, "cpu-set", "takes no %"),
                arguments("decrease of 100%", head + """
                          - name: cpu-down
                            when: load < 1
                            then: cpu -100%
                        """, 7, "cpu-down", "below 100%"),
                arguments("bad for", head + """
                          - name: ram-up
                            when: ram > 80
                            for: 5 minutes
                            then: ram +1024
                        """, 7, "ram-up", "'for' must be a duration like 30s, 5m or 2h, got \"5 minutes\""),
                arguments("bare number for", head + """
                          - name: ram-up
                            when: ram > 80
                            for: 300
                            then: ram +1024
                        """, 7, "ram-up", "got \"300\""),
                arguments("for too long", head + """
                          - name: ram-up
                            when: ram > 80
                            for: 25h
                            then: ram +1024
                        """, 7, "ram-up", "'for' may be at most 24h"),
                arguments("bad cooldown", head + """
                          - name: ram-up
                            when: ram > 80
                            then: ram +1024
                            cooldown: soon
                        """, 8, "ram-up", "'cooldown' must be a duration"),
                arguments("bad glob", head + """
                          - name: ram-up
                            instances: "web-[12]"
                            when: ram > 80
                            then: ram +1024
                        """, 6, "ram-up", "'instances' must be a glob"),
                arguments("unknown key in a rule", head + """
                          - name: ram-up
                            when: ram > 80
                            then: ram +1024
                            cooldwn: 5m
                        """, 8, "ram-up", "unknown key 'cooldwn'; expected one of name, instances, when, "
                                + "for, ratio, max_gap, then, cooldown, active, timezone, dry_run, enabled"),
                arguments("unknown aggregate", head + """
                          - name: cpu-up
                            when: p42(cpu) > 80
                            for: 5m
                            then: cpu +1
                        """, 6, "cpu-up", "'when' aggregate must be one of avg, min, max, p50, p90, p95, p99, "
                                + "got \"p42\""),
                arguments("aggregate without for", head + """
                          - name: cpu-up
                            when: p90(cpu) > 80
                            then: cpu +1
                        """, 6, "cpu-up", "'p90(cpu)' summarises the samples of the 'for' window; give the rule a "
                                + "'for' above 0"),
                arguments("ratio in percent", head + """
                          - name: cpu-up
                            when: cpu > 80
                            for: 5m
                            ratio: 90%
                            then: cpu +1
                        """, 8, "cpu-up", "'ratio' must be a share of samples above 0 and at most 1 like 0.9 "
                                + "(write 0.9 for 90%), got \"90%\""),
                arguments("ratio above 1", head + """
                          - name: cpu-up
                            when: cpu > 80
                            for: 5m
                            ratio: 1.5
                            then: cpu +1
                        """, 8, "cpu-up", "'ratio' must be a share of samples above 0 and at most 1"),
                arguments("ratio zero", head + """
                          - name: cpu-up
                            when: cpu > 80
                            for: 5m
                            ratio: 0
                            then: cpu +1
                        """, 8, "cpu-up", "'ratio' must be a share of samples above 0"),
                arguments("ratio without for", head + """
                          - name: cpu-up
                            when: cpu > 80
                            ratio: 0.9
                            then: cpu +1
                        """, 7, "cpu-up", "'ratio' counts the samples of the 'for' window"),
                arguments("ratio of aggregates only", head + """
                          - name: cpu-up
                            when: avg(cpu) > 80
                            for: 5m
                            ratio: 0.9
                            then: cpu +1
                        """, 8, "cpu-up", "this rule has only aggregates"),
                arguments("max_gap zero", head + """
                          - name: cpu-up
                            when: cpu > 80
                            for: 5m
                            max_gap: 0
                            then: cpu +1
                        """, 8, "cpu-up", "'max_gap' must be above zero"),
                arguments("max_gap not a duration", head + """
                          - name: cpu-up
                            when: cpu > 80
                            for: 5m
                            max_gap: long
                            then: cpu +1
                        """, 8, "cpu-up", "'max_gap' must be a duration like 30s, 5m or 2h"),
                arguments("composite with another key", head + """
                          - name: cpu-up
                            when: {every: [cpu > 80, load > 4]}
                            then: cpu +1
                        """, 6, "cpu-up", "a composite 'when' is one key, all or any, with a list of conditions "
                                + "like {all: [cpu > 80, load > 4]}, got a mapping with 'every'"),
                arguments("composite of nothing", head + """
                          - name: cpu-up
                            when: {all: []}
                            then: cpu +1
                        """, 6, "cpu-up", "'all' needs at least one condition"),
                arguments("composite not a list", head + """
                          - name: cpu-up
                            when: {any: cpu > 80}
                            then: cpu +1
                        """, 6, "cpu-up", "'any' must be a list of conditions like [cpu > 80, load > 4]"),
                arguments("bad condition inside a composite, on its own line", head + """
                          - name: cpu-up
                            when:
                              all:
                                - cpu > 80
                                - load >> 4
                            then: cpu +1
                        """, 9, "cpu-up", "'when' must be TYPE OP NUMBER like \"ram > 80\" (OP one of > >= < <= == !=),"
                                + " got \"load >> 4\""),
                arguments("composite nested too deep", head + """
                          - name: cpu-up
                            when: {all: [{any: [{all: [{any: [cpu > 80]}]}]}]}
                            then: cpu +1
                        """, 6, "cpu-up", "'when' nests all/any more than 3 deep"),
                arguments("bad active", head + """
                          - name: cpu-down
                            when: cpu < 10
                            then: cpu -1
                            active: "Mon-Fry 22:00-06:00"
                        """, 8, "cpu-down", "'active' expected days like Mon-Fri, Sat,Sun or daily, got \"Mon-Fry\""),
                arguments("active without a range", head + """
                          - name: cpu-down
                            when: cpu < 10
                            then: cpu -1
                            active: ["Sat,Sun 08:00"]
                        """, 8, "cpu-down", "'active' expected DAYS HH:MM-HH:MM like \"Mon-Fri 08:00-20:00\""),
                arguments("bad rule timezone", head + """
                          - name: cpu-down
                            when: cpu < 10
                            then: cpu -1
                            active: "Mon-Fri 08:00-20:00"
                            timezone: Mars/Olympus
                        """, 9, "cpu-down", "'timezone' must be a time zone like Europe/Berlin or UTC, got "
                                + "\"Mars/Olympus\""),
                arguments("timezone without active", head + """
                          - name: cpu-down
                            when: cpu < 10
                            then: cpu -1
                            timezone: UTC
                        """, 8, "cpu-down", "'timezone' applies to 'active'"),
                arguments("budget without a bound", head + """
                        budgets:
                          - instances: "web-*"
                        """, 6, "budget #1", "a budget needs max_actions (with per) or max_concurrent"),
                arguments("budget max_actions without per", head + """
                        budgets:
                          - instances: "web-*"
                            max_actions: 10
                        """, 7, "budget #1", "'max_actions' needs 'per'"),
                arguments("budget with a bad number", head + """
                        budgets:
                          - {max_concurrent: lots}
                        """, 6, "budget #1", "'max_concurrent' must be a whole number from 1 to 1000000"),
                arguments("unknown key in a budget", head + """
                        budgets:
                          - {max_concurrent: 3, maximum: 4}
                        """, 6, "budget #1", "unknown key 'maximum'"),
                arguments("schedule with a bad at", head + """
                        schedules:
                          - name: business-hours
                            at: "Mon-Fri 7h30"
                            set: {cpu: 4}
                        """, 7, "schedule 'business-hours'", "'at' expected a time like 07:30, got \"7h30\""),
                arguments("schedule without set", head + """
                        schedules:
                          - name: business-hours
                            at: "Mon-Fri 07:30"
                        """, 6, "schedule 'business-hours'", "missing 'set'"),
                arguments("schedule setting a disk", head + """
                        schedules:
                          - name: business-hours
                            at: "Mon-Fri 07:30"
                            set: {cpu: 4, disk: 10}
                        """, 8, "schedule 'business-hours'.set", "unknown key 'disk'"),
                arguments("schedule named like a rule", head + """
                        schedules:
                          - name: ok
                            at: "07:30"
                            set: {cpu: 4}
                        """, 6, "schedule 'ok'", "duplicate name; a rule or schedule of that name is already on "
                                + "line 2"),
                arguments("bad top-level timezone", head + """
                        timezone: Berlin
                        """, 5, null, "'timezone' must be a time zone like Europe/Berlin or UTC, got \"Berlin\""),
                arguments("repeated key in a rule", head + """
                          - name: ram-up
                            when: ram > 80
                            when: ram > 90
                            then: ram +1024
                        """, 7, "ram-up", "duplicate key 'when'; it is already on line 6"),
                arguments("duplicate rule name", head + """
                          - name: ok
                            when: ram > 90
                            then: alert
                        """, 5, "ok", "duplicate name; a rule of that name is already on line 2"),
                arguments("bad name", head + """
                          - name: ram up!
                            when: ram > 90
                            then: alert
                        """, 5, "ram up!", "'name' must be 1-128 characters"),
                arguments("unknown top-level key", head + """
                        limit:
                          "*": {cpu: [1, 16]}
                        """, 5, null, "unknown key 'limit' at the top level; expected one of rules, limits, budgets, "
                                + "schedules, timezone"),
                arguments("rule that is not a mapping", head + """
                          - ram > 80
                        """, 5, null, "rule #2 must be a mapping"),
                arguments("rules not a list", """
                        rules:
                          name: x
                        """, 2, null, "'rules' must be a list of rules"),
                arguments("top level not a mapping", """
                        - name: x
                        """, 1, null, "the top level must be a mapping"),
                arguments("broken YAML", head + """
                          - name: ram-up
                            when: ram > 80
                           then: ram +1024
                        """, 7, null, "not valid YAML"),
                arguments("empty file", "", 1, null, "the file is empty"),
                arguments("two documents", "rules: []\n---\nrules: []\n", 2, null,
                        "expected a single document in the stream; but found another document"),
                arguments("limits min above max", head + """
                        limits:
                          "web-*": {cpu: [16, 1]}
                        """, 6, null, "cpu limits for \"web-*\": min 16 is above max 1"),
                arguments("limits zero", head + """
                        limits:
                          "web-*":
                            ram: [0, 1024]
                        """, 7, null, "ram limits for \"web-*\" must be [min, max] in MiB, whole numbers of at least 1"
                                + " with min <= max, got \"0\""),
                arguments("limits not a pair", head + """
                        limits:
                          "web-*":
                            storage: [20]
                        """, 7, null, "storage limits for \"web-*\" must be [min, max] in GiB"),
                arguments("limits fraction", head + """
                        limits:
                          "*": {cpu: [1, 2.5]}
                        """, 6, null, "got \"2.5\""),
                arguments("limits unknown component", head + """
                        limits:
                          "*":
                            cpu: [1, 4]
                            disk: [1, 4]
                        """, 8, null, "unknown component 'disk' in limits for \"*\""),
                arguments("limits repeated pattern", head + """
                        limits:
                          "*": {cpu: [1, 4]}
                          "*": {cpu: [1, 8]}
                        """, 7, null, "limits for \"*\" are already given on line 6"),
                arguments("limits without bounds", head + """
                        limits:
                          "*": 16
                        """, 6, null, "limits for \"*\" must give [min, max]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRulesets")
    void brokenRulesetNamesTheRuleAndTheLine(String title, String yaml, int line, String rule, String message) {
        RulesetException e = failure(yaml);

        assertThat(e).as("%s should be rejected", title).isNotNull();
        assertThat(e.errors()).hasSize(1);
        YamlError error = e.errors().get(0);
        assertThat(error.file()).isEqualTo("rules.yaml");
        assertThat(error.line()).as("line of: %s", error).isEqualTo(line);
        assertThat(error.subject()).isEqualTo(rule == null ? null
                : rule.startsWith("budget #") || rule.startsWith("schedule ") ? rule : "rule '" + rule + "'");
        assertThat(error.message()).contains(message);
    }

    @Test
    void errorTextStartsWithFileLineAndRule() {
        RulesetException e = failure("""
                rules:
                  - name: ok
                    when: ram > 80
                    then: ram +1024
                  - name: ram-up
                    instances: "*"
                    when: ram >> 80
                    then: ram +1024
                """);

        assertThat(e.getMessage()).startsWith("rules.yaml:7: rule 'ram-up': 'when' must be TYPE OP NUMBER like "
                + "\"ram > 80\"").endsWith(", got \"ram >> 80\"");
    }

    @Test
    void everyErrorIsCollectedInLineOrderOnePerLine() {
        RulesetException e = failure("""
                bogus: 1
                rules:
                  - name: a
                    when: ram >> 80
                    then: ram +1024
                  - when: load > 4
                    then: cpu +1
                  - name: c
                    when: load > 4
                    for: forever
                    then: cpu ++1
                    colour: blue
                  - name: a
                    when: ram > 1
                    then: alert
                limits:
                  "*": {cpu: [4, 1]}
                """);

        assertThat(e.errors()).extracting(YamlError::line, YamlError::subject).containsExactly(
                tuple(1, null),
                tuple(4, "rule 'a'"),
                tuple(6, null),
                tuple(10, "rule 'c'"),
                tuple(11, "rule 'c'"),
                tuple(12, "rule 'c'"),
                tuple(13, "rule 'a'"),
                tuple(17, null));
        assertThat(e.errors().get(2).message()).isEqualTo("rule #2 has no 'name'; give every rule a unique name");
        assertThat(e.getMessage().split("\n")).hasSize(8);
        assertThat(e.getMessage().split("\n")[0]).isEqualTo(
                "rules.yaml:1: unknown key 'bogus' at the top level; "
                        + "expected one of rules, limits, budgets, schedules, timezone");
    }

    @Test
    void mergeKeysAreRefusedRatherThanSilentlyIgnored() {
        RulesetException e = failure("""
                rules:
                  - &base {name: a, when: ram > 80, then: alert}
                  - <<: *base
                    name: b
                """);

        assertThat(e.errors()).extracting(YamlError::line, YamlError::subject, YamlError::message)
                .contains(tuple(3, "rule 'b'", "merge keys (<<) are not supported; write the keys out"));
    }

    @Test
    void errorsOfAnUnnamedRuleSayWhichRuleByPosition() {
        RulesetException e = failure("""
                rules:
                  - when: ram > 80
                    then: ram 5
                """);

        assertThat(e.errors()).extracting(YamlError::toString).containsExactly(
                "rules.yaml:2: rule #1 has no 'name'; give every rule a unique name",
                "rules.yaml:3: rule #1: 'then' needs +N or -N for a step, =N for an absolute size or N% for a "
                        + "percentage, got \"ram 5\"");
    }

    @Test
    void parseOfAPathNamesThePathInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, "rules:\n  - name: x\n    when: ram > 80\n");

        RulesetException e = catchThrowableOfType(RulesetException.class, () -> RulesetParser.parse(file));

        assertThat(e.errors().get(0).file()).isEqualTo(file.toString());
        assertThat(e.getMessage()).startsWith(file + ":2: rule 'x': missing 'then'");
    }
}
