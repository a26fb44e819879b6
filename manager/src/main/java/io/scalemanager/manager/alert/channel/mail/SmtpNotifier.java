package io.scalemanager.manager.alert.channel.mail;

import io.scalemanager.core.net.HostPort;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.manager.alert.channel.DeliveryException;
import io.scalemanager.manager.alert.channel.Notification;
import io.scalemanager.manager.alert.channel.Notifier;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Mail over SMTP (Angus Mail), plain text and HTML in one message, with STARTTLS, TLS or neither. Over STARTTLS
 * and TLS the server's certificate and host name are checked with the trust of every service outside
 * ScaleManager, as webhooks are ({@link ClientTls#publicAnd}: the JDK's CAs and those of {@code tls.ca}), unless
 * the channel still names hosts in the deprecated {@code ssl_trust}.
 */
public final class SmtpNotifier implements Notifier {

    /** How the connection is protected: STARTTLS (required, port 587), TLS from the start (465), or NONE. */
    public enum Security { STARTTLS, TLS, NONE }

    /**
     * @param sslTrust deprecated ({@code ssl_trust}): hosts whose certificate is trusted as it is, without a CA chain
     *                 or a host name check ({@code mail.smtp.ssl.trust}); empty: the notifier's {@link ClientTls}
     *                 decides, which is how a private CA or a self-signed certificate is trusted now
     */
    public record Settings(String host, int port, Security security, Optional<String> username,
                           Optional<String> password, String from, List<String> to, Optional<String> sslTrust) {
    }

    private final String name;
    private final Settings settings;
    private final Session session;

    /** @param trust what the mail server's certificate is checked against (the JDK's CAs and tls.ca) */
    public SmtpNotifier(String name, Settings settings, ClientTls trust) {
        this.name = name;
        this.settings = settings;
        Properties p = new Properties();
        String proto = settings.security() == Security.TLS ? "smtps" : "smtp";
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", settings.host());
        p.put("mail." + proto + ".port", Integer.toString(settings.port()));
        p.put("mail." + proto + ".auth", Boolean.toString(settings.username().isPresent()));
        p.put("mail." + proto + ".connectiontimeout", "10000");
        p.put("mail." + proto + ".timeout", "10000");
        p.put("mail." + proto + ".writetimeout", "10000");
        if (settings.security() == Security.STARTTLS) {
            // Required, not opportunistic: a server that does not offer STARTTLS is not sent the password.
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if (settings.security() != Security.NONE) {
            p.put("mail." + proto + ".ssl.protocols", "TLSv1.3 TLSv1.2");
            if (settings.sslTrust().isPresent()) {
                // The deprecated ssl_trust, as it always worked: those hosts' certificates as they are, unchecked.
                // Angus Mail applies it only where no socket factory is given.
                p.put("mail." + proto + ".ssl.trust", settings.sslTrust().get());
                p.put("mail." + proto + ".ssl.checkserveridentity", "false");
            } else {
                // One trust for every service outside ScaleManager; Angus Mail uses this factory for TLS from the
                // start and for STARTTLS alike, and then checks that the certificate names the host.
                p.put("mail." + proto + ".ssl.socketFactory", trust.sslContext().getSocketFactory());
                p.put("mail." + proto + ".ssl.checkserveridentity", "true");
            }
        }
        this.session = Session.getInstance(p);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notification n) throws DeliveryException {
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(settings.from()));
            for (String to : settings.to()) {
                m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            m.setSubject(n.title(), "UTF-8");
            m.setSentDate(new Date());
            MimeBodyPart text = new MimeBodyPart();
            text.setText(n.text(), "UTF-8");
            MimeBodyPart html = new MimeBodyPart();
            html.setContent(html(n), "text/html; charset=UTF-8");
            MimeMultipart body = new MimeMultipart("alternative");
            body.addBodyPart(text);
            body.addBodyPart(html);
            m.setContent(body);
            m.saveChanges();
            try (Transport t = session.getTransport()) {
                t.connect(settings.host(), settings.port(), settings.username().orElse(null),
                        settings.password().orElse(null));
                t.sendMessage(m, m.getAllRecipients());
            }
        } catch (MessagingException e) {
            throw new DeliveryException("SMTP " + new HostPort(settings.host(), settings.port()) + ": " + e.getMessage(), e);
        }
    }

    static String html(Notification n) {
        StringBuilder sb = new StringBuilder("<html><body><h3>").append(escape(n.title())).append("</h3><table>");
        for (Notification.Item i : n.items()) {
            String color = i.resolved() ? "#2e7d32" : switch (i.severity()) {
                case CRITICAL -> "#c62828";
                case WARNING -> "#ef6c00";
                case INFO -> "#455a64";
            };
            sb.append("<tr><td>").append(Instant.ofEpochMilli(i.timeMs())).append("</td><td style=\"color:")
                    .append(color).append("\"><b>").append(i.resolved() ? "RESOLVED" : i.severity().name())
                    .append("</b></td><td>").append(escape(i.message())).append("</td></tr>");
        }
        return sb.append("</table></body></html>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
