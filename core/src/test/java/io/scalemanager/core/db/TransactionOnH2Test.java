package io.scalemanager.core.db;

import java.nio.file.Path;

class TransactionOnH2Test extends TransactionTest {
    @Override
    protected Database openDatabase(Path dir) {
        return TestDatabases.h2File(dir);
    }
}
