package io.scalemanager.history.jdbc;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;

import java.nio.file.Path;

class JdbcEventLogOnH2Test extends JdbcEventLogTest {
    @Override
    protected Database openDatabase(Path dir) {
        return TestDatabases.h2File(dir);
    }
}
