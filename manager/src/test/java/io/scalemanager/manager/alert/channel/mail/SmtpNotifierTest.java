package io.scalemanager.manager.alert.channel.mail;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.alert.channel.DeliveryException;
import io.scalemanager.manager.alert.channel.Notification;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmtpNotifierTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts", "s3cret"))
            .withPerMethodLifecycle(true);

    private static final Notification FAILED = new Notification(List.of(new Notification.Item(1764067200000L,
            Severity.CRITICAL, "web-1", "ram-up", "command_failed",
            "web-1: ram +1024 (rule ram-up: ram > 80 for 5m, latest 91) was not carried out: provider said <no>",
            false)));

    private static SmtpNotifier.Settings settings(int port, SmtpNotifier.Security security) {
        return new SmtpNotifier.Settings("127.0.0.1", port, security, Optional.of("alerts"), Optional.of("s3cret"),
                "ScaleManager <alerts@example.com>", List.of("ops@example.com", "oncall@example.com"),
                Optional.of("127.0.0.1"));
    }

    @Test
    void mailArrivesOverStartTlsWithSubjectBodiesAndRecipients() throws Exception {
        try (StartTlsProxy front = new StartTlsProxy(greenMail.getSmtp().getPort())) {
            new SmtpNotifier("ops-mail", settings(front.port(), SmtpNotifier.Security.STARTTLS), ClientTls.SYSTEM)
                    .send(FAILED);

            assertThat(front.tlsSessions()).isEqualTo(1);
        }
        MimeMessage[] received = greenMail.getReceivedMessages();
        // One copy per recipient, as GreenMail keeps a mailbox each.
        assertThat(received).hasSize(2);
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("[ScaleManager] critical: web-1 command_failed");
        assertThat(m.getFrom()[0].toString()).isEqualTo("ScaleManager <alerts@example.com>");
        assertThat(m.getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
                .containsExactly("ops@example.com", "oncall@example.com");
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat((String) parts.getBodyPart(0).getContent()).contains("[CRITICAL] web-1: ram +1024 (rule ram-up")
                .contains("provider said <no>").contains("2025-11-25T10:40:00Z");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat((String) parts.getBodyPart(1).getContent()).contains("provider said &lt;no&gt;")
                .contains("<b>CRITICAL</b>");
    }

    @Test
    void startTlsIsRequiredSoAServerWithoutItGetsNoMailAndNoPassword() {
        SmtpNotifier plainServer = new SmtpNotifier("ops-mail",
                settings(greenMail.getSmtp().getPort(), SmtpNotifier.Security.STARTTLS), ClientTls.SYSTEM);

        assertThatThrownBy(() -> plainServer.send(FAILED)).isInstanceOf(DeliveryException.class)
                .hasMessageContaining("STARTTLS");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void wrongPasswordIsAFailedDelivery() throws Exception {
        try (StartTlsProxy front = new StartTlsProxy(greenMail.getSmtp().getPort())) {
            SmtpNotifier.Settings s = settings(front.port(), SmtpNotifier.Security.STARTTLS);
            SmtpNotifier wrong = new SmtpNotifier("ops-mail", new SmtpNotifier.Settings(s.host(), s.port(),
                    s.security(), s.username(), Optional.of("wrong"), s.from(), s.to(), s.sslTrust()),
                    ClientTls.SYSTEM);

            assertThatThrownBy(() -> wrong.send(FAILED)).isInstanceOf(DeliveryException.class)
                    .hasMessageNotContaining("wrong");
        }
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void mailArrivesOverTlsFromTheStart() throws Exception {
        com.icegreen.greenmail.util.GreenMail smtps =
                new com.icegreen.greenmail.util.GreenMail(ServerSetupTest.SMTPS.dynamicPort());
        smtps.start();
        try {
            new SmtpNotifier("ops-mail", new SmtpNotifier.Settings("127.0.0.1", smtps.getSmtps().getPort(),
                    SmtpNotifier.Security.TLS, Optional.empty(), Optional.empty(), "alerts@example.com",
                    List.of("ops@example.com"), Optional.of("127.0.0.1")), ClientTls.SYSTEM).send(FAILED);

            assertThat(smtps.getReceivedMessages()).singleElement()
                    .satisfies(m -> assertThat(m.getSubject()).isEqualTo("[ScaleManager] critical: web-1 command_failed"));
        } finally {
            smtps.stop();
        }
    }

    @Test
    void tlsServerWithAnUntrustedCertificateGetsNoMail() throws Exception {
        com.icegreen.greenmail.util.GreenMail smtps =
                new com.icegreen.greenmail.util.GreenMail(ServerSetupTest.SMTPS.dynamicPort());
        smtps.start();
        try {
            SmtpNotifier strict = new SmtpNotifier("ops-mail", new SmtpNotifier.Settings("127.0.0.1",
                    smtps.getSmtps().getPort(), SmtpNotifier.Security.TLS, Optional.empty(), Optional.empty(),
                    "alerts@example.com", List.of("ops@example.com"), Optional.empty()), ClientTls.SYSTEM);

            assertThatThrownBy(() -> strict.send(FAILED)).isInstanceOf(DeliveryException.class);
            assertThat(smtps.getReceivedMessages()).isEmpty();
        } finally {
            smtps.stop();
        }
    }

    @Test
    void groupedAndResolvedAlertsShareOneMail() throws Exception {
        Notification n = new Notification(List.of(
                new Notification.Item(1764067200000L, Severity.WARNING, "web-2", null, "stopped_reporting",
                        "web-2 has not reported for 6m", false),
                new Notification.Item(1764067201000L, Severity.CRITICAL, "web-1", "ram-up", "command_failed",
                        "web-1: it broke", true)));
        new SmtpNotifier("m", new SmtpNotifier.Settings("127.0.0.1", greenMail.getSmtp().getPort(),
                SmtpNotifier.Security.NONE, Optional.empty(), Optional.empty(), "a@example.com",
                List.of("ops@example.com"), Optional.empty()), ClientTls.SYSTEM).send(n);

        MimeMessage m = greenMail.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("[ScaleManager] 1 firing, 1 resolved");
        assertThat(GreenMailUtil.getBody(m)).contains("[WARNING] web-2 has not reported for 6m")
                .contains("[RESOLVED] resolved: web-1: it broke");
    }
}
