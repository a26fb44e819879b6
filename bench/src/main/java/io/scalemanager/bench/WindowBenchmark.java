package io.scalemanager.bench;

import io.scalemanager.core.condition.Operator;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.manager.window.Window;
import io.scalemanager.manager.window.Windows;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The manager's per-event work on one (instance, type): add a sample to its {@link Window} and ask whether
 * {@code ram > 80} has held for 5 minutes, on a window of 10-second samples kept for 5 minutes plus the default
 * margin (about 37 samples), as the manager keeps it for a {@code for: 5m} rule.
 *
 * <p>{@code run=held}: every sample matches, so {@code heldFor} walks the whole 5 minutes (the worst case).
 * {@code run=broken}: one sample in 64 fails; on the static window of {@code heldFor} it stands 2 minutes back, so
 * the walk stops there, while in the adding benchmarks it passes through the window, as a real dip would.
 *
 * <pre>
 * java -cp 'bench/target/lib/*:bench/target/classes' org.openjdk.jmh.Main 'io.scalemanager.bench.*' -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class WindowBenchmark {
    private static final long STEP_MS = 10_000;
    private static final Duration FOR = Duration.ofMinutes(5);
    private static final Condition RAM_HIGH = new Condition("ram", Operator.GT, 80);

    @Param({"held", "broken"})
    public String run;

    private final double[] values = new double[64];
    private Window window;
    private long now;
    private int next;

    @Setup
    public void setUp() {
        for (int i = 0; i < values.length; i++) {
            values[i] = 81 + (i * 7919 % 180) / 10.0; // 81.0 .. 98.9, all matching
        }
        if (run.equals("broken")) {
            values[values.length - 12] = 42; // 12 samples back, 2 minutes within the 5
        }
        window = new Window(FOR.plus(Windows.DEFAULT_MARGIN));
        now = 1_764_067_200_000L;
        for (int i = 0; i < values.length; i++) {
            now += STEP_MS;
            window.add(now, values[i]);
        }
        next = 0;
    }

    /** An event as the manager handles it: append (dropping what retention no longer needs), then evaluate. */
    @Benchmark
    public boolean addThenHeldFor() {
        now += STEP_MS;
        window.add(now, values[next]);
        next = (next + 1) & (values.length - 1);
        return window.heldFor(RAM_HIGH, FOR, now);
    }

    /** Evaluation alone, on a full window. */
    @Benchmark
    public boolean heldFor() {
        return window.heldFor(RAM_HIGH, FOR, now);
    }

    /** Appending alone, in steady state (each sample added drops one). */
    @Benchmark
    public boolean add() {
        now += STEP_MS;
        boolean added = window.add(now, values[next]);
        next = (next + 1) & (values.length - 1);
        return added;
    }
}
