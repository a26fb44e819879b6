package io.scalemanager.core.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The tokens a server accepts: {@code api.token} (one admin token, named {@code api.token}), the admin token
 * {@code run}/{@code demo} generated, and the tokens file. A presented token is hashed once and compared with
 * every known hash in constant time.
 */
public final class Credentials {
    private final Optional<byte[]> apiToken;
    private final String apiTokenName;
    private final Optional<TokenFile> file;

    /**
     * @param apiToken     a plain admin token ({@code api.token} or the generated one), if any
     * @param apiTokenName how the audit trail names its holder
     * @param file         the tokens file, if configured
     */
    public Credentials(Optional<String> apiToken, String apiTokenName, Optional<TokenFile> file) {
        this.apiToken = apiToken.map(Credentials::sha256);
        this.apiTokenName = apiTokenName;
        this.file = file;
    }

    public static Credentials none() {
        return new Credentials(Optional.empty(), "api.token", Optional.empty());
    }

    /** Whether any token is configured; without one nothing can authenticate. */
    public boolean any() {
        return apiToken.isPresent() || file.isPresent();
    }

    /** Whether a tokens file is configured: then reads need a token too. */
    public boolean hasTokenFile() {
        return file.isPresent();
    }

    public Optional<Caller> identify(String token) {
        byte[] hash = sha256(token);
        boolean admin = apiToken.isPresent() && MessageDigest.isEqual(apiToken.get(), hash);
        Optional<Caller> fromFile = file.flatMap(f -> f.find(hash));
        return admin ? Optional.of(Caller.admin(apiTokenName)) : fromFile;
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }
}
