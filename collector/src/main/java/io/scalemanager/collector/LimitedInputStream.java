package io.scalemanager.collector;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Fails once more than a limit of bytes was read. Javalin checks its request size limit against Content-Length
 * only, so a chunked body would otherwise be read without bound.
 */
final class LimitedInputStream extends FilterInputStream {

    /** The body went past the limit; the collector answers 413. */
    static final class TooLargeException extends IOException {
        TooLargeException(long limit) {
            super("request body larger than " + limit + " bytes", null);
        }
    }

    private final long limit;
    private long read;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void count(long n) throws TooLargeException {
        read += n;
        if (read > limit) {
            throw new TooLargeException(limit);
        }
    }
}
