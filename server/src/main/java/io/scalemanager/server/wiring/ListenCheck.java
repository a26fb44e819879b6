package io.scalemanager.server.wiring;

import io.scalemanager.core.net.HostPort;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * Tries the listen address before anything starts, so a busy or forbidden port stops start-up with a sentence
 * naming the address and what to do, instead of a web server's failure half-way through start-up.
 */
final class ListenCheck {
    private ListenCheck() {
    }

    static void ensureAvailable(HostPort listen) {
        if (listen.port() == 0) {
            return;
        }
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(java.net.InetAddress.getByName(listen.host()), listen.port());
        } catch (UnknownHostException e) {
            throw new StartupException("cannot listen on " + listen + ": the host name " + listen.host()
                    + " does not resolve; use an address of this machine, like 127.0.0.1:" + listen.port());
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the web server does: a port left in TIME_WAIT is free
            probe.bind(address);
        } catch (BindException e) {
            throw new StartupException(explain(listen, e.getMessage()));
        } catch (IOException e) {
            throw new StartupException("cannot listen on " + listen + ": " + e.getMessage());
        }
    }

    static String explain(HostPort listen, String reason) {
        String why = reason == null ? "" : reason;
        if (why.contains("in use")) {
            return "cannot listen on " + listen + ": the port is already in use (another scalemanager?). Stop what "
                    + "uses it, or choose another port: --listen " + new HostPort(listen.host(), listen.port() + 1);
        }
        if (why.contains("ermission denied")) {
            return "cannot listen on " + listen + ": ports below 1024 need root or CAP_NET_BIND_SERVICE. "
                    + "Choose a port from 1024 up, like --listen " + new HostPort(listen.host(), 8080);
        }
        if (why.contains("assign requested address")) {
            return "cannot listen on " + listen + ": " + listen.host() + " is not an address of this machine. "
                    + "Use one of its addresses, or 127.0.0.1";
        }
        return "cannot listen on " + listen + ": " + why;
    }
}
