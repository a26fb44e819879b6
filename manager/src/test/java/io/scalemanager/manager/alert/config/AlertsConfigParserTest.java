package io.scalemanager.manager.alert.config;

import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.core.yaml.YamlError;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.alert.channel.mail.SmtpNotifier;
import io.scalemanager.manager.alert.channel.slack.SlackNotifier;
import io.scalemanager.manager.alert.channel.teams.TeamsNotifier;
import io.scalemanager.manager.alert.channel.webhook.WebhookNotifier;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlertsConfigParserTest {
    private static final Map<String, String> ENV = Map.of("SMTP_PASSWORD", "pw-123",
            "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/SECRET",
            "TEAMS_WEBHOOK_URL", "https://example.webhook.office.com/x", "PAGER_WEBHOOK_SECRET", "hmac-key");

    private static Path example() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("config/alerts.example.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("config/alerts.example.yaml above the working directory").isNotNull();
        return dir.resolve("config/alerts.example.yaml");
    }

    @Test
    void exampleFileParsesWithSecretsFromTheEnvironment() throws Exception {
        AlertsConfig c = AlertsConfigParser.parse(example(), ENV, ClientTls.SYSTEM);

        assertThat(c.channels()).extracting(n -> n.name() + ":" + n.getClass().getSimpleName()).containsExactly(
                "ops-mail:" + SmtpNotifier.class.getSimpleName(), "ops-chat:" + SlackNotifier.class.getSimpleName(),
                "ops-teams:" + TeamsNotifier.class.getSimpleName(), "pager:" + WebhookNotifier.class.getSimpleName());
        assertThat(c.groupWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.repeatInterval()).isEqualTo(Duration.ofHours(4));
        assertThat(c.stoppedReportingAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.maxLag()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.channelsFor(Severity.CRITICAL, "web-1")).containsExactly("ops-mail", "pager", "ops-chat", "ops-teams");
        assertThat(c.channelsFor(Severity.WARNING, "db-1")).isEmpty();
        assertThat(c.channelsFor(Severity.CRITICAL, null)).containsExactly("ops-mail", "pager");
    }

    @Test
    void withoutRoutesEveryAlertGoesToEveryChannel() throws Exception {
        AlertsConfig c = AlertsConfigParser.parse("""
                channels:
                  - {name: a, type: slack, url: "http://127.0.0.1:9/a"}
                  - {name: b, type: webhook, url: "http://127.0.0.1:9/b"}
                """, "alerts.yaml", Map.of());

        assertThat(c.channelsFor(Severity.INFO, "x")).containsExactly("a", "b");
        assertThat(c.repeatInterval()).isEqualTo(AlertsConfig.DEFAULT_REPEAT_INTERVAL);
    }

    @Test
    void errorsNameFileLineAndKeyAndAreAllReported() {
        String yaml = """
                channels:
                  - name: mail
                    type: smtp
                    host: smtp.example.com
                    port: seventy
                    from: a@example.com
                    to: [b@example.com]
                    colour: red
                  - name: chat
                    type: carrier-pigeon
                routes:
                  - severity: [urgent]
                    channels: [mail, nowhere]
                repeat_interval: often
                """;

        assertThatThrownBy(() -> AlertsConfigParser.parse(yaml, "config/alerts.yaml", Map.of()))
                .isInstanceOf(AlertsConfigException.class)
                .satisfies(e -> assertThat(((AlertsConfigException) e).errors()).extracting(YamlError::toString)
                        .containsExactly(
                        "config/alerts.yaml:5: channels[1]: 'port' must be a whole number from 1 to 65535, got "
                                + "\"seventy\"",
                        "config/alerts.yaml:8: channels[1]: unknown key 'colour'; expected one of from, host, "
                                + "name, password, port, security, ssl_trust, to, type, username",
                        "config/alerts.yaml:10: channels[2]: 'type' must be one of smtp, slack, teams, webhook, "
                                + "got \"carrier-pigeon\"",
                        "config/alerts.yaml:12: routes[1]: 'severity' must be info, warning or critical, got "
                                + "\"urgent\"",
                        "config/alerts.yaml:13: routes[1]: 'channels' lists 'nowhere', but no channel has that name",
                        "config/alerts.yaml:14: 'repeat_interval' must be a duration above zero like 500ms, 10s or "
                                + "2m, got \"often\""));
    }

    @Test
    void missingEnvironmentVariableIsNamedAndTheSecretNeverShown() {
        String yaml = """
                channels:
                  - name: hook
                    type: webhook
                    url: "https://example.com/hook/SECRETPATH"
                    secret: ${HOOK_SECRET}
                  - name: bad
                    type: slack
                    url: "not a url SECRETPATH"
                """;

        assertThatThrownBy(() -> AlertsConfigParser.parse(yaml, "a.yaml", Map.of()))
                .hasMessageContaining("a.yaml:5: channels[1]: 'secret' needs environment variable HOOK_SECRET, which is "
                        + "not set")
                .hasMessageContaining("a.yaml:8: channels[2]: 'url' must be an http:// or https:// URL")
                .hasMessageNotContaining("SECRETPATH");
    }

    @Test
    void mailNeedsRecipientsAndBothOrNeitherOfUsernameAndPassword() {
        String yaml = """
                channels:
                  - name: mail
                    type: smtp
                    host: smtp.example.com
                    from: a@example.com
                    username: someone
                """;

        assertThatThrownBy(() -> AlertsConfigParser.parse(yaml, "a.yaml", Map.of()))
                .hasMessageContaining("a.yaml:2: channels[1]: give both 'username' and 'password', or neither")
                .hasMessageContaining("a.yaml:2: channels[1]: 'to' must give the recipients");
    }

    @Test
    void mailAddressesAreChecked() {
        String yaml = """
                channels:
                  - name: mail
                    type: smtp
                    host: smtp.example.com
                    from: "not an address"
                    to: [ops@example.com, "@@"]
                """;

        assertThatThrownBy(() -> AlertsConfigParser.parse(yaml, "a.yaml", Map.of()))
                .hasMessageContaining("a.yaml:5: channels[1]: 'from' must be a mail address")
                .hasMessageContaining("a.yaml:6: channels[1]: 'to' lists \"@@\", which is not a mail address");
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertThatThrownBy(() -> AlertsConfigParser.parse("channels:\n  - name: [x\n", "a.yaml", Map.of()))
                .hasMessageStartingWith("a.yaml:3: not valid YAML");
    }
}
