package io.scalemanager.core.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;

/**
 * How this process's HTTP clients verify the servers they call over {@code https} (config key {@code tls.ca}):
 * against the CA certificates of a PEM file, or the JDK's trust store when none is configured. Every client of
 * the server processes that calls ScaleManager (manager → instance API, manager → manager, the cleaner) is built by
 * {@link #httpClient}, so that one key decides what is trusted. Clients of services outside ScaleManager (chat
 * webhooks, the HTTP hoster provider) trust the JDK's CAs and that file too ({@link #publicAnd}). Host names are
 * checked as browsers do.
 */
public final class ClientTls {
    /** The JDK's trust store: public CAs. */
    public static final ClientTls SYSTEM = new ClientTls(Optional.empty(), systemContext());

    private final Optional<Path> caFile;
    private final SSLContext context;
    /** Whether the JDK's CAs are trusted besides the file's. */
    private final boolean withJdkCas;

    private ClientTls(Optional<Path> caFile, SSLContext context) {
        this(caFile, context, caFile.isEmpty());
    }

    private ClientTls(Optional<Path> caFile, SSLContext context, boolean withJdkCas) {
        this.caFile = caFile;
        this.context = context;
        this.withJdkCas = withJdkCas;
    }

    /**
     * Trusting exactly the CA certificates in {@code caFile} (as {@code curl --cacert} does).
     *
     * @throws TlsFileException naming the file when it holds no usable certificate
     */
    public static ClientTls trusting(Path caFile) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(Pem.trustStore(caFile));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return new ClientTls(Optional.of(caFile), context);
        } catch (GeneralSecurityException e) {
            throw new TlsFileException(caFile, "cannot serve as a trust store (" + e.getMessage() + ")");
        }
    }

    /**
     * Trusting exactly the certificate this process itself serves (the first in {@code ownCertFile}, read at each
     * new connection, so a renewed one is followed): for the all-in-one calling its own instance API on the
     * address it listens on, which the certificate's names need not include.
     */
    public static ClientTls pinnedTo(Path ownCertFile) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new OwnCertificate(ownCertFile)}, null);
            return new ClientTls(Optional.of(ownCertFile), context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's TLS context cannot be made", e);
        }
    }

    /**
     * For services outside ScaleManager (chat webhooks, a hoster's API), which may sit behind a public CA or the
     * operator's own: the JDK's CAs and, when one is configured, also the CA certificates of {@code caFile}.
     *
     * @throws TlsFileException naming the file when it holds no usable certificate
     */
    public static ClientTls publicAnd(Optional<Path> caFile) {
        if (caFile.isEmpty()) {
            return SYSTEM;
        }
        try {
            KeyStore store = Pem.trustStore(caFile.get());
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            int n = 0;
            for (TrustManager tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate ca : x.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + n++, ca);
                    }
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return new ClientTls(caFile, context, true);
        } catch (GeneralSecurityException e) {
            throw new TlsFileException(caFile.get(), "cannot serve as a trust store (" + e.getMessage() + ")");
        }
    }

    /** {@link #trusting} the file when one is configured, else {@link #SYSTEM}. */
    public static ClientTls of(Optional<Path> caFile) {
        return caFile.map(ClientTls::trusting).orElse(SYSTEM);
    }

    public Optional<Path> caFile() {
        return caFile;
    }

    public SSLContext sslContext() {
        return context;
    }

    /**
     * A client builder with this trust, TLS 1.2 or 1.3, HTTP/1.1 (what every ScaleManager server speaks), no
     * redirects followed, and {@code connectTimeout}; callers add what else they need.
     */
    public HttpClient.Builder httpClient(Duration connectTimeout) {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        return HttpClient.newBuilder()
                .sslContext(context)
                .sslParameters(parameters)
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER);
    }

    private static SSLContext systemContext() {
        try {
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's default TLS context is unavailable", e);
        }
    }

    /** Accepts a server presenting the certificate of a file (or the one accepted before, during a renewal). */
    private static final class OwnCertificate extends X509ExtendedTrustManager {
        private final Path certFile;
        private volatile X509Certificate lastAccepted;

        OwnCertificate(Path certFile) {
            this.certFile = certFile;
        }

        private void check(X509Certificate[] chain)
                throws CertificateException {
            X509Certificate presented = chain == null || chain.length == 0 ? null : chain[0];
            if (presented == null) {
                throw new CertificateException("no server certificate");
            }
            if (presented.equals(lastAccepted)) {
                return;
            }
            X509Certificate own;
            try {
                own = Pem.certificates(certFile).get(0);
            } catch (TlsFileException e) {
                throw new CertificateException(e.getMessage());
            }
            if (!presented.equals(own)) {
                throw new CertificateException("the server's certificate is not the one in "
                        + certFile);
            }
            lastAccepted = own;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType,
                                       Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType,
                                       SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType,
                                       Socket socket) throws CertificateException {
            throw new CertificateException("a client-side trust manager");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType,
                                       SSLEngine engine) throws CertificateException {
            throw new CertificateException("a client-side trust manager");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws CertificateException {
            throw new CertificateException("a client-side trust manager");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    @Override
    public String toString() {
        return caFile.map(f -> withJdkCas ? "trusting the JDK's CAs and " + f : "trusting " + f)
                .orElse("trusting the JDK's CAs");
    }
}
