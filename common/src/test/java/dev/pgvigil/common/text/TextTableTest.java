package dev.pgvigil.common.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void alignsTextLeftAndNumbersRight() {
        String out = new TextTable().left("table").right("size").right("rows")
                .row("public.orders", "8.0 MB", "100,000")
                .row("t", "16 kB", "3")
                .render();
        assertThat(out).isEqualTo("""
                table            size     rows
                -------------  ------  -------
                public.orders  8.0 MB  100,000
                t               16 kB        3
                """);
    }

    @Test
    void measuresWidthWithoutColourCodes() {
        String out = new TextTable().left("status").right("n")
                .row(Colors.always().red("bad"), 1)
                .row("fine", 22)
                .render();
        String[] lines = out.split("\n");
        // the coloured cell is padded as if its escape codes were not there
        assertThat(lines[2]).isEqualTo("\u001B[31mbad\u001B[0m      1");
        assertThat(lines[3]).isEqualTo("fine    22");
    }

    @Test
    void indentsAndRejectsRaggedRows() {
        TextTable t = new TextTable().indent("  ").left("a");
        assertThat(t.render()).isEqualTo("  a\n  -\n");
        assertThat(t.isEmpty()).isTrue();
        assertThatThrownBy(() -> t.row("x", "y")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noColourWhenDisabled() {
        assertThat(Colors.none().red("x")).isEqualTo("x");
        assertThat(Colors.always().bold("x")).isEqualTo("\u001B[1mx\u001B[0m");
    }
}
