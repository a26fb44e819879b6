package io.scalemanager.core.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files into the JDK's key stores, with the JDK's own parsers: certificates through
 * {@link CertificateFactory} (which reads PEM itself), private keys as PKCS#8 ({@code BEGIN PRIVATE KEY}, what
 * {@code openssl genpkey} and certbot write) through {@link KeyFactory}. The older one-algorithm formats
 * ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}) are refused with the {@code openssl pkcs8}
 * command that converts them, rather than parsed by hand-written ASN.1.
 */
public final class Pem {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final Pattern OTHER_KEY = Pattern.compile("-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");
    /** The alias of the server's own key in the stores built here. */
    static final String KEY_ALIAS = "scalemanager";
    /** The stores built here stay in memory; their password only satisfies the KeyStore API. */
    static final String STORE_PASSWORD = "in-memory";

    private Pem() {
    }

    /** Every certificate in a PEM file, in file order (a server's chain: its own first). */
    public static List<X509Certificate> certificates(Path file) {
        byte[] bytes = read(file);
        try {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes)).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                throw new TlsFileException(file, "holds no certificate; expected PEM blocks "
                        + "'-----BEGIN CERTIFICATE-----'");
            }
            return certs;
        } catch (CertificateException e) {
            throw new TlsFileException(file, "is not a PEM certificate file (" + e.getMessage() + ")");
        }
    }

    /** The PKCS#8 private key in a PEM file. */
    public static PrivateKey privateKey(Path file) {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            Matcher other = OTHER_KEY.matcher(text);
            if (other.find()) {
                throw new TlsFileException(file, "holds a '" + other.group(1) + "', not an unencrypted PKCS#8 "
                        + "'PRIVATE KEY'; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file
                        + " -out key.pem");
            }
            throw new TlsFileException(file, "holds no '-----BEGIN PRIVATE KEY-----' block");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(file, "has a private key block that is not valid base64");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // not this algorithm: try the next
            }
        }
        throw new TlsFileException(file, "holds a private key of an algorithm this JDK cannot read "
                + "(RSA, EC and Ed25519 work)");
    }

    /**
     * A key store holding the key and its certificate chain, after checking that they belong together: a key
     * replaced before its certificate (or the other way round) is refused rather than served.
     */
    public static KeyStore keyStore(Path certFile, Path keyFile) {
        List<X509Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        requireMatch(chain.get(0), key, certFile, keyFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(KEY_ALIAS, key, STORE_PASSWORD.toCharArray(), chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("an empty in-memory PKCS12 store cannot fail to take a key", e);
        }
    }

    /** A trust store of every certificate in a PEM file: the CAs a peer's certificate must chain to. */
    public static KeyStore trustStore(Path caFile) {
        List<X509Certificate> cas = certificates(caFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("an empty in-memory PKCS12 store cannot fail to take a certificate", e);
        }
    }

    /** Signs a few bytes with the key and verifies them with the certificate's public key. */
    private static void requireMatch(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> null;
            default -> key.getAlgorithm(); // Ed25519, Ed448 sign as themselves
        };
        if (algorithm == null) {
            return; // PSS needs parameters; the TLS handshake itself will tell
        }
        byte[] probe = "scalemanager key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new TlsFileException(keyFile, "does not hold the private key of the certificate in " + certFile
                    + " (the key and the certificate must be replaced together)");
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot be read (" + e + ")");
        }
    }
}
