package io.scalemanager.manager.alert.channel.teams;

import io.scalemanager.core.json.Json;
import io.scalemanager.manager.alert.channel.DeliveryException;
import io.scalemanager.manager.alert.channel.JsonPost;
import io.scalemanager.manager.alert.channel.Notification;
import io.scalemanager.manager.alert.channel.Notifier;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Microsoft Teams through an incoming webhook (a Workflows "post to a channel when a webhook request is
 * received" URL): a message with one Adaptive Card, the title in bold and one text block per alert.
 */
public final class TeamsNotifier implements Notifier {
    private final String name;
    private final URI url;

    public TeamsNotifier(String name, URI url) {
        this.name = name;
        this.url = url;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notification n) throws DeliveryException {
        List<Object> blocks = new ArrayList<>();
        blocks.add(Map.of("type", "TextBlock", "text", n.title(), "weight", "Bolder", "size", "Medium",
                "wrap", true, "color", n.allResolved() ? "Good" : switch (n.severity()) {
                    case CRITICAL -> "Attention";
                    case WARNING -> "Warning";
                    case INFO -> "Default";
                }));
        for (Notification.Item i : n.items()) {
            blocks.add(Map.of("type", "TextBlock", "text", i.line(), "wrap", true));
        }
        Map<String, Object> card = Map.of(
                "$schema", "http://adaptivecards.io/schemas/adaptive-card.json",
                "type", "AdaptiveCard", "version", "1.4", "body", blocks);
        Map<String, Object> body = Map.of("type", "message", "attachments", List.of(Map.of(
                "contentType", "application/vnd.microsoft.card.adaptive", "content", card)));
        try {
            JsonPost.post(url, Json.mapper().writeValueAsBytes(body), Map.of());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DeliveryException("cannot write the message: " + e.getMessage(), e);
        }
    }
}
