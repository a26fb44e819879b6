package io.scalemanager.manager.rules;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ActiveTimesTest {

    @ParameterizedTest(name = "{0} at {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            // 2026-03-02 is a Monday; Berlin is UTC+1 in March before the 29th, UTC+2 after.
            "Mon-Fri 08:00-20:00       | 2026-03-02T07:00:00Z | true",
            "Mon-Fri 08:00-20:00       | 2026-03-02T06:59:00Z | false",
            "Mon-Fri 08:00-20:00       | 2026-03-02T19:00:00Z | false",
            "Mon-Fri 08:00-20:00       | 2026-03-07T10:00:00Z | false",
            "Fri 22:00-06:00           | 2026-03-07T04:59:00Z | true",
            "Fri 22:00-06:00           | 2026-03-07T05:00:00Z | false",
            "Fri 22:00-06:00           | 2026-03-02T04:00:00Z | false",
            "Sat,Sun 00:00-24:00       | 2026-03-08T22:59:00Z | true",
            "Sat,Sun 00:00-24:00       | 2026-03-08T23:00:00Z | false",
            "Fri-Mon 12:00-13:00       | 2026-03-09T11:30:00Z | true",
            "Fri-Mon 12:00-13:00       | 2026-03-10T11:30:00Z | false",
            "08:00-09:00               | 2026-03-30T06:30:00Z | true",
    })
    void rangesInTheirTimeZone(String range, String at, boolean active) {
        ActiveTimes times = ActiveTimes.parse(List.of(range), ZoneId.of("Europe/Berlin"));
        assertThat(times.contains(Instant.parse(at).toEpochMilli())).isEqualTo(active);
    }
}
