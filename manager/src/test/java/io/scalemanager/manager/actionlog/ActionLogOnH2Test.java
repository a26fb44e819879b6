package io.scalemanager.manager.actionlog;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;

import java.nio.file.Path;

class ActionLogOnH2Test extends ActionLogTest {
    @Override
    protected Database openDatabase(Path dir) {
        return TestDatabases.h2File(dir);
    }
}
