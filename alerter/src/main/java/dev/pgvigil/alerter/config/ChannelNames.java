package dev.pgvigil.alerter.config;

import java.util.regex.Pattern;

final class ChannelNames {
    /** The log channel's name: always present, so no configured channel may take it. */
    static final String LOG = "log";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private ChannelNames() {}

    static void check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name is required: letters, digits, '-', '_' or '.', e.g. dba-mail");
        }
        if (name.equals(LOG)) {
            throw new IllegalArgumentException("'log' is the built-in log channel; pick another name");
        }
    }
}
