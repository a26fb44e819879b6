package io.scalemanager.core.tls;

import java.nio.file.Path;

/** A certificate, key or CA file that cannot be used; the message names the file and what is wrong. */
public final class TlsFileException extends RuntimeException {
    private final Path file;

    public TlsFileException(Path file, String problem) {
        super(file + " " + problem);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
