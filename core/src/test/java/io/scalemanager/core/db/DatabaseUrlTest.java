package io.scalemanager.core.db;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseUrlTest {
    @Test
    void credentialsInTheUrlAreMaskedForLogs() {
        assertThat(DatabaseSettings.withoutCredentials(
                "jdbc:mariadb://sm:hunter2@db1:3306/sm?user=sm&password=hunter2&sslMode=verify-full"))
                .isEqualTo("jdbc:mariadb://sm:***@db1:3306/sm?user=sm&password=***&sslMode=verify-full");
        assertThat(DatabaseSettings.withoutCredentials("jdbc:h2:file:/d/sm;USER=sa;PASSWORD=topsecret;WRITE_DELAY=0"))
                .isEqualTo("jdbc:h2:file:/d/sm;USER=sa;PASSWORD=***;WRITE_DELAY=0");
        assertThat(DatabaseSettings.withoutCredentials("jdbc:mariadb://db1/sm?trustStorePassword=abc"))
                .isEqualTo("jdbc:mariadb://db1/sm?trustStorePassword=***");
        DatabaseSettings s = new DatabaseSettings("jdbc:mariadb://u:pw123@db/x", "u", "pw123", 2, Duration.ofSeconds(1));
        assertThat(s.toString()).doesNotContain("pw123");
    }

    @Test
    void everyConnectionGetsTimeoutsUnlessTheUrlSetsThem() {
        DatabaseSettings maria = new DatabaseSettings("jdbc:mariadb://db/sm", "u", "", 2, Duration.ofSeconds(5),
                Duration.ofSeconds(30));
        assertThat(Database.jdbcUrl(maria)).isEqualTo("jdbc:mariadb://db/sm?socketTimeout=30000&connectTimeout=5000");
        DatabaseSettings own = new DatabaseSettings("jdbc:mysql://db/sm?socketTimeout=9", "u", "", 2,
                Duration.ofSeconds(5), Duration.ofSeconds(30));
        assertThat(Database.jdbcUrl(own))
                .isEqualTo("jdbc:mysql://db/sm?socketTimeout=9&permitMysqlScheme&connectTimeout=5000");
        DatabaseSettings h2 = new DatabaseSettings("jdbc:h2:file:/d/sm;WRITE_DELAY=0", "", "", 2,
                Duration.ofSeconds(5), Duration.ofSeconds(30));
        assertThat(Database.jdbcUrl(h2)).isEqualTo("jdbc:h2:file:/d/sm;WRITE_DELAY=0;QUERY_TIMEOUT=30000");
    }
}
