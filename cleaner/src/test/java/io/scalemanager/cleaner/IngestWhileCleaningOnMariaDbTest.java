package io.scalemanager.cleaner;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;

import java.nio.file.Path;

class IngestWhileCleaningOnMariaDbTest extends IngestWhileCleaningTest {
    @Override
    protected Database openDatabase(Path dir) {
        return TestDatabases.mariaDb(dir);
    }
}
