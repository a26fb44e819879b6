package io.scalemanager.core.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports on 127.0.0.1 for tests and benches: servers to start there, or addresses where nobody answers. */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** A port nothing listens on at this moment (the system's pick, so parallel builds do not collide). */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }
}
