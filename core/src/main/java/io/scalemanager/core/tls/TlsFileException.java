package io.scalemanager.core.tls;

import java.nio.file.Path;

/** A certificate, key or CA file that cannot be used; the message names the file and what is wrong. */
public final class TlsFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Not serialized: a Path is not Serializable, and the message names the file anyway. */
    private final transient Path file;

    public TlsFileException(Path file, String problem) {
        super(file + " " + problem);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
