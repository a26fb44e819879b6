package io.scalemanager.manager.rules;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Set;

/**
 * A schedule's {@code at}: a time of day on some days of the week, in a time zone ({@code "Mon-Fri 07:30"}).
 * Across a change to or from daylight saving time it occurs once a day all the same: a time that does not exist
 * that day (02:30 when clocks jump from 02:00 to 03:00) occurs at the same distance after the jump (03:30), and
 * a time that exists twice occurs at the first.
 */
public record WeekTime(Set<DayOfWeek> days, LocalTime time, ZoneId zone) {

    public WeekTime {
        days = Set.copyOf(days);
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(zone, "zone");
    }

    /** Reads {@code "Mon-Fri 07:30"}, {@code "Sat,Sun 10:00"} or {@code "07:30"} (every day). */
    public static WeekTime parse(String text, ZoneId zone) {
        String[] parts = text.trim().split("\\s+");
        if (parts.length > 2) {
            throw new IllegalArgumentException("expected DAYS HH:MM like \"Mon-Fri 07:30\", got \"" + text.trim()
                    + "\"");
        }
        Set<DayOfWeek> days = parts.length == 2 ? Days.parse(parts[0]) : Days.parse("daily");
        int minutes = Days.minutes(parts[parts.length - 1], false);
        return new WeekTime(days, LocalTime.of(minutes / 60, minutes % 60), zone);
    }

    /** The latest occurrence at or before {@code t}; null when there was none in the week before it. */
    public Instant latestAtOrBefore(Instant t) {
        LocalDate today = t.atZone(zone).toLocalDate();
        for (int back = 0; back <= 7; back++) {
            LocalDate date = today.minusDays(back);
            if (days.contains(date.getDayOfWeek())) {
                Instant occurrence = ZonedDateTime.of(date, time, zone).toInstant();
                if (!occurrence.isAfter(t)) {
                    return occurrence;
                }
            }
        }
        return null;
    }
}
