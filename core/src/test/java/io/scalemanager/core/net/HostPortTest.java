package io.scalemanager.core.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostPortTest {

    @ParameterizedTest(name = "{0} -> host {1}, port {2}, written {3}")
    @CsvSource({
            "127.0.0.1:8080, 127.0.0.1, 8080, 127.0.0.1:8080",
            "localhost:0, localhost, 0, localhost:0",
            "[::1]:9090, ::1, 9090, [::1]:9090",
            "[fe80::1%eth0]:80, fe80::1%eth0, 80, [fe80::1%eth0]:80",
            "[::]:8080, ::, 8080, [::]:8080"})
    void parsedAddressIsWrittenBackWithIpv6InBrackets(String text, String host, int port, String written) {
        HostPort parsed = HostPort.parse(text);
        assertThat(parsed.host()).isEqualTo(host);
        assertThat(parsed.port()).isEqualTo(port);
        assertThat(parsed).hasToString(written);
    }

    @ParameterizedTest(name = "host {0} is written {1}")
    @CsvSource({"::1, [::1]:8080", "10.0.0.1, 10.0.0.1:8080", "db.example, db.example:8080"})
    void anIpv6HostGetsBracketsWhereverTheAddressIsBuilt(String host, String written) {
        assertThat(new HostPort(host, 8080)).hasToString(written);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8080", ":8080", "host:", "host:http", "host:65536", "host:-1"})
    void notAnAddressIsRefused(String text) {
        assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
