package io.scalemanager.core.tls;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The files a TLS listener serves from (config keys {@code tls.cert}, {@code tls.key}, {@code tls.client_ca}).
 * They are read again when they change ({@link ServerTlsContext}), so a renewed certificate is served without a
 * restart.
 *
 * @param cert     PEM certificate chain, the server's own certificate first
 * @param key      PEM PKCS#8 private key of that certificate
 * @param clientCa PEM CA certificates client certificates must chain to; when present, clients are asked for a
 *                 certificate (agents present one instead of an ingest token), and one that does not chain is
 *                 refused in the handshake
 */
public record ServerTls(Path cert, Path key, Optional<Path> clientCa) {

    /**
     * Reads and checks every file now: the certificate, the key, that they belong together, and the client CA.
     *
     * @throws TlsFileException naming the file and what is wrong with it
     */
    public void check() {
        Pem.keyStore(cert, key);
        clientCa.ifPresent(Pem::trustStore);
    }
}
