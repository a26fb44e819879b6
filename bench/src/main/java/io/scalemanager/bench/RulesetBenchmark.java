package io.scalemanager.bench;

import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link Ruleset#rulesFor(String, String)}, asked once per event, over a fleet of 10,000 instances
 * {@code vm-0 .. vm-9999} and the types cpu/ram/load, with the per-instance cache warm.
 *
 * <p>{@code rules=globs}: rules with instance globs, so lookups go through the per-instance cache;
 * {@code rules=everywhere}: every rule on {@code *}, the shortcut path. {@code ids=fresh} asks with a new String
 * each time, as an event parsed from JSON does, so the hash code is computed on every lookup; {@code ids=cached}
 * reuses the same String objects.
 *
 * <pre>
 * java -cp 'bench/target/lib/*:bench/target/classes' org.openjdk.jmh.Main RulesetBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class RulesetBenchmark {
    static final int INSTANCES = 10_000;
    private static final String[] TYPES = {"cpu", "ram", "load"};

    private static final String GLOBS = """
            rules:
              - {name: cpu-up,      instances: "vm-*",    when: cpu > 90,   for: 5m,  then: cpu +1}
              - {name: cpu-down,    instances: "vm-*",    when: cpu < 10,   for: 30m, then: cpu -1}
              - {name: ram-up,      instances: "vm-1*",   when: ram > 85,   for: 5m,  then: ram +1024}
              - {name: ram-up-big,  instances: "vm-2???", when: ram > 80,   for: 5m,  then: ram +25%}
              - {name: ram-down,    instances: "*",       when: ram < 30,   for: 30m, then: ram -1024}
              - {name: load-alert,  instances: "vm-9*",   when: load > 8,   for: 10m, then: alert}
              - {name: load-up,     instances: "db-*",    when: load > 4,   for: 3m,  then: cpu +2}
            """;
    private static final String EVERYWHERE = """
            rules:
              - {name: cpu-up,     when: cpu > 90,  for: 5m,  then: cpu +1}
              - {name: cpu-down,   when: cpu < 10,  for: 30m, then: cpu -1}
              - {name: ram-up,     when: ram > 85,  for: 5m,  then: ram +1024}
              - {name: ram-down,   when: ram < 30,  for: 30m, then: ram -1024}
              - {name: load-alert, when: load > 8,  for: 10m, then: alert}
            """;

    @Param({"globs", "everywhere"})
    public String rules;

    @Param({"cached", "fresh"})
    public String ids;

    private Ruleset ruleset;
    private final String[] instances = new String[INSTANCES];
    private boolean fresh;
    private int next;

    @Setup
    public void setUp() throws Exception {
        ruleset = RulesetParser.parse(rules.equals("globs") ? GLOBS : EVERYWHERE, "bench.yaml");
        fresh = ids.equals("fresh");
        for (int i = 0; i < INSTANCES; i++) {
            instances[i] = "vm-" + i;
            for (String type : TYPES) {
                ruleset.rulesFor(instances[i], type); // warm the cache: the steady state of a running manager
            }
        }
        next = 0;
    }

    @Benchmark
    public List<Rule> rulesFor() {
        int i = next;
        next = i + 1 == INSTANCES ? 0 : i + 1;
        String instance = fresh ? new String(instances[i]) : instances[i];
        return ruleset.rulesFor(instance, TYPES[i % 3]);
    }
}
