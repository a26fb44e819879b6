package io.scalemanager.manager.schedule;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;

import java.nio.file.Path;

class SchedulerOnH2Test extends SchedulerTest {
    @Override
    protected Database openDatabase(Path dir) {
        return TestDatabases.h2File(dir);
    }
}
