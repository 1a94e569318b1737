package dev.pgvigil.advisor.tune;

import dev.pgvigil.advisor.AdvisorCommand;
import dev.pgvigil.advisor.Output;
import dev.pgvigil.advisor.tune.PgTune.Recommendation;
import dev.pgvigil.catalogue.read.ServerInfoReader;
import dev.pgvigil.catalogue.read.SettingsReader;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.common.text.TextTable;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.FindingKind;
import dev.pgvigil.rules.Severity;
import dev.pgvigil.schema.Setting;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pgvigil tune}: PGTune-style settings for the server's hardware and workload, against what is set now. */
@Command(name = "tune",
        header = "Recommend server settings (PGTune's rules) against the current ones.",
        mixinStandardHelpOptions = true,
        description = {
                "Recommend configuration for the server's memory, CPUs, storage and workload (PGTune's rules) and "
                        + "compare each with the current value from pg_settings. Prints a table and the ALTER SYSTEM statements "
                        + "to apply. --ram and --cpus default to this machine's when the target is local (localhost/127.0.0.1), "
                        + "and are required otherwise. --connections defaults to the server's max_connections."},
        footer = {"", "Example:",
                "  pgvigil tune --target postgresql://dba@db1/shop --ram 64 --cpus 16 --storage ssd --workload oltp",
                "", "Exit codes: 0 nothing far off, 1 a memory setting off by 4x or more, 2 usage or connection "
                        + "error."})
public final class TuneCommand extends AdvisorCommand {
    private static final String RELOAD = "SELECT pg_reload_conf();";
    /** Settings PostgreSQL reads only at start: changing them needs a restart. */
    static final Set<String> NEED_RESTART = Set.of("shared_buffers", "huge_pages", "max_connections", "max_worker_processes",
            "wal_buffers", "wal_level", "max_wal_senders", "autovacuum_max_workers");
    /** Memory settings far enough from the recommendation (a factor of 4) to be a warning. */
    static final Set<String> KEY_MEMORY = Set.of("shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem");
    static final double FAR_OFF_FACTOR = 4;
    /** A number within this share of the recommendation is as good as it. */
    static final double CLOSE_ENOUGH = 0.10;

    @Option(names = "--ram", paramLabel = "GB", description = "Memory of the server in GB (default: this machine's, if the target is local).")
    Double ramGb;

    @Option(names = "--cpus", paramLabel = "N", description = "CPUs of the server (default: this machine's, if the target is local).")
    Integer cpus;

    @Option(names = "--storage", paramLabel = "TYPE", defaultValue = "ssd", description = "ssd, hdd, san or nvme (default: ${DEFAULT-VALUE}).")
    String storage;

    @Option(names = "--workload", paramLabel = "TYPE", defaultValue = "web",
            description = "web, oltp, dw (data warehouse), mixed or desktop (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--connections", paramLabel = "N", description = "Connections to plan for (default: the server's max_connections).")
    Integer connections;

    /** One row of the comparison. */
    public record Row(String name, String current, String recommended, boolean change, boolean needsRestart, String why) {}

    /** The JSON document. */
    public record Report(String instance, TuneInput input, List<Row> settings, List<String> alterSystem, List<Finding> findings) {}

