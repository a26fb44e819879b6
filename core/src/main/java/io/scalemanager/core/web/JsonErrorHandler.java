package io.scalemanager.core.web;

import io.scalemanager.core.json.Json;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Answers what Jetty refuses before a route runs (headers too large, a body past the size limit, a malformed
 * request) with the same JSON error body as every route, not Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

    private final HttpSettings settings;

    JsonErrorHandler(HttpSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        response.getHeaders().put(JSON);
        response.write(true, body(code), callback);
    }

    // Deprecated for removal in Jetty 12.1, yet still what Jetty calls for a request it cannot parse; without this
    // override such a request would be answered with Jetty's HTML page instead of our JSON error.
    @SuppressWarnings("removal")
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(JSON);
        return body(status);
    }

    private ByteBuffer body(int status) {
        try {
            return ByteBuffer.wrap(Json.mapper().writeValueAsBytes(new ApiError(describe(status), List.of())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String describe(int status) {
        return switch (status) {
            case 408 -> "request body arrived too slowly: the minimum is "
                    + settings.limits().minRequestBytesPerSecond() + " bytes per second";
            case 413 -> "request body too large: the limit is " + settings.maxRequestBytes() + " bytes";
            case 431 -> "request headers too large: the limit is " + settings.limits().maxHeaderBytes() + " bytes";
            default -> HttpStatus.getMessage(status);
        };
    }
}
