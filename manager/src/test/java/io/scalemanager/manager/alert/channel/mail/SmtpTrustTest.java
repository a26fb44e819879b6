package io.scalemanager.manager.alert.channel.mail;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.core.tls.TestPki;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.alert.channel.DeliveryException;
import io.scalemanager.manager.alert.channel.Notification;
import io.scalemanager.manager.alert.channel.Notifier;
import io.scalemanager.manager.alert.config.AlertsConfigParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mail trusts what webhooks trust: the JDK's CAs and tls.ca ({@link ClientTls#publicAnd}), handed to the alerts
 * file's smtp channel as the server hands it over. A real SMTP server (GreenMail) behind a STARTTLS or an SMTPS
 * front whose certificate a private CA made here issued: reached with that CA, refused without it. The deprecated
 * ssl_trust still works, and names itself at start-up.
 */
class SmtpTrustTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(true);

    private static final Notification ALERT = new Notification(List.of(new Notification.Item(1764067200000L,
            Severity.CRITICAL, "web-1", "ram-up", "command_failed", "web-1: ram +1024 was not carried out", false)));

    @TempDir
    Path dir;
    private TestPki pki;
    private SSLContext privateCertificate;

    @BeforeEach
    void privateCa() {
        pki = TestPki.create(dir.resolve("pki"), "ops");
        privateCertificate = pki.server("smtp").clientContext(pki);
    }

    /** The alerts file's one smtp channel, as the server reads it with its trust of services outside. */
    private Notifier channel(int port, String security, String extra, ClientTls trust) throws Exception {
        Path alerts = Files.writeString(dir.resolve("alerts.yaml"), """
                channels:
                  - name: ops-mail
                    type: smtp
                    host: 127.0.0.1
                    port: %d
                    security: %s
                    from: "ScaleManager <alerts@example.com>"
                    to: [ops@example.com]
                %s""".formatted(port, security, extra));
        return AlertsConfigParser.parse(alerts, Map.of(), trust).channels().get(0);
    }

    @ParameterizedTest(name = "security: {0}")
    @ValueSource(strings = {"starttls", "tls"})
    void aMailServerOfTheConfiguredCaIsTrustedAndReached(String security) throws Exception {
        try (StartTlsProxy front = new StartTlsProxy(greenMail.getSmtp().getPort(), privateCertificate,
                security.equals("tls"))) {
            channel(front.port(), security, "", ClientTls.publicAnd(Optional.of(pki.caFile()))).send(ALERT);

            assertThat(front.tlsSessions()).isEqualTo(1);
        }
        assertThat(greenMail.getReceivedMessages()).singleElement().satisfies(m ->
                assertThat(m.getSubject()).isEqualTo("[ScaleManager] critical: web-1 command_failed"));
    }

    @ParameterizedTest(name = "security: {0}")
    @ValueSource(strings = {"starttls", "tls"})
    void withoutTheCaTheMailServerIsRefusedAndGetsNoMail(String security) throws Exception {
        try (StartTlsProxy front = new StartTlsProxy(greenMail.getSmtp().getPort(), privateCertificate,
                security.equals("tls"))) {
            Notifier mail = channel(front.port(), security, "", ClientTls.publicAnd(Optional.empty()));

            assertThatThrownBy(() -> mail.send(ALERT)).isInstanceOf(DeliveryException.class)
                    .hasMessageContaining("SMTP 127.0.0.1:" + front.port());
            assertThat(front.tlsSessions()).isZero();
        }
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void theDeprecatedSslTrustStillTrustsItsHostAndSaysSoAtStartUpNamingTheKey() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
                LoggerFactory.getLogger(AlertsConfigParser.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        try (StartTlsProxy front = new StartTlsProxy(greenMail.getSmtp().getPort(), privateCertificate, false)) {
            logger.addAppender(events);
            Notifier mail;
            try {
                mail = channel(front.port(), "starttls", "    ssl_trust: 127.0.0.1\n",
                        ClientTls.publicAnd(Optional.empty()));
            } finally {
                logger.detachAppender(events);
            }
            // Not of a CA the trust holds, yet trusted as before: ssl_trust names the host.
            mail.send(ALERT);
            assertThat(front.tlsSessions()).isEqualTo(1);
        }
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(events.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(e.getFormattedMessage()).startsWith(dir.resolve("alerts.yaml") + ":9: channel")
                    .contains("'ssl_trust' is deprecated").contains("tls.ca");
        });
    }
}
