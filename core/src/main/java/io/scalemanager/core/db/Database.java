package io.scalemanager.core.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** The connection pool of a process, with the schema migrated to the current version on open. */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final DatabaseSettings settings;

    private Database(HikariDataSource dataSource, DatabaseSettings settings) {
        this.dataSource = dataSource;
        this.settings = settings;
    }

    /** Opens the pool and migrates the schema. Throws {@link DatabaseException} if either fails. */
    public static Database open(DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl(settings));
        if (settings.user() != null && !settings.user().isEmpty()) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null && !settings.password().isEmpty()) {
            config.setPassword(settings.password());
        }
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(Math.max(250, settings.connectTimeout().toMillis()));
        config.setInitializationFailTimeout(-1);
        config.setPoolName("scalemanager-db");
        HikariDataSource ds = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration/" + vendor(settings))
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new DatabaseException("cannot open the database at " + settings.urlForLogs() + ": "
                    + rootMessage(e), e);
        }
        log.info("Database ready: {}", settings.urlForLogs());
        return new Database(ds, settings);
    }

    /**
     * The URL with the timeouts every connection gets unless the URL sets them itself: on MariaDB/MySQL a socket
     * timeout (a server that stops answering, even one frozen mid-statement, fails the call) and a connect
     * timeout; on H2 a query timeout. MariaDB Connector/J serves jdbc:mysql: URLs too, when told to.
     */
    static String jdbcUrl(DatabaseSettings settings) {
        String url = settings.url();
        long queryMillis = settings.queryTimeout().toMillis();
        if (settings.isH2()) {
            return has(url, "QUERY_TIMEOUT") ? url : url + ";QUERY_TIMEOUT=" + queryMillis;
        }
        StringBuilder u = new StringBuilder(url);
        if (url.startsWith("jdbc:mysql:") && !has(url, "permitMysqlScheme")) {
            param(u, "permitMysqlScheme");
        }
        if (!has(url, "socketTimeout")) {
            param(u, "socketTimeout=" + queryMillis);
        }
        if (!has(url, "connectTimeout")) {
            param(u, "connectTimeout=" + Math.max(1000, settings.connectTimeout().toMillis()));
        }
        return u.toString();
    }

    private static boolean has(String url, String option) {
        return url.toLowerCase(java.util.Locale.ROOT).contains(option.toLowerCase(java.util.Locale.ROOT));
    }

    private static void param(StringBuilder url, String param) {
        url.append(url.indexOf("?") >= 0 ? "&" : "?").append(param);
    }

    private static String vendor(DatabaseSettings settings) {
        return switch (settings.vendor()) {
            case H2 -> "h2";
            case MYSQL -> "mysql"; // MariaDB and MySQL share one dialect of the schema
        };
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public DatabaseSettings settings() {
        return settings;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** True when a connection can be had and answers a trivial query. */
    public boolean isAvailable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
