package io.scalemanager.core.db;

/** One real MariaDB server per test JVM, started on first use and stopped when the JVM exits. */
public final class TestMariaDb {
    private static MariaDbServer server;

    private TestMariaDb() {
    }

    /** The JDBC URL of a database on the shared MariaDB server, created when it does not exist. */
    public static synchronized String url(String database) {
        try {
            if (server == null) {
                server = MariaDbServer.start();
                Runtime.getRuntime().addShutdownHook(new Thread(TestMariaDb::stop));
            }
            return server.url(database);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start MariaDB for tests: " + e.getMessage(), e);
        }
    }

    private static void stop() {
        try {
            server.close();
        } catch (Exception ignored) {
            // the JVM is exiting
        }
    }
}
