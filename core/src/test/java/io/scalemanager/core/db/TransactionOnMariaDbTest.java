package io.scalemanager.core.db;

import java.nio.file.Path;

class TransactionOnMariaDbTest extends TransactionTest {
    @Override
    protected Database openDatabase(Path dir) {
        return TestDatabases.mariaDb(dir);
    }
}
