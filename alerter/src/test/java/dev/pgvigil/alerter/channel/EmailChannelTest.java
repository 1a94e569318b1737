package dev.pgvigil.alerter.channel;

import static dev.pgvigil.alerter.support.Alerts.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.Change;
import dev.pgvigil.alerter.model.Notification;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.schema.AlertStatus;
import dev.pgvigil.schema.Severity;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real SMTP server (GreenMail) in-process; the mail is read the way a person would read it. */
class EmailChannelTest {
    private static GreenMail mail;

    @TempDir
    Path dir;

    @BeforeAll
    static void startMailServer() {
        mail = new GreenMail(new ServerSetup[] {ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.SMTPS.dynamicPort()})
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("dba@example.com", "pgvigil", "mail-pass"));
        mail.start();
    }

    @AfterAll
    static void stopMailServer() {
        mail.stop();
    }

    @BeforeEach
    void empty() throws Exception {
        mail.purgeEmailFromAllMailboxes();
    }

    private Channel channel(String security, int port, String password) throws Exception {
        Path secret = dir.resolve("smtp-password");
        Files.writeString(secret, password);
        return Channels.from(ConfigFile.parse("p.yaml", """
                alerter:
                  timeZone: Europe/Berlin
                  email:
                    - name: dba-mail
                      host: 127.0.0.1
                      port: %d
                      security: %s
                      username: pgvigil
                      passwordFile: %s
                      from: pgvigil@example.com
                      to: [dba@example.com]
                      timeout: 5s
                      properties: {mail.smtp.ssl.trust: "*", mail.smtp.ssl.checkserveridentity: "false"}
                """.formatted(port, security, secret)).section("alerter", AlerterConfig.class)).get("dba-mail");
    }

    private static Notification notification() {
        Alert cache = new Alert("fp-cache", "cache_hit_ratio", "db-1", "appdb", Map.of("database", "appdb"),
                Severity.CRITICAL, AlertStatus.FIRING, 0.425, 0.5, "cache hit ratio of appdb is 42.5 % (below 50 %)",
                T0, null, T0, null, null, null, 0, 0);
        Alert dead = new Alert("fp-dead", "dead_rows", "db-1", "public.orders", Map.of(), Severity.WARNING, AlertStatus.FIRING,
                0.14, 0.10, "public.orders has 14 % dead rows", T0.minusSeconds(3600), null, T0, null, null, null, 0, 0);
        return new Notification("dba-mail", "db-1", T0.plusSeconds(12 * 60),
                List.of(new AlertNotice(dead, Change.NEW), new AlertNotice(cache, Change.NEW)));
    }

    @Test
    void aPersonSeesWhatWhereHowBadSinceWhenAndWhatToDoInBothParts() throws Exception {
        Notification n = notification();
        channel("tls", mail.getSmtps().getPort(), "mail-pass").send(n);

        assertThat(mail.waitForIncomingEmail(5000, 1)).isTrue();
        MimeMessage message = mail.getReceivedMessages()[0];
        assertThat(message.getSubject()).isEqualTo("[pgvigil] CRITICAL db-1: 2 alerts firing (cache_hit_ratio, dead_rows)");
        assertThat(message.getFrom()[0].toString()).isEqualTo("pgvigil@example.com");
        assertThat(message.getMessageID()).isEqualTo("<" + n.idempotencyKey() + "@pgvigil>");
        assertThat(message.getHeader(EmailChannel.IDEMPOTENCY_HEADER)[0]).isEqualTo(n.idempotencyKey());
        assertThat(message.getContentType()).startsWith("multipart/alternative");

        Multipart parts = (Multipart) message.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        Part textPart = parts.getBodyPart(0);
        Part htmlPart = parts.getBodyPart(1);
        assertThat(textPart.isMimeType("text/plain")).isTrue();
        assertThat(htmlPart.isMimeType("text/html")).isTrue();

        String text = (String) textPart.getContent();
        assertThat(text).contains("pgvigil: 2 alerts firing on instance db-1");
        // the critical one first, with the five answers
        assertThat(text.indexOf("CRITICAL cache_hit_ratio on db-1 / appdb (new)")).isLessThan(text.indexOf("WARNING dead_rows"));
        assertThat(text).contains("What:        cache hit ratio of appdb is 42.5 % (below 50 %)");
        assertThat(text).contains("Where:       instance db-1, appdb (database=appdb)");
        assertThat(text).contains("How bad:     CRITICAL: cache hit ratio 42.5 %, threshold 50.0 %");
        assertThat(text).contains("How bad:     WARNING: dead rows 14.0 %, threshold 10.0 %");
        assertThat(text).contains("Since:       2025-03-01 11:00 Europe/Berlin (for 12 min 0 s)");
        assertThat(text).contains("What to do:  Find what reads from disk");
        assertThat(text).contains("pgvigil silence add --instance db-1 --for 2h");

        String html = (String) htmlPart.getContent();
        assertThat(html).contains("<h2", "2 alerts firing on instance db-1", ">CRITICAL</span>", ">WARNING</span>");
        assertThat(html).contains("<th", "What to do", "Since", "2025-03-01 11:00 Europe/Berlin", "How bad");
        assertThat(html).contains("42.5 % (below 50 %)").doesNotContain("<script");
    }

    @Test
    void aResolvedMailSaysSoAndForHowLongItLasted() throws Exception {
        Alert dead = new Alert("fp-dead", "dead_rows", "db-1", "public.orders", Map.of(), Severity.WARNING, AlertStatus.RESOLVED,
                0.03, 0.10, "public.orders is back to 3 % dead rows", T0, T0.plusSeconds(23 * 60), T0.plusSeconds(23 * 60),
                T0.plusSeconds(30), AlertStatus.FIRING, Severity.WARNING, 1, 0);
        channel("tls", mail.getSmtps().getPort(), "mail-pass").send(new Notification("dba-mail", "db-1", T0.plusSeconds(1440),
                List.of(new AlertNotice(dead, Change.RESOLVED))));
        assertThat(mail.waitForIncomingEmail(5000, 1)).isTrue();
        MimeMessage message = mail.getReceivedMessages()[0];
        assertThat(message.getSubject()).isEqualTo("[pgvigil] RESOLVED db-1: dead_rows on public.orders");
        String text = (String) ((Multipart) message.getContent()).getBodyPart(0).getContent();
        assertThat(text).contains("RESOLVED dead_rows on db-1 / public.orders (resolved)", "(lasted 23 min 0 s)",
                "back within its threshold (dead rows 3.0 %, threshold 10.0 %); it was WARNING");
    }

    @Test
    void aResolutionWithoutAMeasurementSaysBackToNormal() throws Exception {
        // what the analyzer sends when the object went quiet: no value, no threshold
        Alert quiet = new Alert("fp-slow", "statement_mean_time", "db-1", "queryid 42", Map.of(), Severity.CRITICAL,
                AlertStatus.RESOLVED, Double.NaN, Double.NaN, "resolved: queryid 42: no calls this interval", T0,
                T0.plusSeconds(600), T0.plusSeconds(600), T0.plusSeconds(30), AlertStatus.FIRING, Severity.CRITICAL, 1, 0);
        Notification n = new Notification("dba-mail", "db-1", T0.plusSeconds(610), List.of(new AlertNotice(quiet, Change.RESOLVED)));
        channel("tls", mail.getSmtps().getPort(), "mail-pass").send(n);
        assertThat(mail.waitForIncomingEmail(5000, 1)).isTrue();
        String text = (String) ((Multipart) mail.getReceivedMessages()[0].getContent()).getBodyPart(0).getContent();
        assertThat(text).contains("How bad:     back to normal; it was CRITICAL").doesNotContain("NaN");
        assertThat(NotificationJson.tree(n).get("alerts").get(0).get("value").isNull()).isTrue();
    }

    @Test
    void aWrongPasswordFailsAndTheErrorDoesNotShowIt() throws Exception {
        Channel channel = channel("tls", mail.getSmtps().getPort(), "not-the-password");
        assertThatThrownBy(() -> channel.send(notification()))
                .hasMessageStartingWith("dba-mail: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-password"));
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void starttlsIsRequiredNotHopedFor() throws Exception {
        // this server offers no STARTTLS: sending in clear text instead would leak the password
        Channel channel = channel("starttls", mail.getSmtp().getPort(), "mail-pass");
        assertThatThrownBy(() -> channel.send(notification())).hasMessageContaining("STARTTLS");
        assertThat(mail.getReceivedMessages()).isEmpty();
    }
}
