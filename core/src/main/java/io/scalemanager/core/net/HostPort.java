package io.scalemanager.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address to listen on or connect to. {@link #toString} is the one place a HOST:PORT is written, an IPv6 host
 * in brackets ({@code [::1]:8080}), as URLs and log lines need it.
 */
public record HostPort(String host, int port) {

    /** HOST:PORT or [IPV6]:PORT; {@link IllegalArgumentException} naming the text otherwise. */
    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text, e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(text);
        }
        return new HostPort(host, port);
    }

    /** True for 127.0.0.0/8, ::1 and names that resolve only there (localhost). */
    public boolean isLoopback() {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
