package dev.pgvigil.common.text;

import picocli.CommandLine.Help.Ansi;

/**
 * Colour for terminal output, and none when the output is piped or redirected (picocli's
 * {@link Ansi#AUTO}: a console is attached and neither NO_COLOR nor picocli.ansi=false says otherwise).
 * Colour only ever adds emphasis: every message reads the same without it.
 */
public final class Colors {
    private final boolean enabled;

    private Colors(boolean enabled) {
        this.enabled = enabled;
    }

    /** Colour when stdout is a terminal. */
    public static Colors auto() {
        return new Colors(Ansi.AUTO.enabled());
    }

    public static Colors none() {
        return new Colors(false);
    }

    public static Colors always() {
        return new Colors(true);
    }

    public boolean enabled() {
        return enabled;
    }

    public String red(String text) {
        return wrap("31", text);
    }

    public String yellow(String text) {
        return wrap("33", text);
    }

    public String green(String text) {
        return wrap("32", text);
    }

    public String bold(String text) {
        return wrap("1", text);
    }

    public String dim(String text) {
        return wrap("2", text);
    }

    private String wrap(String code, String text) {
        return enabled ? "\u001B[" + code + "m" + text + "\u001B[0m" : text;
    }
}
