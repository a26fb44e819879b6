package io.scalemanager.bench;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.manager.rules.Aggregate;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.manager.window.Window;
import io.scalemanager.manager.window.Windows;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The extended conditions per event, as the manager evaluates them: add a sample, then {@code p99(cpu) > 80},
 * {@code avg(cpu) > 80} or {@code cpu > 80} with {@code ratio: 0.9} over a 5-minute window of 10-second samples
 * with a 2-minute max gap, beside the plain {@code cpu > 80} for comparison. Sample time, so JMH prints the
 * percentiles of single evaluations (the target: p99 of the percentile under 2 µs).
 *
 * <pre>
 * java -cp 'bench/target/lib/*:bench/target/classes' org.openjdk.jmh.Main WindowAggregateBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class WindowAggregateBenchmark {
    private static final long STEP_MS = 10_000;
    private static final long FOR_MS = Duration.ofMinutes(5).toMillis();
    private static final long MAX_GAP_MS = Duration.ofMinutes(2).toMillis();
    private static final Condition CPU_HIGH = new Condition("cpu", Operator.GT, 80);

    private final double[] values = new double[64];
    private Window window;
    private long now;
    private int next;

    @Setup
    public void setUp() {
        for (int i = 0; i < values.length; i++) {
            values[i] = 60 + (i * 7919 % 400) / 10.0; // 60.0 .. 99.9 in a scrambled order
        }
        window = new Window(Duration.ofMillis(FOR_MS).plus(Windows.DEFAULT_MARGIN));
        now = 1_764_067_200_000L;
        for (int i = 0; i < values.length; i++) {
            now += STEP_MS;
            window.add(now, values[i]);
        }
        next = 0;
    }

    private void addNext() {
        now += STEP_MS;
        window.add(now, values[next]);
        next = (next + 1) & (values.length - 1);
    }

    @Benchmark
    public boolean addThenP99() {
        addNext();
        return CPU_HIGH.test(window.aggregate(Aggregate.P99, FOR_MS, now, MAX_GAP_MS));
    }

    @Benchmark
    public boolean addThenAvg() {
        addNext();
        return CPU_HIGH.test(window.aggregate(Aggregate.AVG, FOR_MS, now, MAX_GAP_MS));
    }

    @Benchmark
    public boolean addThenRatio() {
        addNext();
        return window.share(CPU_HIGH, FOR_MS, now, MAX_GAP_MS) >= 0.9;
    }

    @Benchmark
    public boolean addThenPlain() {
        addNext();
        return window.heldFor(CPU_HIGH, FOR_MS, now, MAX_GAP_MS);
    }
}
