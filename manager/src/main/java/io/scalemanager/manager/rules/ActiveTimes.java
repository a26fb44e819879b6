package io.scalemanager.manager.rules;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A rule's {@code active}: the times of the week it may act, such as {@code "Mon-Fri 08:00-20:00"}, in a time zone.
 * A range whose end is not after its start runs past midnight into the next day ({@code "Fri 22:00-06:00"} is
 * Friday night until Saturday 06:00); {@code 24:00} ends a range at midnight.
 */
public record ActiveTimes(List<Range> ranges, ZoneId zone, String text) {

    /** One range: on these days, from {@code fromMinute} to {@code toMinute} (minutes since midnight). */
    public record Range(Set<DayOfWeek> days, int fromMinute, int toMinute) {
        public Range {
            days = Set.copyOf(days);
        }

        boolean contains(DayOfWeek day, int minute) {
            if (fromMinute < toMinute) {
                return days.contains(day) && minute >= fromMinute && minute < toMinute;
            }
            return (days.contains(day) && minute >= fromMinute) || (days.contains(day.minus(1)) && minute < toMinute);
        }
    }

    public ActiveTimes {
        ranges = List.copyOf(ranges);
        Objects.requireNonNull(zone, "zone");
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("active needs at least one range");
        }
    }

    /** Reads ranges like {@code "Mon-Fri 08:00-20:00"}; {@code texts} holds one or several. */
    public static ActiveTimes parse(List<String> texts, ZoneId zone) {
        List<Range> ranges = new ArrayList<>();
        for (String text : texts) {
            String[] parts = text.trim().split("\\s+");
            String[] times = parts[parts.length - 1].split("-", -1);
            if (parts.length > 2 || times.length != 2) {
                throw new IllegalArgumentException("expected DAYS HH:MM-HH:MM like \"Mon-Fri 08:00-20:00\", got \""
                        + text.trim() + "\"");
            }
            Set<DayOfWeek> days = parts.length == 2 ? Days.parse(parts[0]) : Days.parse("daily");
            int from = Days.minutes(times[0], false);
            int to = Days.minutes(times[1], true);
            if (from == to) {
                throw new IllegalArgumentException("the range \"" + text.trim() + "\" is empty; write 00:00-24:00 for"
                        + " a whole day");
            }
            ranges.add(new Range(days, from, to));
        }
        return new ActiveTimes(ranges, zone, String.join(", ", texts));
    }

    /** Whether the moment falls into one of the ranges. */
    public boolean contains(long epochMs) {
        ZonedDateTime local = Instant.ofEpochMilli(epochMs).atZone(zone);
        int minute = local.getHour() * 60 + local.getMinute();
        DayOfWeek day = local.getDayOfWeek();
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i).contains(day, minute)) {
                return true;
            }
        }
        return false;
    }
}
