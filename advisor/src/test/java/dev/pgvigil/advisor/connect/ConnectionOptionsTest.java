package dev.pgvigil.advisor.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ConnectionOptionsTest {
    @Command(name = "t")
    static final class Holder {
        @Mixin
        ConnectionOptions options;
    }

    static ConnectionOptions parse(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.options;
    }

    @Test
    void theInstanceNameCarriesNoCredentials() {
        ConnectionOptions o = parse("--target", "postgresql://alice:s3cret@127.0.0.1:6432/shop?sslmode=disable");
        assertThat(o.instance()).isEqualTo("127.0.0.1:6432/shop");
        assertThat(o.isLocal()).isTrue();
        assertThat(o.statementTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(parse("--target", "jdbc:postgresql://db1.example.com/app").isLocal()).isFalse();
        assertThat(parse("--target", "jdbc:postgresql://localhost:5432,db2:5432/app").isLocal()).isFalse();
        assertThat(parse("--target", "jdbc:postgresql://localhost/app", "--json").json()).isTrue();
    }

    @Test
    void anUnreachableServerIsAClearErrorWithoutThePassword() {
        ConnectionOptions o = parse("--target", "postgresql://alice:s3cret-pw@127.0.0.1:1/shop", "--statement-timeout", "2s");
        assertThatThrownBy(o::connect).isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("cannot connect").hasMessageNotContaining("s3cret-pw");
        assertThatThrownBy(() -> parse("--target", "postgresql://x@127.0.0.1/shop", "--statement-timeout", "20m").connect())
                .hasMessageContaining("--statement-timeout");
    }

    @Test
    void durationsAsPeopleTypeThem() {
        DurationConverter c = new DurationConverter();
        assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(c.convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.convert("10")).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> c.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
