package io.scalemanager.core.time;

/** Epoch seconds as the API writes them: whole seconds as integers, fractions only when present. */
public final class EpochSeconds {
    private EpochSeconds() {
    }

    public static Number fromMillis(long epochMs) {
        if (epochMs % 1000 == 0) {
            return epochMs / 1000;
        }
        return epochMs / 1000.0;
    }

    public static long toMillis(double epochSeconds) {
        return Math.round(epochSeconds * 1000.0);
    }
}
