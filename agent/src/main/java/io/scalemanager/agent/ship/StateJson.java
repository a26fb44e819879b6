package io.scalemanager.agent.ship;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Writes states as the collector reads them: {"instance":..,"type":..,"value":..,"timestamp":..}. States are
 * flat and their strings are restricted to safe characters, so a few lines do what a JSON library would.
 */
public final class StateJson {
    private StateJson() {
    }

    /** The states of one sample set, comma-separated without the enclosing brackets, so reports concatenate. */
    public static String states(String instance, long timestampMillis, Map<String, Double> values) {
        StringBuilder out = new StringBuilder(values.size() * 80);
        String ts = seconds(timestampMillis);
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append("{\"instance\":");
            string(out, instance);
            out.append(",\"type\":");
            string(out, e.getKey());
            out.append(",\"value\":").append(number(e.getValue())).append(",\"timestamp\":").append(ts).append('}');
        }
        return out.toString();
    }

    /** Epoch seconds with millisecond precision, plain decimal: 1764067200 or 1764067200.25. */
    static String seconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }

    /** A finite value rounded to 3 decimals, plain decimal. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not a finite number: " + v);
        }
        return BigDecimal.valueOf(Math.round(v * 1000), 3).stripTrailingZeros().toPlainString();
    }

    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
