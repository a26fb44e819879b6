package io.scalemanager.core.db;

import java.time.Duration;

/**
 * How to reach the database. The password is kept out of {@link #toString()} so settings can be logged.
 *
 * @param url            JDBC URL ({@code jdbc:h2:file:...} by default)
 * @param poolSize       maximum connections in the pool
 * @param connectTimeout how long a caller waits for a connection before the database counts as unavailable
 */
public record DatabaseSettings(String url, String user, String password, int poolSize, Duration connectTimeout) {

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
        return "DatabaseSettings[url=" + url + ", user=" + user + ", poolSize=" + poolSize + "]";
    }
}
