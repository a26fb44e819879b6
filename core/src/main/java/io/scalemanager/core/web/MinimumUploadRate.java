package io.scalemanager.core.web;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.concurrent.TimeUnit;

/**
 * Fails a request whose body arrives slower than a minimum rate, so a client trickling bytes (a slow-loris upload)
 * cannot hold a server thread in a blocking read. The rate is checked only when the handler would have to wait for
 * more bytes, and only after a grace second: a small body read late by a busy server is never refused, unlike
 * Jetty's own {@code HttpConfiguration.minRequestDataRate}, which also counts the time the server took.
 */
final class MinimumUploadRate extends Handler.Wrapper {
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long minBytesPerSecond;

    MinimumUploadRate(long minBytesPerSecond) {
        this.minBytesPerSecond = minBytesPerSecond;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(minBytesPerSecond > 0 ? new RatedRequest(request) : request, response, callback);
    }

    private final class RatedRequest extends Request.Wrapper {
        private long firstReadNanos;
        private long bytes;
        private volatile Content.Chunk failure;

        RatedRequest(Request request) {
            super(request);
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk failed = failure;
            if (failed != null) {
                return failed;
            }
            if (firstReadNanos == 0) {
                firstReadNanos = System.nanoTime();
            }
            Content.Chunk chunk = super.read();
            if (chunk != null) {
                bytes += chunk.remaining();
            }
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            long elapsed = firstReadNanos == 0 ? 0 : System.nanoTime() - firstReadNanos;
            if (elapsed > GRACE_NANOS && bytes * TimeUnit.SECONDS.toNanos(1) / elapsed < minBytesPerSecond) {
                failure = Content.Chunk.from(new HttpException.RuntimeException(408,
                        "request body slower than " + minBytesPerSecond + " bytes/s"));
                demandCallback.run();
                return;
            }
            super.demand(demandCallback);
        }
    }
}
