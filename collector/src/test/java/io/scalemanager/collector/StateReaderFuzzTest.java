package io.scalemanager.collector;

import io.scalemanager.core.fuzz.FuzzRun;
import io.scalemanager.core.fuzz.Mutator;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.ApiException;
import io.scalemanager.core.web.DomainErrors;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The collector's state parser against mutated input (Jazzer does not resolve here, so core's seeded
 * {@link Mutator}): for a bounded time every body either parses or is refused with a documented 4xx (a
 * {@link DomainException} the API maps to 400, 413 or 422, or an {@link ApiException}); no other exception, and
 * no input takes long. A failure prints the seed and the input, so it can be replayed.
 */
class StateReaderFuzzTest {
    private static final long NOW = 1_764_067_200L;
    private static final String[] SEEDS = {
        "[{\"instance\":\"web-1\",\"type\":\"ram\",\"value\":81.5,\"timestamp\":1764067200}]",
        "{\"states\":[{\"instance\":\"db-1\",\"type\":\"cpu\",\"value\":3,\"timestamp\":1764067190.5}]}",
        "{\"instance\":\"web-1\",\"type\":\"load\",\"value\":1e2,\"timestamp\":1764067200}",
        "[{\"instance\":\"a\",\"type\":\"b\",\"value\":-0.0,\"timestamp\":1},{\"instance\":\"x/y@z\",\"type\":\"c.d\","
                + "\"value\":12345678901234567890,\"timestamp\":1764067200}]",
    };
    private static final Mutator MUTATOR = Mutator.json("{", "}", "[", "]", ",", ":", "\"", "null", "true", "1e999",
        "-", "\"instance\"", "\"value\"", "\"timestamp\"", "\"states\"", "NaN", "0x10", "\\u0000",
        "9999999999999999999999", ".", "..", "\uD800", "1.7976931348623157E309", "[[[[[[[[", "\"../..\"");

    @Test
    void mutatedBodiesParseOrAreRefusedWithA4xx() {
        StateReader reader = new StateReader(new CollectorSettings(100, Duration.ofMinutes(10), 1000, 20_000),
                Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
        FuzzRun run = new FuzzRun();
        long seed = run.seed();
        int rounds = run.forBudget(random -> {
            String input = MUTATOR.mutate(SEEDS[random.nextInt(SEEDS.length)], random);
            check(reader, input, seed, true);
            check(reader, input, seed, false);
        });
        assertThat(rounds).as("inputs tried with seed %d", seed).isGreaterThan(100);
    }

    private static void check(StateReader reader, String input, long seed, boolean batch) {
        long started = System.nanoTime();
        try {
            byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
            if (batch) {
                reader.readBatch(new ByteArrayInputStream(bytes));
            } else {
                reader.readOne(new ByteArrayInputStream(bytes));
            }
        } catch (DomainException e) {
            int status = DomainErrors.status(e);
            if (status < 400 || status > 499) {
                fail("status " + status + " for input (seed " + seed + "): " + input);
            }
        } catch (ApiException e) {
            if (e.status() < 400 || e.status() > 499) {
                fail("status " + e.status() + " for input (seed " + seed + "): " + input);
            }
        } catch (Exception e) {
            throw new AssertionError("seed " + seed + ", input " + input + ": " + e, e);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time for input %s", input)
                .isLessThan(Duration.ofSeconds(1));
    }
}
