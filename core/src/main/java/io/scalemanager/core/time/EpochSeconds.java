package io.scalemanager.core.time;

import java.math.BigDecimal;

/** Epoch seconds as the API writes them: whole seconds as integers, fractions only when present. */
public final class EpochSeconds {
    private EpochSeconds() {
    }

    public static Number fromMillis(long epochMs) {
        if (epochMs % 1000 == 0) {
            return epochMs / 1000;
        }
        // BigDecimal so that JSON shows 1764067200.25, never 1.76406720025E9.
        return BigDecimal.valueOf(epochMs, 3).stripTrailingZeros();
    }

    public static long toMillis(double epochSeconds) {
        return Math.round(epochSeconds * 1000.0);
    }
}
