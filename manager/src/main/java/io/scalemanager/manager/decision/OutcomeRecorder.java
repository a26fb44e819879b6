package io.scalemanager.manager.decision;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.manager.decide.Outcome;
import io.scalemanager.manager.decide.OutcomeKind;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Where every outcome goes: the latest per (instance, rule) in memory, the count in
 * {@code scalemanager_rule_outcomes_total{rule,outcome}}, and into the decision log when it changes the kind of
 * outcome of its (instance, rule), or, for the kinds recorded every time (fired, would_fire, blocked, at_limit,
 * ...), when it names another action or another end: a rule blocked for ten minutes by one cooldown is one row,
 * not one per sample. The first outcome of an (instance, rule) is written unless it is
 * {@linkplain OutcomeKind#quiet() quiet}. A fired action's row is written by the ActionLog in the transaction that starts it.
 */
public final class OutcomeRecorder {
    private static final OutcomeKind[] KINDS = OutcomeKind.values();

    private final LatestOutcomes latest;
    private final DecisionWriter writer;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter[]> counters = new ConcurrentHashMap<>();

    public OutcomeRecorder(LatestOutcomes latest, DecisionWriter writer, MeterRegistry registry) {
        this.latest = latest;
        this.writer = writer;
        this.registry = registry;
    }

    public LatestOutcomes latest() {
        return latest;
    }

    public void record(String instance, Outcome outcome) {
        OutcomeKind kind = outcome.kind();
        counter(outcome.ruleName(), kind).increment();
        LatestOutcomes.Change change = latest.record(instance, outcome);
        boolean worthKeeping = switch (change) {
            case KIND -> true;
            // Every (instance, rule) starts with an outcome when a manager starts or takes its instances over: a
            // quiet one (not_held, stale) changes nothing, and writing it would be a burst of one row per
            // (instance, rule) on the database the events go to, at the moment the manager is busiest.
            case FIRST -> !kind.quiet();
            case DETAIL -> kind.alwaysRecorded();
            case NONE -> false;
        };
        // A fired action's row is written with the action; a fired alert rule has no action, so it is written here.
        if (worthKeeping && !(kind == OutcomeKind.FIRED && outcome.actionId() != null)) {
            writer.add(new Decision(0, outcome.atMs(), instance, outcome.ruleName(), kind, outcome.reason(),
                    outcome.actionId()));
        }
    }

    /**
     * An outcome whose decision row is already written, in the transaction of what it records (a schedule's dry
     * occurrence): the latest outcome and the count only.
     */
    public void recordWritten(String instance, Outcome outcome) {
        counter(outcome.ruleName(), outcome.kind()).increment();
        latest.record(instance, outcome);
    }

    private Counter counter(String rule, OutcomeKind kind) {
        Counter[] byKind = counters.get(rule);
        if (byKind == null) {
            byKind = counters.computeIfAbsent(rule, r -> {
                Counter[] c = new Counter[KINDS.length];
                for (OutcomeKind k : KINDS) {
                    c[k.ordinal()] = Counter.builder("scalemanager_rule_outcomes")
                            .description("Evaluations of a rule for an instance, by outcome")
                            .tag("rule", r).tag("outcome", k.wireName()).register(registry);
                }
                return c;
            });
        }
        return byKind[kind.ordinal()];
    }
}