    @Override
    protected void checkOptions() {
        try {
            TuneInput.Storage.parse(storage);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--storage must be ssd, hdd, san or nvme");
        }
        try {
            TuneInput.Workload.valueOf(workload.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--workload must be web, oltp, dw, mixed or desktop");
        }
        if ((ramGb == null || cpus == null) && !connection.isLocal()) {
            throw new UsageException("--ram and --cpus are required when the target is not on this machine");
        }
    }

    @Override
    protected int run(Connection c, Output out) throws SQLException {
        Map<String, Setting> current = SettingsReader.read(c).stream().collect(Collectors.toMap(Setting::getName, Function.identity()));
        int major = ServerInfoReader.read(c).majorVersion();
        Integer conns = connections != null ? connections
                : current.containsKey("max_connections") ? (int) Double.parseDouble(current.get("max_connections").getSetting()) : null;
        TuneInput input = new TuneInput(ramBytes(), cpus != null ? cpus : Runtime.getRuntime().availableProcessors(),
                TuneInput.Storage.parse(storage), TuneInput.Workload.valueOf(workload.toUpperCase(Locale.ROOT)), conns, major);
        List<Row> rows = new ArrayList<>();
        List<String> alter = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (Recommendation r : PgTune.recommend(input)) {
            Setting s = current.get(r.name());
            boolean change = s == null || !same(s, r);
            String now = s == null ? "(unknown)" : display(s);
            rows.add(new Row(r.name(), now, r.value(), change, NEED_RESTART.contains(r.name()), r.why()));
            if (change && s != null) {
                String set = "ALTER SYSTEM SET " + r.name() + " = '" + r.value() + "';";
                alter.add(set);
                boolean farOff = KEY_MEMORY.contains(r.name()) && s.getNormalizedValue() != null && r.normalizedValue() != null
                        && ratio(s.getNormalizedValue(), r.normalizedValue()) >= FAR_OFF_FACTOR;
                findings.add(new Finding(FindingKind.CONFIG, farOff ? Severity.WARNING : Severity.INFO, instance(), r.name(),
                        r.name() + " is " + now + ", recommended " + r.value() + " (" + r.why() + ")",
                        set + (NEED_RESTART.contains(r.name()) ? " then restart PostgreSQL" : " then " + RELOAD),
                        NEED_RESTART.contains(r.name()) ? List.of(set) : List.of(set, RELOAD)));
            }
        }
        if (json()) {
            out.json(new Report(instance(), input, rows, alter, findings));
        } else {
            print(out, input, rows, alter);
        }
        return Output.exitCode(findings);
    }

    private long ramBytes() {
        if (ramGb != null) {
            return Math.round(ramGb * 1024 * 1024 * 1024);
        }
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }

    /** The current value the way SHOW prints it: memory in its largest whole unit. */
    static String display(Setting s) {
        if ("bytes".equals(s.getNormalizedUnit()) && s.getNormalizedValue() != null) {
            double bytes = s.getNormalizedValue();
            if (bytes % 1024 == 0) {
                return PgTune.formatKb((long) (bytes / 1024));
            }
        }
        return s.getSetting();
    }

    static boolean same(Setting s, Recommendation r) {
        if (r.normalizedValue() == null || s.getNormalizedValue() == null) {
            return s.getSetting().equalsIgnoreCase(r.value());
        }
        double now = s.getNormalizedValue();
        double want = r.normalizedValue();
        return want == 0 ? now == 0 : Math.abs(now - want) / Math.abs(want) <= CLOSE_ENOUGH;
    }

    private static double ratio(double a, double b) {
        if (a <= 0 || b <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.max(a / b, b / a);
    }

    private void print(Output out, TuneInput input, List<Row> rows, List<String> alter) {
        out.heading("Tuning for " + instance());
        out.println("PostgreSQL " + input.majorVersion() + ", " + Human.bytes(input.ramBytes()) + " RAM, " + input.cpus() + " CPUs, "
                + input.storage().name().toLowerCase(Locale.ROOT) + " storage, " + input.workload().name().toLowerCase(Locale.ROOT)
                + " workload, " + input.effectiveConnections() + " connections");
        out.println();
        TextTable t = new TextTable().left("setting").right("current").right("recommended").left("").left("why");
        for (Row r : rows) {
            String mark = r.change() ? out.colors().yellow("change" + (r.needsRestart() ? " (restart)" : "")) : out.colors().green("ok");
            t.row(r.name(), r.current(), r.recommended(), mark, r.why());
        }
        out.print(t.render());
        out.println();
        if (alter.isEmpty()) {
            out.println(out.colors().green("Every setting is within 10 % of the recommendation."));
        } else {
            out.heading("To apply");
            alter.forEach(out::println);
            out.println("SELECT pg_reload_conf();" + (rows.stream().anyMatch(r -> r.change() && r.needsRestart())
                    ? "  -- and restart PostgreSQL for the settings marked (restart)" : ""));
        }
    }
}
