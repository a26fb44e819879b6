package io.scalemanager.manager.alert.channel;

import io.scalemanager.core.tls.ClientTls;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Posts a JSON body to a webhook; anything but 2xx is a failed delivery. Shared by the chat and webhook channels.
 * Over https it trusts what its {@link ClientTls} trusts (the server's: the JDK's CAs and tls.ca).
 */
public final class JsonPost {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Trusting the JDK's CAs only, for channels made without the server's configuration. */
    public static final JsonPost JDK_CAS = new JsonPost(ClientTls.SYSTEM);

    private final HttpClient client;

    public JsonPost(ClientTls tls) {
        this.client = tls.httpClient(TIMEOUT).build();
    }

    public void post(URI url, byte[] body, Map<String, String> headers) throws DeliveryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Webhook URLs carry their secret in the path: name only the host.
            throw new DeliveryException("cannot reach " + url.getHost() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            String answer = response.body() == null ? "" : response.body();
            throw new DeliveryException(url.getHost() + " answered " + response.statusCode()
                    + (answer.isBlank() ? "" : ": " + answer.substring(0, Math.min(200, answer.length()))));
        }
    }
}
