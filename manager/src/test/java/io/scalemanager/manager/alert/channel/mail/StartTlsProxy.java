package io.scalemanager.manager.alert.channel.mail;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GreenMail's SMTP server does not offer STARTTLS, so this front speaks the start of an SMTP session itself
 * (greeting, EHLO offering only STARTTLS, the TLS handshake) and then relays the encrypted session's plain text
 * to GreenMail. Mail that arrives at GreenMail through it went over STARTTLS. With {@code implicitTls} it is an
 * SMTPS front instead: the TLS handshake comes first, then the whole session, GreenMail's greeting included, is
 * relayed. Its certificate is GreenMail's test certificate, or one a test's own CA issued ({@code tls}).
 */
final class StartTlsProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final SSLContext tls;
    private final boolean implicitTls;
    private final AtomicInteger tlsSessions = new AtomicInteger();

    /** STARTTLS with GreenMail's test certificate. */
    StartTlsProxy(int targetPort) throws Exception {
        this(targetPort, greenMailCertificate(), false);
    }

    /** STARTTLS, or TLS from the start when {@code implicitTls}, presenting the certificate of {@code tls}. */
    StartTlsProxy(int targetPort, SSLContext tls, boolean implicitTls) throws IOException {
        this.targetPort = targetPort;
        this.tls = tls;
        this.implicitTls = implicitTls;
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "starttls-proxy");
        t.setDaemon(true);
        t.start();
    }

    private static SSLContext greenMailCertificate() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = StartTlsProxy.class.getResourceAsStream("/greenmail.p12")) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    int port() {
        return server.getLocalPort();
    }

    int tlsSessions() {
        return tlsSessions.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> session(client), "starttls-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket client) {
        if (implicitTls) {
            relayOverTls(client);
            return;
        }
        try (client) {
            OutputStream out = client.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII));
            write(out, "220 127.0.0.1 ESMTP test front\r\n");
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                String cmd = line.toUpperCase();
                if (cmd.startsWith("EHLO")) {
                    write(out, "250-127.0.0.1\r\n250 STARTTLS\r\n");
                } else if (cmd.startsWith("STARTTLS")) {
                    write(out, "220 go ahead\r\n");
                    break;
                } else if (cmd.startsWith("QUIT")) {
                    write(out, "221 bye\r\n");
                    return;
                } else {
                    write(out, "530 must issue STARTTLS first\r\n");
                }
            }
            SSLSocket secure = handshake(client);
            try (secure; Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                InputStream fromTarget = target.getInputStream();
                // Swallow GreenMail's greeting: the client had ours.
                int c;
                while ((c = fromTarget.read()) != -1 && c != '\n') {
                    // skip
                }
                Thread up = new Thread(() -> pump(secure, target), "starttls-up");
                up.setDaemon(true);
                up.start();
                pump(target, secure);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** The server side of a TLS handshake on the client's connection, counted. */
    private SSLSocket handshake(Socket client) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client, "127.0.0.1", client.getPort(), false);
        secure.setUseClientMode(false);
        secure.startHandshake();
        tlsSessions.incrementAndGet();
        return secure;
    }

    /** SMTPS: the handshake first, then the whole session relayed as it is. */
    private void relayOverTls(Socket client) {
        try (client) {
            SSLSocket secure = handshake(client);
            try (secure; Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                Thread up = new Thread(() -> pump(secure, target), "smtps-up");
                up.setDaemon(true);
                up.start();
                pump(target, secure);
            }
        } catch (IOException e) {
            // the client went away, or refused the certificate
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException | UnsupportedOperationException e) {
            // one side closed
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
