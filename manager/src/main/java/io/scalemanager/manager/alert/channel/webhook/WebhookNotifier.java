package io.scalemanager.manager.alert.channel.webhook;

import io.scalemanager.core.json.Json;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.manager.alert.channel.DeliveryException;
import io.scalemanager.manager.alert.channel.JsonPost;
import io.scalemanager.manager.alert.channel.Notification;
import io.scalemanager.manager.alert.channel.Notifier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A generic JSON webhook: {@code {"title", "alerts": [{"status", "time", "severity", "instance", "rule", "kind",
 * "message"}]}}. With a secret, header {@value #SIGNATURE_HEADER} carries {@code sha256=HEX} of the
 * HMAC-SHA256 of the exact body, so the receiver can check who sent it.
 */
public final class WebhookNotifier implements Notifier {
    public static final String SIGNATURE_HEADER = "X-ScaleManager-Signature";

    private final String name;
    private final URI url;
    private final Optional<String> secret;
    private final JsonPost post;

    /** Over https trusting the JDK's CAs only. */
    public WebhookNotifier(String name, URI url, Optional<String> secret) {
        this(name, url, secret, JsonPost.JDK_CAS);
    }

    public WebhookNotifier(String name, URI url, Optional<String> secret, JsonPost post) {
        this.name = name;
        this.url = url;
        this.secret = secret;
        this.post = post;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notification n) throws DeliveryException {
        List<WebhookAlert> alerts = new ArrayList<>();
        for (Notification.Item i : n.items()) {
            alerts.add(new WebhookAlert(i.resolved() ? "resolved" : "firing", EpochSeconds.fromMillis(i.timeMs()),
                    i.severity().wireName(), i.instance(), i.rule(), i.kind(), i.message()));
        }
        WebhookBody body = new WebhookBody(n.title(), alerts);
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DeliveryException("cannot write the message: " + e.getMessage(), e);
        }
        Map<String, String> headers = secret.isPresent()
                ? Map.of(SIGNATURE_HEADER, "sha256=" + hmacSha256Hex(secret.get(), bytes)) : Map.of();
        post.post(url, bytes, headers);
    }

    /** HEX of HMAC-SHA256(secret, body): what a receiver computes to check the signature header. */
    public static String hmacSha256Hex(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** The body a webhook receives (CONTRACT.md, "Alerts"): a title and the alerts of one notification. */
    record WebhookBody(String title, List<WebhookAlert> alerts) {
    }

    /** One alert of a webhook body; the time in epoch seconds. */
    record WebhookAlert(String status, Number time, String severity, String instance, String rule, String kind,
                        String message) {
    }
}
