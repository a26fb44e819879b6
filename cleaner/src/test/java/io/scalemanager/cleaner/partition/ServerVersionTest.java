package io.scalemanager.cleaner.partition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerVersionTest {

    @ParameterizedTest(name = "{0}: {1}, without validation {2}, lock without waiting {3}")
    @CsvSource({
            "11.4.5-MariaDB, MariaDB 11.4, true, true",
            "11.8.2-MariaDB-ubu2404, MariaDB 11.8, true, true",
            "12.0.1-MariaDB, MariaDB 12.0, true, true",
            "11.3.2-MariaDB, MariaDB 11.3, false, true",
            "10.6.18-MariaDB-log, MariaDB 10.6, false, true",
            "5.5.5-10.11.6-MariaDB-0+deb12u1, MariaDB 10.11, false, true",
            "10.2.44-MariaDB, MariaDB 10.2, false, false",
            "8.0.36, MySQL 8.0, true, false",
            "8.4.3-commercial, MySQL 8.4, true, false",
            "5.7.44-log, MySQL 5.7, true, false",
    })
    void readsTheVersionAndWhatItsPartitionStepsCanDo(String version, String named, boolean without,
                                                      boolean atOnce) {
        ServerVersion server = ServerVersion.parse(version);

        assertThat(server).hasToString(named);
        assertThat(server.exchangesWithoutValidation()).isEqualTo(without);
        assertThat(server.locksWithoutWaiting()).isEqualTo(atOnce);
    }

    @Test
    void aTextWithoutAVersionIsRefused() {
        assertThatThrownBy(() -> ServerVersion.parse("MariaDB")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MariaDB");
    }
}
