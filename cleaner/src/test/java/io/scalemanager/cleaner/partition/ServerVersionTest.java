package io.scalemanager.cleaner.partition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerVersionTest {

    @ParameterizedTest(name = "{0}: {1}, without validation {2}")
    @CsvSource({
            "11.4.5-MariaDB, MariaDB 11.4, true",
            "11.8.2-MariaDB-ubu2404, MariaDB 11.8, true",
            "12.0.1-MariaDB, MariaDB 12.0, true",
            "11.3.2-MariaDB, MariaDB 11.3, false",
            "10.6.18-MariaDB-log, MariaDB 10.6, false",
            "5.5.5-10.11.6-MariaDB-0+deb12u1, MariaDB 10.11, false",
            "8.0.36, MySQL 8.0, true",
            "8.4.3-commercial, MySQL 8.4, true",
            "5.7.44-log, MySQL 5.7, true",
    })
    void readsTheVersionAndWhetherAnExchangeCanSkipValidation(String version, String named, boolean without) {
        ServerVersion server = ServerVersion.parse(version);

        assertThat(server).hasToString(named);
        assertThat(server.exchangesWithoutValidation()).isEqualTo(without);
    }

    @Test
    void aTextWithoutAVersionIsRefused() {
        assertThatThrownBy(() -> ServerVersion.parse("MariaDB")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MariaDB");
    }
}
