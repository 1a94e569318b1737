package dev.pgvigil.catalogue.read;

import java.sql.Connection;
import java.sql.SQLException;

/** Server version, start time, the connected database, and when this session last loaded the configuration files. */
public final class ServerInfoReader {
    static final String SQL = """
            SELECT /* pgvigil */ current_setting('server_version') AS server_version,
                   current_setting('server_version_num')::int AS server_version_num,
                   pg_postmaster_start_time() AS postmaster_start_time,
                   current_database() AS database,
                   pg_conf_load_time() AS config_load_time""";

    private ServerInfoReader() {}

    public static ServerInfo read(Connection c) throws SQLException {
        return Rows.list(c, SQL, rs -> new ServerInfo(
                        shortVersion(rs.getString("server_version")),
                        rs.getInt("server_version_num"),
                        Rows.instant(rs, "postmaster_start_time"),
                        rs.getString("database"),
                        Rows.instant(rs, "config_load_time")))
                .get(0);
    }

    /** "15.14 (Debian 15.14-1.pgdg120+1)" is "15.14" to us. */
    static String shortVersion(String version) {
        int space = version.indexOf(' ');
        return space > 0 ? version.substring(0, space) : version;
    }
}
