package io.scalemanager.collector;

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
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The collector's state parser against mutated input (Jazzer does not resolve here, so a seeded generator of
 * mutations): for a bounded time every body either parses or is refused with a documented 4xx (a
 * {@link DomainException} the API maps to 400, 413 or 422, or an {@link ApiException}); no other exception, and
 * no input takes long. A failure prints the seed and the input, so it can be replayed.
 */
class StateReaderFuzzTest {
    private static final Duration BUDGET = Duration.ofSeconds(3);
    private static final long NOW = 1_764_067_200L;
    private static final String[] SEEDS = {
        "[{\"instance\":\"web-1\",\"type\":\"ram\",\"value\":81.5,\"timestamp\":1764067200}]",
        "{\"states\":[{\"instance\":\"db-1\",\"type\":\"cpu\",\"value\":3,\"timestamp\":1764067190.5}]}",
        "{\"instance\":\"web-1\",\"type\":\"load\",\"value\":1e2,\"timestamp\":1764067200}",
        "[{\"instance\":\"a\",\"type\":\"b\",\"value\":-0.0,\"timestamp\":1},{\"instance\":\"x/y@z\",\"type\":\"c.d\","
                + "\"value\":12345678901234567890,\"timestamp\":1764067200}]",
    };
    private static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "null", "true", "1e999", "-",
        "\"instance\"", "\"value\"", "\"timestamp\"", "\"states\"", "NaN", "0x10", "\\u0000", "9999999999999999999999",
        ".", "..", "\uD800", "1.7976931348623157E309", "[[[[[[[[", "\"../..\""};

    @Test
    void mutatedBodiesParseOrAreRefusedWithA4xx() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        StateReader reader = new StateReader(new CollectorSettings(100, Duration.ofMinutes(10), 1000, 20_000),
                Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
        Random random = new Random(seed);
        int[] runs = {0};
        assertTimeoutPreemptively(BUDGET.plusSeconds(20), () -> {
            long end = System.nanoTime() + BUDGET.toNanos();
            while (System.nanoTime() < end) {
                String input = mutate(SEEDS[random.nextInt(SEEDS.length)], random);
                check(reader, input, seed, true);
                check(reader, input, seed, false);
                runs[0]++;
            }
        }, () -> "a parse did not finish; seed " + seed);
        assertThat(runs[0]).as("inputs tried with seed %d", seed).isGreaterThan(100);
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

    /** One to four mutations: flip, delete, duplicate a range, or insert a JSON-ish token. */
    static String mutate(String seed, Random random) {
        StringBuilder s = new StringBuilder(seed);
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            int at = s.length() == 0 ? 0 : random.nextInt(s.length());
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (s.length() > 0) {
                        s.setCharAt(at, (char) random.nextInt(128));
                    }
                }
                case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(8)));
                case 2 -> {
                    int end = Math.min(s.length(), at + 1 + random.nextInt(40));
                    s.insert(at, s.substring(at, end));
                }
                case 3 -> s.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                default -> s.insert(at, "[".repeat(random.nextInt(2000)));
            }
        }
        return s.toString();
    }
}
