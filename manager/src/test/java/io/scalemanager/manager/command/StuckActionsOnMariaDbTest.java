package io.scalemanager.manager.command;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;

import java.nio.file.Path;

class StuckActionsOnMariaDbTest extends StuckActionsTest {
    @Override
    protected Database openDatabase(Path dir) {
        return TestDatabases.mariaDb(dir);
    }
}
