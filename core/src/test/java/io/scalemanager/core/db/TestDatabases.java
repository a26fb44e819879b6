package io.scalemanager.core.db;

import java.nio.file.Path;
import java.time.Duration;

/** Real H2 file databases for tests, migrated like production, one per temporary directory. */
public final class TestDatabases {
    private TestDatabases() {
    }

    public static Database h2File(Path dir) {
        return Database.open(new DatabaseSettings(DatabaseSettings.embeddedUrl(dir.toAbsolutePath().toString()),
                "", "", 8, Duration.ofSeconds(5)));
    }
}
