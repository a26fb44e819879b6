package io.scalemanager.core.db;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How to reach the database. The password is kept out of {@link #toString()} so settings can be logged.
 *
 * @param url            JDBC URL ({@code jdbc:h2:file:...} by default)
 * @param poolSize       maximum connections in the pool
 * @param connectTimeout how long a caller waits for a connection before the database counts as unavailable
 * @param queryTimeout   longest wait for one statement's answer (socket and query timeout), so a stalled
 *                       database fails a call instead of holding its thread
 */
public record DatabaseSettings(String url, String user, String password, int poolSize, Duration connectTimeout,
                               Duration queryTimeout) {
    /** Statements of this process (a cleaner's chunk, a window warm-up) finish far sooner; a stall does not. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/@:?;]*):[^@/?;]*@");
    private static final Pattern URL_SECRET_PARAM =
            Pattern.compile("(?i)([?&;][a-z]*(password|secret|token)[a-z]*=)[^&;]*");

    public DatabaseSettings(String url, String user, String password, int poolSize, Duration connectTimeout) {
        this(url, user, password, poolSize, connectTimeout, DEFAULT_QUERY_TIMEOUT);
    }

    /** The URL as it may be logged: a password in it ({@code //user:pw@}, {@code password=}) masked. */
    public static String withoutCredentials(String url) {
        if (url == null) {
            return null;
        }
        String out = URL_USER_INFO.matcher(url).replaceAll("$1:***@");
        return URL_SECRET_PARAM.matcher(out).replaceAll("$1***");
    }

    public String urlForLogs() {
        return withoutCredentials(url);
    }

    /** The embedded default: an H2 file in the data directory that loses nothing on {@code kill -9}. */
    public static String embeddedUrl(String dataDir) {
        // WRITE_DELAY=0 writes every commit to the file before the commit returns, so an answered 202
        // survives kill -9; the collector's group commit wins back the throughput this costs.
        return "jdbc:h2:file:" + dataDir + "/scalemanager;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    /** The SQL dialects the schema is written for. */
    public enum Vendor { H2, MYSQL }

    public boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    /** The dialect of the URL; {@link DatabaseException} for a database ScaleManager does not support. */
    public Vendor vendor() {
        if (isH2()) {
            return Vendor.H2;
        }
        if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            return Vendor.MYSQL;
        }
        throw new DatabaseException("unsupported database URL '" + url
                + "': use jdbc:h2:..., jdbc:mariadb://... or jdbc:mysql://...", null);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + urlForLogs() + ", user=" + user + ", poolSize=" + poolSize + "]";
    }
}
