package io.scalemanager.cleaner;

import io.scalemanager.core.db.Database;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every test of the partitioned cleaner again on a MariaDB without {@code EXCHANGE PARTITION ... WITHOUT
 * VALIDATION} (Debian 12's 10.11): the cleaner falls back to the validating exchange, and the SQL of ADR 9 runs
 * on the oldest line it supports.
 */
class PartitionedCleanerOnMariaDb1011Test extends PartitionedCleanerOnMariaDbTest {

    @Override
    Database database(Path dir) {
        return SystemMariaDb.database(dir);
    }

    @Test
    void theServerIsOneThatMustValidateItsExchanges() throws Exception {
        try (Database db = database(dir); Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith("10.").contains("MariaDB");
        }
    }
}
