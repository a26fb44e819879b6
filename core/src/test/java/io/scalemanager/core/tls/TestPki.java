package io.scalemanager.core.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A private CA made in the test (BouncyCastle's certificate builder, EC P-256 keys), and certificates it issues,
 * written as PEM files the way {@code openssl} writes them: what an operator's private CA gives ScaleManager.
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final X500Name caName;
    private final KeyPair caKeys;
    private final X509Certificate caCert;
    private final Path caFile;

    /** A certificate with its key, as PEM files and as JDK objects. */
    public record Issued(Path cert, Path key, X509Certificate certificate, KeyPair keys, X509Certificate ca) {
        /** A client context presenting this certificate and trusting {@code trusted}'s CA. */
        public SSLContext clientContext(TestPki trusted) {
            return clientContext(trusted, false);
        }

        /**
         * The same, presenting the certificate even when the server asks for another CA's (the JDK's client
         * otherwise sends none then): how a client with a foreign certificate is tried.
         */
        public SSLContext clientContext(TestPki trusted, boolean always) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("me", keys.getPrivate(), new char[] {'x'}, new Certificate[] {certificate, ca});
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, new char[] {'x'});
                SSLContext context = SSLContext.getInstance("TLS");
                javax.net.ssl.X509ExtendedKeyManager keyManager =
                        (javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0];
                if (always) {
                    keyManager = new AlwaysPresenting(keyManager);
                }
                context.init(new javax.net.ssl.KeyManager[] {keyManager}, trusted.trustManagers(), null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Answers every request for a client certificate with its only one, whatever CAs the server names. */
    private static final class AlwaysPresenting extends javax.net.ssl.X509ExtendedKeyManager {
        private final javax.net.ssl.X509ExtendedKeyManager keys;

        AlwaysPresenting(javax.net.ssl.X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
                                              javax.net.ssl.SSLEngine engine) {
            return "me";
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket s) {
            return "me";
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return new String[] {"me"};
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket s) {
            return keys.chooseServerAlias(keyType, issuers, s);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    private TestPki(Path dir, String name) throws GeneralSecurityException, IOException {
        this.dir = Files.createDirectories(dir);
        this.caName = new X500Name("CN=" + name + ",O=ScaleManager tests");
        this.caKeys = keyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caName, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), caName,
                caKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        this.caCert = sign(builder, caKeys);
        this.caFile = dir.resolve(name + "-ca.pem");
        Files.writeString(caFile, pem("CERTIFICATE", caCert.getEncoded()));
    }

    /** A new CA named {@code name}, its certificate in {@code dir/NAME-ca.pem}. */
    public static TestPki create(Path dir, String name) {
        try {
            return new TestPki(dir, name);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path caFile() {
        return caFile;
    }

    /** A server certificate for 127.0.0.1 and localhost, in {@code dir/STEM.pem} and {@code dir/STEM-key.pem}. */
    public Issued server(String stem) {
        return issue(stem, "localhost", true);
    }

    /** A client certificate whose subject's CN is {@code cn} (an agent: its instance id). */
    public Issued client(String stem, String cn) {
        return issue(stem, cn, false);
    }

    private Issued issue(String stem, String cn, boolean server) {
        try {
            KeyPair keys = keyPair();
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caName, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(7))),
                    new X500Name("CN=" + cn + ",O=ScaleManager tests"), keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            if (server) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            }
            X509Certificate cert = sign(builder, caKeys);
            Path certFile = dir.resolve(stem + ".pem");
            Path keyFile = dir.resolve(stem + "-key.pem");
            writeAtomically(certFile, pem("CERTIFICATE", cert.getEncoded()));
            writeAtomically(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
            return new Issued(certFile, keyFile, cert, keys, caCert);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trust managers trusting this CA only. */
    public javax.net.ssl.TrustManager[] trustManagers() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(Pem.trustStore(caFile));
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context trusting this CA, presenting no certificate. */
    public SSLContext clientContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces {@code target} by a rename, as certbot and configuration tools do. */
    public static void writeAtomically(Path target, String content) {
        try {
            Path tmp = Files.createTempFile(target.getParent(), ".new", ".pem");
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
