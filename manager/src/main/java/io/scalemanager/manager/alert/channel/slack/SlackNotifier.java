package io.scalemanager.manager.alert.channel.slack;

import io.scalemanager.core.json.Json;
import io.scalemanager.manager.alert.channel.DeliveryException;
import io.scalemanager.manager.alert.channel.JsonPost;
import io.scalemanager.manager.alert.channel.Notification;
import io.scalemanager.manager.alert.channel.Notifier;

import java.net.URI;
import java.util.Map;

/**
 * A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): {@code {"text": "..."}}, which all three
 * understand, with the title in bold and one line per alert.
 */
public final class SlackNotifier implements Notifier {
    private final String name;
    private final URI url;
    private final JsonPost post;

    /** Over https trusting the JDK's CAs only. */
    public SlackNotifier(String name, URI url) {
        this(name, url, JsonPost.JDK_CAS);
    }

    public SlackNotifier(String name, URI url, JsonPost post) {
        this.name = name;
        this.url = url;
        this.post = post;
    }

    @Override
    public String name() {
        return name;
    }

    /** Slack reads {@code <...>} as links and mentions; it asks for exactly these three to be escaped. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public void send(Notification n) throws DeliveryException {
        try {
            post.post(url, Json.mapper().writeValueAsBytes(new SlackMessage(escape("*" + n.title() + "*\n"
                    + n.text()))), Map.of());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DeliveryException("cannot write the message: " + e.getMessage(), e);
        }
    }

    /** What Slack's incoming webhook reads. */
    record SlackMessage(String text) {
    }
}
