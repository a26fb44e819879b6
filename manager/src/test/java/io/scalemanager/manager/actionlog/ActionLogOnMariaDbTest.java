package io.scalemanager.manager.actionlog;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;

import java.nio.file.Path;

class ActionLogOnMariaDbTest extends ActionLogTest {
    @Override
    protected Database openDatabase(Path dir) {
        return TestDatabases.mariaDb(dir);
    }
}
