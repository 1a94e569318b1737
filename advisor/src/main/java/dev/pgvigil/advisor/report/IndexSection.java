package dev.pgvigil.advisor.report;

import dev.pgvigil.advisor.report.HealthReport.IndexRow;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.FindingKind;
import dev.pgvigil.rules.IndexInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The report's index usage table: every index with its scans and size, marked by what the index rules
 * found about it (unused, duplicate, invalid). The rules judge; this only lays their answers beside the numbers.
 */
final class IndexSection {
    private static final Set<FindingKind> MARKS = Set.of(FindingKind.UNUSED_INDEX, FindingKind.DUPLICATE_INDEX, FindingKind.INVALID_INDEX);

    private IndexSection() {}

    /** Every index, largest first; {@code findings} are the report's, of which the index findings become marks. */
    static List<IndexRow> rows(List<IndexInfo> indexes, List<Finding> findings) {
        Map<String, List<String>> marks = findings.stream().filter(f -> MARKS.contains(f.kind()))
                .collect(Collectors.groupingBy(Finding::object, Collectors.mapping(IndexSection::mark, Collectors.toList())));
        return indexes.stream()
                .map(i -> new IndexRow(i.qualifiedName(), i.qualifiedTable(), i.scans(), i.sizeBytes(),
                        marks.getOrDefault(i.qualifiedName(), List.of()).stream().sorted().toList()))
                .sorted(Comparator.comparingLong(IndexRow::sizeBytes).reversed().thenComparing(IndexRow::index))
                .toList();
    }

    /** {@code unused_index} becomes {@code unused}. */
    private static String mark(Finding f) {
        return f.kind().name().toLowerCase(Locale.ROOT).replace("_index", "");
    }
}
