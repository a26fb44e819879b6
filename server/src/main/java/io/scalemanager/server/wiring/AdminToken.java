package io.scalemanager.server.wiring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The admin token {@code run} and {@code demo} use when neither {@code api.token} nor {@code api.tokens} is set:
 * changes always need a token (CONTRACT.md, "Access"), so the first start writes a random one to
 * {@code DATA/admin.token} (mode 0600, written to a temporary file and renamed, so no reader ever sees half a
 * token) and later starts reuse it. The log says where it is and how to send it, never the token itself.
 *
 * @param value the token
 * @param name  how the audit trail and the actions name its holder
 */
record AdminToken(String value, String name) {
    /** How the audit trail, the actions and the log lines name the holder of the generated token. */
    static final String NAME = "admin";
    static final String FILE = "admin.token";
    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    @Override
    public String toString() {
        return "AdminToken[" + name + "]"; // never the token itself
    }

    /**
     * The admin token of {@code run}/{@code demo}, which its own clients send too (its manager to its instance
     * API, the demo's VMs): {@code api.token} when set; else, with only a tokens file, one made for this process
     * alone (named {@code internal}, never written anywhere); else the one in {@code DATA/admin.token}.
     */
    static AdminToken forAllInOne(Optional<String> apiToken, boolean tokenFile, Path dataDir) {
        if (apiToken.isPresent()) {
            return new AdminToken(apiToken.get(), "api.token");
        }
        return tokenFile ? new AdminToken(generate(), "internal") : new AdminToken(ensure(dataDir), NAME);
    }

    /** The token in {@code dataDir/admin.token}, written there first if there is none yet. */
    static String ensure(Path dataDir) {
        Path file = dataDir.toAbsolutePath().normalize().resolve(FILE);
        try {
            if (Files.exists(file)) {
                String token = read(file);
                log.info("Changes need the admin token in {} (neither api.token nor api.tokens is set): send "
                        + "-H \"Authorization: Bearer $(cat {})\"", file, file);
                return token;
            }
            String token = generate();
            write(file, token);
            log.info("Wrote a new admin token to {}, readable by this user only: changes need it, send -H "
                    + "\"Authorization: Bearer $(cat {})\" (or set api.token or api.tokens)", file, file);
            return token;
        } catch (IOException e) {
            throw new StartupException("config key 'data': cannot " + (Files.exists(file) ? "read " : "write ")
                    + file + " (" + e.getMessage() + "), the admin token changes need when neither api.token "
                    + "nor api.tokens is set. Set api.token, or choose a directory this user may write: --data DIR");
        }
    }

    private static String read(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(perms)) {
                // Others could read the admin token: narrow it rather than serve with a leaked secret.
                Files.setPosixFilePermissions(file, OWNER_ONLY);
                log.warn("{} was readable by other users ({}); set it back to rw-------", file,
                        PosixFilePermissions.toString(perms));
            }
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IOException("the file is empty; delete it and a new token is written on the next start");
        }
        return token;
    }

    /** 32 random bytes, base64url without padding: 43 characters a shell passes without quoting. */
    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void write(Path file, String token) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(FILE + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(temp);
        boolean posix = Files.getFileStore(file.getParent()).supportsFileAttributeView("posix");
        try (FileChannel out = posix
                ? FileChannel.open(temp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.UTF_8)));
            out.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
