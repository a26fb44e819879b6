package io.scalemanager.manager.alert.channel.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.alert.channel.DeliveryException;
import io.scalemanager.manager.alert.channel.Notification;
import io.scalemanager.manager.alert.channel.slack.SlackNotifier;
import io.scalemanager.manager.alert.channel.teams.TeamsNotifier;
import io.scalemanager.manager.alert.channel.webhook.WebhookNotifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatAndWebhookNotifiersTest {
    private static final Notification TWO = new Notification(List.of(
            new Notification.Item(1764067200000L, Severity.CRITICAL, "web-1", "ram-up", "command_failed",
                    "web-1: ram +1024 was not carried out: provider down", false),
            new Notification.Item(1764067201500L, Severity.WARNING, "web-2", null, "stopped_reporting",
                    "web-2 has not reported for 6m", true)));

    private Receiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void slackWebhookGetsTextWithTitleAndOneLinePerAlert() throws Exception {
        new SlackNotifier("chat", receiver.url("/hooks/T000/B000/XXX")).send(TWO);

        Receiver.Request r = receiver.received().get(0);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.fieldNames()).toIterable().containsExactly("text");
        assertThat(body.get("text").asText()).startsWith("*[ScaleManager] 1 firing, 1 resolved*\n")
                .contains("[CRITICAL] web-1: ram +1024 was not carried out: provider down")
                .contains("[RESOLVED] resolved: web-2 has not reported for 6m");
    }

    @Test
    void slackTextEscapesWhatSlackWouldReadAsLinksOrMentions() throws Exception {
        new SlackNotifier("chat", receiver.url("/hooks/x")).send(new Notification(List.of(new Notification.Item(
                1764067200000L, Severity.WARNING, "web-1", null, "rule", "provider said <!channel> & left", false))));

        String text = Json.mapper().readTree(receiver.received().get(0).body()).get("text").asText();
        assertThat(text).contains("provider said &lt;!channel&gt; &amp; left").doesNotContain("<!channel>");
    }

    @Test
    void teamsWebhookGetsAnAdaptiveCard() throws Exception {
        new TeamsNotifier("teams", receiver.url("/workflows/abc")).send(TWO);

        JsonNode body = Json.mapper().readTree(receiver.received().get(0).body());
        assertThat(body.get("type").asText()).isEqualTo("message");
        JsonNode attachment = body.get("attachments").get(0);
        assertThat(attachment.get("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode card = attachment.get("content");
        assertThat(card.get("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.get("version").asText()).isEqualTo("1.4");
        JsonNode blocks = card.get("body");
        assertThat(blocks).hasSize(3);
        assertThat(blocks.get(0).get("text").asText()).isEqualTo("[ScaleManager] 1 firing, 1 resolved");
        assertThat(blocks.get(0).get("color").asText()).isEqualTo("Attention");
        assertThat(blocks.get(1).get("text").asText())
                .isEqualTo("[CRITICAL] web-1: ram +1024 was not carried out: provider down");
        assertThat(blocks.get(2).get("type").asText()).isEqualTo("TextBlock");
    }

    @Test
    void webhookCarriesEveryFieldAndAnHmacTheReceiverCanVerify() throws Exception {
        new WebhookNotifier("hook", receiver.url("/alerts"), Optional.of("shared-secret")).send(TWO);

        Receiver.Request r = receiver.received().get(0);
        // What a receiver does: HMAC-SHA256 of the exact bytes with the shared secret.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("shared-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(r.bytes()));
        assertThat(r.header(WebhookNotifier.SIGNATURE_HEADER)).isEqualTo(expected);

        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.get("title").asText()).isEqualTo("[ScaleManager] 1 firing, 1 resolved");
        JsonNode first = body.get("alerts").get(0);
        assertThat(first.get("status").asText()).isEqualTo("firing");
        assertThat(first.get("time").asLong()).isEqualTo(1764067200L);
        assertThat(first.get("severity").asText()).isEqualTo("critical");
        assertThat(first.get("instance").asText()).isEqualTo("web-1");
        assertThat(first.get("rule").asText()).isEqualTo("ram-up");
        assertThat(first.get("kind").asText()).isEqualTo("command_failed");
        assertThat(first.get("message").asText()).contains("provider down");
        JsonNode second = body.get("alerts").get(1);
        assertThat(second.get("status").asText()).isEqualTo("resolved");
        assertThat(second.get("time").decimalValue()).isEqualByComparingTo("1764067201.5");
        assertThat(second.get("rule").isNull()).isTrue();
    }

    @Test
    void signatureDoesNotVerifyWithAnotherSecret() throws Exception {
        new WebhookNotifier("hook", receiver.url("/alerts"), Optional.of("shared-secret")).send(TWO);

        Receiver.Request r = receiver.received().get(0);
        assertThat(r.header(WebhookNotifier.SIGNATURE_HEADER))
                .isNotEqualTo("sha256=" + WebhookNotifier.hmacSha256Hex("other-secret", r.bytes()));
    }

    @Test
    void webhookWithoutSecretSendsNoSignature() throws Exception {
        new WebhookNotifier("hook", receiver.url("/alerts"), Optional.empty()).send(TWO);

        assertThat(receiver.received().get(0).header(WebhookNotifier.SIGNATURE_HEADER)).isNull();
    }

    @Test
    void non2xxAnswerIsAFailedDeliveryThatDoesNotRepeatTheSecretPath() {
        receiver.answer(503);

        assertThatThrownBy(() -> new SlackNotifier("chat", receiver.url("/hooks/SECRETPATH")).send(TWO))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("503")
                .hasMessageNotContaining("SECRETPATH");
    }

    @Test
    void unreachableReceiverIsAFailedDelivery() {
        java.net.URI gone = receiver.url("/x");
        receiver.close();

        assertThatThrownBy(() -> new WebhookNotifier("hook", gone, Optional.empty()).send(TWO))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("cannot reach 127.0.0.1");
    }
}
