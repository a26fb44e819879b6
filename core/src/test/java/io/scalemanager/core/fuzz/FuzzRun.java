package io.scalemanager.core.fuzz;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A bounded fuzzing run: rounds of mutated inputs for a time budget ({@link #BUDGET}), stopped with the seed named
 * when a round hangs. The seed is {@code -Dfuzz.seed=N} when given, so a failure printed with its seed replays.
 */
public final class FuzzRun {
    /** How long each fuzz test runs: 3 s in CI, longer with {@code -Dfuzz.seconds=N} for a search by hand. */
    public static final Duration BUDGET = Duration.ofSeconds(Long.getLong("fuzz.seconds", 3));

    private final long seed = Long.getLong("fuzz.seed", System.nanoTime());

    /** One round: mutate, parse, check; an exception or assertion error fails the run. */
    public interface Round {
        void run(Random random) throws Exception;
    }

    public long seed() {
        return seed;
    }

    /**
     * Runs rounds for {@link #BUDGET}, all drawing from one {@link Random} of the seed.
     *
     * @return the rounds run, so a test can check the budget was not spent on a handful
     */
    public int forBudget(Round round) {
        Random random = new Random(seed);
        int[] rounds = {0};
        assertTimeoutPreemptively(BUDGET.plusSeconds(20), () -> {
            long end = System.nanoTime() + BUDGET.toNanos();
            while (System.nanoTime() < end) {
                round.run(random);
                rounds[0]++;
            }
        }, () -> "a round did not finish; seed " + seed + " (-Dfuzz.seed=" + seed + " replays it)");
        return rounds[0];
    }
}
