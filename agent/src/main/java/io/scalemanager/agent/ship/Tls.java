package io.scalemanager.agent.ship;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's TLS towards its collectors: the CA certificates of a PEM file to trust (as curl --cacert does;
 * otherwise the JDK's), and optionally a client certificate to present (as curl --cert/--key do), which a
 * collector with {@code tls.client_ca} takes instead of an ingest token. The JDK speaks TLS 1.2 and 1.3 only by
 * default. PEM is read with the JDK's own parsers; the agent ships without ScaleManager's core, whose
 * {@code io.scalemanager.core.tls.Pem} does the same for the servers.
 */
public final class Tls {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private Tls() {
    }

    public static SSLContext trusting(Path caFile) throws IOException {
        return context(Optional.of(caFile), Optional.empty(), Optional.empty());
    }

    /**
     * A context trusting {@code caFile} (or the JDK's CAs) and presenting the certificate in {@code certFile} with
     * the PKCS#8 key in {@code keyFile}, when given.
     *
     * @throws IOException naming the file that cannot be used
     */
    public static SSLContext context(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile)
            throws IOException {
        try {
            TrustManager[] trust = null;
            if (caFile.isPresent()) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                int i = 0;
                for (Certificate c : certificates(caFile.get())) {
                    store.setCertificateEntry("ca-" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                trust = tmf.getTrustManagers();
            }
            KeyManager[] keys = null;
            if (certFile.isPresent() && keyFile.isPresent()) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("agent", privateKey(keyFile.get()), IN_MEMORY,
                        certificates(certFile.get()).toArray(new Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, IN_MEMORY);
                keys = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the TLS files " + caFile.map(Path::toString).orElse("") + " "
                    + certFile.map(Path::toString).orElse("") + ": " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> certificates(Path file) throws IOException {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));
            if (certs.isEmpty()) {
                throw new IOException("no certificate in " + file);
            }
            return certs;
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        Matcher m = PKCS8.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new IOException(file + " holds no unencrypted PKCS#8 '-----BEGIN PRIVATE KEY-----'; convert it "
                    + "with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IOException(file + " holds a private key of an algorithm the JDK cannot read");
    }
}
