package io.scalemanager.manager.alert.channel.teams;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
    private final JsonPost post;

    /** Over https trusting the JDK's CAs only. */
    public TeamsNotifier(String name, URI url) {
        this(name, url, JsonPost.JDK_CAS);
    }

    public TeamsNotifier(String name, URI url, JsonPost post) {
        this.name = name;
        this.url = url;
        this.post = post;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notification n) throws DeliveryException {
        List<TextBlock> blocks = new ArrayList<>();
        blocks.add(new TextBlock("TextBlock", n.title(), true, "Bolder", "Medium",
                n.allResolved() ? "Good" : switch (n.severity()) {
                    case CRITICAL -> "Attention";
                    case WARNING -> "Warning";
                    case INFO -> "Default";
                }));
        for (Notification.Item i : n.items()) {
            blocks.add(new TextBlock("TextBlock", i.line(), true, null, null, null));
        }
        Message body = new Message("message", List.of(new Attachment("application/vnd.microsoft.card.adaptive",
                new AdaptiveCard("http://adaptivecards.io/schemas/adaptive-card.json", "AdaptiveCard", "1.4",
                        blocks))));
        try {
            post.post(url, Json.mapper().writeValueAsBytes(body), Map.of());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DeliveryException("cannot write the message: " + e.getMessage(), e);
        }
    }

    /** What Teams' webhook reads: a message carrying attachments. */
    record Message(String type, List<Attachment> attachments) {
    }

    record Attachment(String contentType, AdaptiveCard content) {
    }

    record AdaptiveCard(@JsonProperty("$schema") String schema, String type, String version, List<TextBlock> body) {
    }

    /** A text block of the card; weight, size and colour only where set (the title). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TextBlock(String type, String text, boolean wrap, String weight, String size, String color) {
    }
}
