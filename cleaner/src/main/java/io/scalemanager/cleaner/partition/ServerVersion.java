package io.scalemanager.cleaner.partition;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database server's product and version, as {@code SELECT VERSION()} gives it ({@code 11.4.5-MariaDB},
 * {@code 10.6.18-MariaDB-log}, {@code 8.0.36}), for the two features of the partition steps that differ between the servers
 * ADR 9 supports: {@code EXCHANGE PARTITION ... WITHOUT VALIDATION}, which MySQL has since 5.7 and MariaDB since
 * 11.4, and a lock wait of none ({@code lock_wait_timeout = 0}), which only MariaDB accepts.
 */
record ServerVersion(boolean mariaDb, int major, int minor) {
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)");

    /**
     * @throws IllegalArgumentException when the text holds no version number
     */
    static ServerVersion parse(String version) {
        // A MariaDB reached through a proxy may announce itself as "5.5.5-10.6.18-MariaDB": the prefix is
        // there for old MySQL clients, the real version follows it.
        String v = version.startsWith("5.5.5-") ? version.substring("5.5.5-".length()) : version;
        Matcher m = VERSION.matcher(v);
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("not a server version: " + version);
        }
        return new ServerVersion(v.toLowerCase(Locale.ROOT).contains("mariadb"),
                Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Whether the server can exchange a partition without reading every row to check its range. */
    boolean exchangesWithoutValidation() {
        return mariaDb ? major > 11 || (major == 11 && minor >= 4) : major >= 8 || (major == 5 && minor >= 7);
    }

    /**
     * Whether the server accepts {@code lock_wait_timeout = 0}, which makes a statement give up at once when a lock
     * it needs is taken instead of waiting: MariaDB since 10.3; MySQL's least is 1 s.
     */
    boolean locksWithoutWaiting() {
        return mariaDb && (major > 10 || (major == 10 && minor >= 3));
    }

    @Override
    public String toString() {
        return (mariaDb ? "MariaDB " : "MySQL ") + major + "." + minor;
    }
}
