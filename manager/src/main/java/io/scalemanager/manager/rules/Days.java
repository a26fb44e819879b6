package io.scalemanager.manager.rules;

import java.time.DayOfWeek;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Days of the week as written in {@code at} and {@code active}: {@code Mon-Fri}, {@code Sat,Sun}, {@code daily}. */
final class Days {
    static final String FORM = "days like Mon-Fri, Sat,Sun or daily";
    private static final String[] NAMES = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

    private Days() {
    }

    static Set<DayOfWeek> parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("daily") || t.equals("*")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : t.split(",")) {
            String[] range = part.trim().split("-", -1);
            if (range.length > 2) {
                throw new IllegalArgumentException("expected " + FORM + ", got \"" + text.trim() + "\"");
            }
            DayOfWeek from = day(range[0], text);
            DayOfWeek to = range.length == 2 ? day(range[1], text) : from;
            // Fri-Mon wraps over the weekend
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                days.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String name, String text) {
        String n = name.trim();
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(n) || (n.length() > 3 && DayOfWeek.of(i + 1).name().toLowerCase(Locale.ROOT)
                    .equals(n))) {
                return DayOfWeek.of(i + 1);
            }
        }
        throw new IllegalArgumentException("expected " + FORM + ", got \"" + text.trim() + "\"");
    }

    /** A time of day HH:MM as minutes since midnight; 24:00 is allowed where {@code endOfDay} is. */
    static int minutes(String text, boolean endOfDay) {
        String t = text.trim();
        if (!t.matches("\\d{1,2}:\\d{2}")) {
            throw new IllegalArgumentException("expected a time like 07:30, got \"" + t + "\"");
        }
        int h = Integer.parseInt(t.substring(0, t.indexOf(':')));
        int m = Integer.parseInt(t.substring(t.indexOf(':') + 1));
        if (m > 59 || h > 24 || (h == 24 && (m > 0 || !endOfDay))) {
            throw new IllegalArgumentException("expected a time from 00:00 to " + (endOfDay ? "24:00" : "23:59")
                    + ", got \"" + t + "\"");
        }
        return h * 60 + m;
    }
}
