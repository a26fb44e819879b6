package io.scalemanager.core.tls;

import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Jetty's TLS context for one listener, built from PEM files and rebuilt when they change: TLS 1.2 and 1.3 only,
 * client certificates asked for when a client CA is configured.
 *
 * <p>The files are polled (every {@link #CHECK_EVERY}) and compared by content, not watched by Jetty's
 * {@code KeyStoreScanner}: that one follows a single key-store file, while a certificate and its key are two
 * PEM files that a renewal replaces one after the other. A change is applied only once the pair reads and
 * belongs together; until then the previous certificate is served, and the problem is logged once.
 */
public final class ServerTlsContext implements AutoCloseable {
    /** How often the files are compared with what is served: a replaced file is served within twice this. */
    public static final Duration CHECK_EVERY = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(ServerTlsContext.class);

    private final ServerTls files;
    private final SslContextFactory.Server factory = new SslContextFactory.Server();
    private final ScheduledExecutorService checker;
    private byte[] served;
    private byte[] lastFailed;

    private ServerTlsContext(ServerTls files, Duration every) {
        this.files = files;
        KeyStore keys = keyStore();
        factory.setKeyStore(keys);
        factory.setKeyStorePassword(Pem.STORE_PASSWORD);
        factory.setKeyManagerPassword(Pem.STORE_PASSWORD);
        factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        files.clientCa().ifPresent(ca -> {
            factory.setTrustStore(Pem.trustStore(ca));
            factory.setWantClientAuth(true);
        });
        served = fingerprint();
        checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tls-reload");
            t.setDaemon(true);
            return t;
        });
        checker.scheduleWithFixedDelay(this::reloadIfChanged, every.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("TLS certificate {} ({}), TLS 1.2 and 1.3{}", files.cert(), describe(keys),
                files.clientCa().map(ca -> ", client certificates checked against " + ca).orElse(""));
    }

    /**
     * Reads the files and starts watching them.
     *
     * @throws TlsFileException naming the file that cannot be used
     */
    public static ServerTlsContext start(ServerTls files) {
        return new ServerTlsContext(files, CHECK_EVERY);
    }

    /** What a Jetty {@code SslConnectionFactory} serves from; its context is swapped on a change. */
    public SslContextFactory.Server factory() {
        return factory;
    }

    private KeyStore keyStore() {
        return Pem.keyStore(files.cert(), files.key());
    }

    private synchronized void reloadIfChanged() {
        byte[] now;
        try {
            now = fingerprint();
        } catch (TlsFileException e) {
            now = null;
        }
        if (now != null && (Arrays.equals(now, served) || Arrays.equals(now, lastFailed))) {
            return;
        }
        try {
            KeyStore keys = keyStore();
            KeyStore trust = files.clientCa().map(Pem::trustStore).orElse(null);
            factory.reload(f -> {
                f.setKeyStore(keys);
                if (trust != null) {
                    f.setTrustStore(trust);
                }
            });
            served = now;
            lastFailed = null;
            log.info("Reloaded TLS certificate {} ({})", files.cert(), describe(keys));
        } catch (TlsFileException e) {
            if (now == null || !Arrays.equals(now, lastFailed)) {
                log.warn("TLS files changed but cannot be used yet; still serving the previous certificate: {}",
                        e.getMessage());
            }
            lastFailed = now;
        } catch (Exception e) {
            lastFailed = now;
            log.warn("Reloading TLS certificate {} failed; still serving the previous one", files.cert(), e);
        }
    }

    /** SHA-256 over the files' contents, so a file replaced by a rename or a symlink swap counts too. */
    private byte[] fingerprint() {
        List<Path> paths = new ArrayList<>(List.of(files.cert(), files.key()));
        files.clientCa().ifPresent(paths::add);
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path p : paths) {
                try {
                    digest.update(Files.readAllBytes(p));
                } catch (IOException e) {
                    throw new TlsFileException(p, "cannot be read (" + e + ")");
                }
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String describe(KeyStore keys) {
        try {
            X509Certificate cert = (X509Certificate) keys.getCertificate(Pem.KEY_ALIAS);
            return cert.getSubjectX500Principal().getName() + ", valid until " + cert.getNotAfter().toInstant();
        } catch (KeyStoreException e) {
            return "?";
        }
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }
}
