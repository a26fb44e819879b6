package io.scalemanager.manager.window;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WindowsForgetTest {
    @Test
    void instancesWhoseNewestSampleIsBeforeTheCutoffAreForgotten() {
        Windows windows = new Windows(Map.of("cpu", Duration.ofMinutes(5), "ram", Duration.ofMinutes(5)),
                Duration.ZERO);
        windows.add("old", "cpu", 1_000, 1);
        windows.add("mixed", "cpu", 1_000, 1);
        windows.add("mixed", "ram", 9_000, 1);
        windows.add("new", "ram", 10_000, 1);

        assertThat(windows.forgetSilentSince(5_000)).isEqualTo(1);
        assertThat(windows.instances()).containsExactlyInAnyOrder("mixed", "new");
        assertThat(windows.forgetSilentSince(9_500)).isEqualTo(1);
        assertThat(windows.instances()).containsExactly("new");
    }
}
