package io.scalemanager.bench;

import java.nio.charset.StandardCharsets;

/**
 * Builds {@code POST /v1/states} bodies straight into a reusable byte array: the JSON around each state is
 * precomputed per (instance, type), so a state costs a copy plus two numbers written digit by digit. The
 * generator must stay far faster than the server it measures; {@link LoadGenerator} checks that before each run.
 *
 * <p>State index {@code j} stands for instance {@code (j / types) % instances} and type {@code j % types}, so
 * consecutive requests rotate through the whole fleet. About one instance in a hundred runs hot (cpu and ram
 * high, load above 6) so that the bench rules really fire; the rest wander around moderate values.
 */
final class StateBodies {
    private static final byte[] TIMESTAMP = ",\"timestamp\":".getBytes(StandardCharsets.US_ASCII);
    /** Upper bound of one encoded state: the longest prefix plus value, timestamp and punctuation. */
    private final int maxStateBytes;
    private final byte[][] prefixes;
    private final double[] base;
    private final double[] noise;
    private final double[] max;
    private final int combos;

    StateBodies(int instances, String[] types) {
        long n = (long) instances * types.length;
        if (n > 50_000_000L) {
            throw new IllegalArgumentException("too many instance × type combinations: " + n);
        }
        combos = (int) n;
        prefixes = new byte[combos][];
        base = new double[combos];
        noise = new double[combos];
        max = new double[combos];
        int longest = 0;
        for (int i = 0; i < instances; i++) {
            boolean hot = i % 100 == 0;
            // A stable, instance-specific spread (a cheap hash) instead of a Random, so runs are comparable.
            double spread = ((i * 2654435761L) & 0xffff) / 65536.0;
            for (int t = 0; t < types.length; t++) {
                int c = i * types.length + t;
                String type = types[t];
                prefixes[c] = ("{\"instance\":\"vm-" + i + "\",\"type\":\"" + type + "\",\"value\":")
                        .getBytes(StandardCharsets.US_ASCII);
                longest = Math.max(longest, prefixes[c].length);
                switch (type) {
                    case "cpu" -> set(c, hot ? 95 : 10 + 60 * spread, hot ? 3 : 10, 100);
                    case "ram" -> set(c, hot ? 91 : 30 + 45 * spread, hot ? 3 : 5, 100);
                    case "load", "load5", "load15" -> set(c, hot ? 7.5 : 0.3 + 2.7 * spread, hot ? 1 : 0.5, 64);
                    default -> set(c, 50 * spread, 5, 1000);
                }
            }
        }
        // prefix, then value, timestamp and punctuation: under 64 bytes with plenty to spare.
        maxStateBytes = longest + 64;
    }

    private void set(int c, double b, double n, double m) {
        base[c] = b;
        noise[c] = n;
        max[c] = m;
    }

    int combos() {
        return combos;
    }

    /** Bytes a body of {@code batch} states may need. */
    int capacityFor(int batch) {
        return 2 + batch * maxStateBytes;
    }

    /**
     * Writes a JSON array of {@code batch} states starting at state index {@code first} into {@code buf}.
     *
     * @param nowMs the timestamp of every state (epoch ms, written as fractional epoch seconds)
     * @param rng   xorshift state of the calling worker, one long; advanced in place
     * @return the body's length
     */
    int build(long first, int batch, long nowMs, byte[] buf, long[] rng) {
        long r = rng[0];
        int p = 0;
        buf[p++] = '[';
        int c = (int) (first % combos);
        for (int k = 0; k < batch; k++) {
            byte[] prefix = prefixes[c];
            System.arraycopy(prefix, 0, buf, p, prefix.length);
            p += prefix.length;
            r ^= r << 13;
            r ^= r >>> 7;
            r ^= r << 17;
            double u = (r >>> 11) * 0x1.0p-53 * 2 - 1; // [-1, 1)
            double v = base[c] + u * noise[c];
            v = v < 0 ? 0 : Math.min(v, max[c]);
            p = writeFixed(buf, p, Math.round(v * 10), 1);
            System.arraycopy(TIMESTAMP, 0, buf, p, TIMESTAMP.length);
            p += TIMESTAMP.length;
            p = writeFixed(buf, p, nowMs, 3);
            buf[p++] = '}';
            buf[p++] = ',';
            if (++c == combos) {
                c = 0;
            }
        }
        buf[p - 1] = ']';
        rng[0] = r;
        return p;
    }

    /** Writes {@code scaled / 10^decimals} with exactly {@code decimals} digits after the point. */
    private static int writeFixed(byte[] buf, int p, long scaled, int decimals) {
        int start = p;
        long x = scaled;
        int digits = 0;
        do {
            buf[p++] = (byte) ('0' + x % 10);
            x /= 10;
            if (++digits == decimals) {
                buf[p++] = '.';
            }
        } while (x != 0 || digits <= decimals);
        for (int i = start, j = p - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
        return p;
    }

}
