package io.scalemanager.history.jdbc;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;

import java.nio.file.Path;

class JdbcEventLogOnMariaDbTest extends JdbcEventLogTest {
    @Override
    protected Database openDatabase(Path dir) {
        return TestDatabases.mariaDb(dir);
    }
}
