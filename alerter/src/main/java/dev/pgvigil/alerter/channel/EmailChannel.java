package dev.pgvigil.alerter.channel;

import dev.pgvigil.alerter.config.EmailConfig;
import dev.pgvigil.alerter.model.Notification;
import dev.pgvigil.schema.Severity;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Date;
import java.util.Properties;

/**
 * E-mail over SMTP (Jakarta Mail / Angus): STARTTLS required by default, or implicit TLS, with
 * authentication when a username is set. The message is multipart/alternative: a plain-text part and
 * an HTML part with the same five answers per alert. Its Message-ID is derived from the idempotency
 * key (and the key is in {@code X-Pgvigil-Idempotency-Key}), so a resend after a crash is recognisable.
 */
public final class EmailChannel implements Channel {
    public static final String IDEMPOTENCY_HEADER = "X-Pgvigil-Idempotency-Key";

    private final EmailConfig config;
    private final String password;
    private final ZoneId zone;
    private final Session session;

    EmailChannel(EmailConfig config, String password, ZoneId zone) {
        this.config = config;
        this.password = password;
        this.zone = zone;
        this.session = Session.getInstance(sessionProperties(config));
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public void send(Notification n) throws MessagingException {
        MimeMessage message = message(n);
        try {
            if (config.username() != null) {
                Transport.send(message, config.username(), password == null ? "" : password);
            } else {
                Transport.send(message);
            }
        } catch (MessagingException e) {
            // Jakarta Mail's message says what the server answered; it never contains our password
            throw new MessagingException(name() + ": " + describe(e));
        }
    }

    MimeMessage message(Notification n) throws MessagingException {
        String messageId = "<" + n.idempotencyKey() + "@pgvigil>";
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        message.setFrom(new InternetAddress(config.from()));
        for (String to : config.to()) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
        }
        message.setSubject(NoticeFacts.subject(n), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(n.createdAt()));
        message.setHeader(IDEMPOTENCY_HEADER, n.idempotencyKey());
        message.setHeader("X-Pgvigil-Instance", n.instanceId());
        if (n.worstFiringSeverity() == Severity.CRITICAL) {
            message.setHeader("X-Priority", "1");
        }
        MimeBodyPart text = new MimeBodyPart();
        text.setText(NotificationText.render(n, zone), StandardCharsets.UTF_8.name());
        MimeBodyPart html = new MimeBodyPart();
        html.setText(NotificationHtml.render(n, zone), StandardCharsets.UTF_8.name(), "html");
        // least preferred first: clients that can show HTML take the last part
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        message.setContent(alternative);
        message.saveChanges();
        return message;
    }

    static Properties sessionProperties(EmailConfig config) {
        Properties p = new Properties();
        p.setProperty("mail.transport.protocol", "smtp");
        p.setProperty("mail.smtp.host", config.host());
        p.setProperty("mail.smtp.port", String.valueOf(config.port()));
        String timeoutMs = String.valueOf(config.timeout().toMillis());
        p.setProperty("mail.smtp.connectiontimeout", timeoutMs);
        p.setProperty("mail.smtp.timeout", timeoutMs);
        p.setProperty("mail.smtp.writetimeout", timeoutMs);
        p.setProperty("mail.smtp.auth", String.valueOf(config.username() != null));
        switch (config.securityMode()) {
            case STARTTLS -> {
                p.setProperty("mail.smtp.starttls.enable", "true");
                // without STARTTLS on offer, fail rather than send credentials and alerts in clear text
                p.setProperty("mail.smtp.starttls.required", "true");
                p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            case TLS -> {
                p.setProperty("mail.smtp.ssl.enable", "true");
                p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            case NONE -> { }
        }
        config.properties().forEach(p::setProperty);
        return p;
    }

    private static String describe(MessagingException e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause() != null ? e.getCause() : e.getNextException();
        if (cause != null && cause != e && cause.getMessage() != null) {
            sb.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append(')');
        }
        return sb.toString();
    }
}
