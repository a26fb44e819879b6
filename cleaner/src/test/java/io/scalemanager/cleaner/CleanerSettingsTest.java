package io.scalemanager.cleaner;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CleanerSettingsTest {

    private static CleanerSettings pacing(Duration pause, int pausePercent) {
        CleanerSettings d = CleanerSettings.defaults();
        return new CleanerSettings(d.interval(), d.eventRetention(), d.actionRetention(), d.chunkRows(), pause,
                pausePercent, d.downsample(), d.stuckAfter());
    }

    @Test
    void slowerChunksEarnLongerPauses() {
        CleanerSettings s = pacing(Duration.ZERO, 50);
        assertThat(s.pauseAfter(Duration.ofMillis(20))).isEqualTo(Duration.ofMillis(10));
        assertThat(s.pauseAfter(Duration.ofMillis(200))).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void fixedPauseComesOnTopOfTheShare() {
        assertThat(pacing(Duration.ofMillis(5), 100).pauseAfter(Duration.ofMillis(30)))
                .isEqualTo(Duration.ofMillis(35));
        assertThat(pacing(Duration.ofMillis(50), 0).pauseAfter(Duration.ofMillis(30)))
                .isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void negativeShareIsRefused() {
        assertThatThrownBy(() -> pacing(Duration.ZERO, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pausePercent");
    }
}
