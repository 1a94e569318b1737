package dev.pgvigil.advisor.sql;

import dev.pgvigil.advisor.sql.StatementShape.Kind;
import dev.pgvigil.advisor.sql.StatementShape.ParameterUse;
import dev.pgvigil.advisor.sql.StatementShape.Role;
import dev.pgvigil.advisor.sql.StatementShape.TableAccess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Reads a normalised statement (with {@code $n} placeholders, as pg_stat_statements keeps it) with
 * JSqlParser and finds, per query block, which columns of which tables it filters, joins and sorts on.
 * Aliases, schema-qualified names, the search_path, CTEs, subqueries in FROM and correlated subqueries
 * in EXISTS/IN are resolved against the {@link Catalog}. Anything it cannot resolve is left out, never
 * guessed.
 */
public final class StatementParser {
    private final Catalog catalog;

    public StatementParser(Catalog catalog) {
        this.catalog = catalog;
    }

    /** The statement's shape, or empty when the text is not a statement JSqlParser understands. */
    public Optional<StatementShape> parse(String sql) {
        Statement statement;
        try {
            statement = CCJSqlParserUtil.parse(SqlText.withoutPrepare(sql));
        } catch (JSQLParserException | RuntimeException e) {
            return Optional.empty();
        }
        Walk walk = new Walk();
        try {
            Kind kind = walk.statement(statement);
            return Optional.of(new StatementShape(kind, walk.tableOids, walk.accesses, walk.parameters));
        } catch (RuntimeException e) {
            return Optional.empty(); // a syntax tree shape JSqlParser builds but this walk does not know: skip, never fail
        }
    }

    /** A FROM-clause scope: names visible in one query block, with the enclosing block's scope as parent. */
    private static final class Scope {
        final Scope parent;
        final Map<String, TableInfo> byName = new LinkedHashMap<>();
        final Set<String> derived = new HashSet<>();
        final Set<String> cteNames;

        Scope(Scope parent, Set<String> cteNames) {
            this.parent = parent;
            this.cteNames = cteNames;
        }

        boolean isCte(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.cteNames.contains(name)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A resolved column reference and whether it belongs to the current block's own tables. */
    private record Ref(TableInfo table, String column, boolean local) {}

    /** Uses of one table's columns in one block. */
    private static final class Uses {
        final Set<String> equality = new LinkedHashSet<>();
        final Set<String> range = new LinkedHashSet<>();
        final Set<String> lower = new HashSet<>();
        final Set<String> upper = new HashSet<>();
        final Set<String> join = new LinkedHashSet<>();
    }

    private final class Walk {
        final Set<Long> tableOids = new LinkedHashSet<>();
        final List<TableAccess> accesses = new ArrayList<>();
        final Map<Integer, ParameterUse> parameters = new HashMap<>();

        Kind statement(Statement st) {
            if (st instanceof Select s) {
                select(s, null, Set.of());
                return Kind.SELECT;
            }
            if (st instanceof Update u) {
                Set<String> ctes = withItems(u.getWithItemsList(), null, Set.of());
                Scope scope = new Scope(null, ctes);
                fromItem(scope, u.getTable());
                List<Join> joins = new ArrayList<>();
                addAll(joins, u.getStartJoins());
                if (u.getFromItem() != null) {
                    fromItem(scope, u.getFromItem());
                }
                addAll(joins, u.getJoins());
                block(scope, u.getWhere(), joins, null, false);
                return Kind.UPDATE;
            }
            if (st instanceof Delete d) {
                Set<String> ctes = withItems(d.getWithItemsList(), null, Set.of());
                Scope scope = new Scope(null, ctes);
                fromItem(scope, d.getTable());
                if (d.getUsingList() != null) {
                    d.getUsingList().forEach(t -> fromItem(scope, t));
                }
                block(scope, d.getWhere(), d.getJoins() == null ? List.of() : d.getJoins(), null, false);
                return Kind.DELETE;
            }
            if (st instanceof Insert i) {
                Set<String> ctes = withItems(i.getWithItemsList(), null, Set.of());
                resolveTable(i.getTable(), new Scope(null, ctes)).ifPresent(t -> tableOids.add(t.oid()));
                if (i.getSelect() != null) {
                    select(i.getSelect(), null, ctes);
                }
                return Kind.INSERT;
            }
            if (st instanceof Merge) {
                return Kind.MERGE;
            }
            return Kind.OTHER;
        }

        Set<String> withItems(List<WithItem<?>> items, Scope parent, Set<String> outer) {
            if (items == null || items.isEmpty()) {
                return outer;
            }
            Set<String> names = new HashSet<>(outer);
            for (WithItem<?> w : items) {
                if (w.getSelect() != null) {
                    select(w.getSelect().getSelect(), parent, names);
                }
                names.add(Catalog.fold(w.getAliasName()));
            }
            return names;
        }

        void select(Select s, Scope parent, Set<String> outerCtes) {
            Set<String> ctes = withItems(s.getWithItemsList(), parent, outerCtes);
            if (s instanceof PlainSelect ps) {
                plain(ps, parent, ctes);
            } else if (s instanceof SetOperationList set) {
                for (Select each : set.getSelects()) {
                    select(each, parent, ctes);
                }
            } else if (s instanceof ParenthesedSelect p) {
                select(p.getSelect(), parent, ctes);
            }
            limit(s.getLimit());
        }

        void plain(PlainSelect ps, Scope parent, Set<String> ctes) {
            Scope scope = new Scope(parent, ctes);
            if (ps.getFromItem() != null) {
                fromItem(scope, ps.getFromItem());
            }
            List<Join> joins = ps.getJoins() == null ? List.of() : ps.getJoins();
            for (Join j : joins) {
                fromItem(scope, j.getRightItem());
            }
            block(scope, ps.getWhere(), joins, ps.getOrderByElements(), ps.getLimit() != null || ps.getFetch() != null);
        }

        void limit(Limit limit) {
            if (limit == null) {
                return;
            }
            if (unwrapCast(limit.getRowCount()) instanceof JdbcParameter p && p.getIndex() != null) {
                parameters.put(p.getIndex(), new ParameterUse(p.getIndex(), null, null, Role.LIMIT));
            }
            if (unwrapCast(limit.getOffset()) instanceof JdbcParameter p && p.getIndex() != null) {
                parameters.put(p.getIndex(), new ParameterUse(p.getIndex(), null, null, Role.OFFSET));
            }
        }

        void fromItem(Scope scope, FromItem item) {
            if (item instanceof Table t) {
                String alias = t.getAlias() != null ? Catalog.fold(t.getAlias().getName()) : Catalog.fold(t.getName());
                if (t.getSchemaName() == null && scope.isCte(Catalog.fold(t.getName()))) {
                    scope.derived.add(alias);
                    return;
                }
                Optional<TableInfo> table = resolveTable(t, scope);
                if (table.isPresent()) {
                    tableOids.add(table.get().oid());
                    scope.byName.put(alias, table.get());
                } else {
                    scope.derived.add(alias);
                }
            } else if (item instanceof ParenthesedSelect p) {
                select(p.getSelect(), scope, scope.cteNames);
                if (p.getAlias() != null) {
                    scope.derived.add(Catalog.fold(p.getAlias().getName()));
                }
            } else if (item instanceof ParenthesedFromItem pf) {
                fromItem(scope, pf.getFromItem());
                if (pf.getJoins() != null) {
                    for (Join j : pf.getJoins()) {
                        fromItem(scope, j.getRightItem());
                    }
                    block(scope, null, pf.getJoins(), null, false);
                }
            }
        }

        Optional<TableInfo> resolveTable(Table t, Scope scope) {
            if (t == null || t.getName() == null) {
                return Optional.empty();
            }
            return catalog.resolve(t.getSchemaName(), t.getName());
        }

        /** One query block: its conditions, join conditions and ORDER BY, recorded per table. */
        void block(Scope scope, Expression where, List<Join> joins, List<OrderByElement> orderBy, boolean limited) {
            Map<TableInfo, Uses> uses = new LinkedHashMap<>();
            List<Expression> conjuncts = new ArrayList<>();
            conjuncts(where, conjuncts);
            for (Join j : joins) {
                if (j.getOnExpressions() != null) {
                    for (Expression on : j.getOnExpressions()) {
                        conjuncts(on, conjuncts);
                    }
                }
                if (j.getUsingColumns() != null) {
                    for (Column c : j.getUsingColumns()) {
                        String name = Catalog.fold(c.getColumnName());
                        scope.byName.values().stream().filter(t -> t.hasColumn(name))
                                .forEach(t -> uses.computeIfAbsent(t, k -> new Uses()).join.add(name));
                    }
                }
            }
            for (Expression e : conjuncts) {
                condition(scope, e, uses);
            }
            Map<TableInfo, List<String>> order = orderColumns(scope, orderBy);
            Set<TableInfo> tables = new LinkedHashSet<>(uses.keySet());
            tables.addAll(order.keySet());
            for (TableInfo t : tables) {
                Uses u = uses.getOrDefault(t, new Uses());
                Set<String> bounded = new HashSet<>(u.lower);
                bounded.retainAll(u.upper);
                accesses.add(new TableAccess(t, new ArrayList<>(u.equality), new ArrayList<>(u.range), bounded,
                        new ArrayList<>(u.join), order.getOrDefault(t, List.of()), limited));
            }
        }

        Map<TableInfo, List<String>> orderColumns(Scope scope, List<OrderByElement> orderBy) {
            if (orderBy == null || orderBy.isEmpty()) {
                return Map.of();
            }
            TableInfo only = null;
            List<String> columns = new ArrayList<>();
            for (OrderByElement o : orderBy) {
                if (!(o.getExpression() instanceof Column c)) {
                    return Map.of();
                }
                Optional<Ref> ref = resolve(scope, c);
                if (ref.isEmpty() || !ref.get().local() || (only != null && !only.equals(ref.get().table()))) {
                    return Map.of(); // an index can deliver the order only when every key is one table's column
                }
                only = ref.get().table();
                columns.add(ref.get().column());
            }
            return Map.of(only, columns);
        }

        void conjuncts(Expression e, List<Expression> out) {
            if (e == null) {
                return;
            }
            if (e instanceof AndExpression and) {
                conjuncts(and.getLeftExpression(), out);
                conjuncts(and.getRightExpression(), out);
            } else if (e instanceof ParenthesedExpressionList<?> p && p.size() == 1) {
                conjuncts(p.get(0), out);
            } else {
                out.add(e);
            }
        }

        void condition(Scope scope, Expression e, Map<TableInfo, Uses> uses) {
            if (e instanceof EqualsTo eq) {
                comparison(scope, eq.getLeftExpression(), eq.getRightExpression(), "=", uses);
            } else if (e instanceof GreaterThan || e instanceof GreaterThanEquals || e instanceof MinorThan || e instanceof MinorThanEquals) {
                BinaryExpression b = (BinaryExpression) e;
                String op = (e instanceof GreaterThan || e instanceof GreaterThanEquals) ? ">" : "<";
                comparison(scope, b.getLeftExpression(), b.getRightExpression(), op, uses);
            } else if (e instanceof Between between && !between.isNot()) {
                localColumn(scope, between.getLeftExpression()).ifPresent(ref -> {
                    if (isValue(scope, between.getBetweenExpressionStart(), ref.table()) && isValue(scope, between.getBetweenExpressionEnd(), ref.table())) {
                        Uses u = uses.computeIfAbsent(ref.table(), k -> new Uses());
                        u.range.add(ref.column());
                        u.lower.add(ref.column());
                        u.upper.add(ref.column());
                        parameter(between.getBetweenExpressionStart(), ref, Role.LOWER_BOUND);
                        parameter(between.getBetweenExpressionEnd(), ref, Role.UPPER_BOUND);
                    }
                });
            } else if (e instanceof InExpression in && !in.isNot()) {
                Expression right = in.getRightExpression();
                if (right instanceof Select sub) {
                    select(sub, scope, scope.cteNames);
                    localColumn(scope, in.getLeftExpression()).ifPresent(ref -> uses.computeIfAbsent(ref.table(), k -> new Uses()).join.add(ref.column()));
                } else if (right instanceof ExpressionList<?> list) {
                    localColumn(scope, in.getLeftExpression()).ifPresent(ref -> {
                        if (list.stream().allMatch(x -> isValue(scope, x, ref.table()))) {
                            uses.computeIfAbsent(ref.table(), k -> new Uses()).equality.add(ref.column());
                            list.forEach(x -> parameter(x, ref, Role.EQUALS));
                        }
                    });
                }
            } else if (e instanceof OrExpression or) {
                sameColumnEqualities(scope, or, uses);
            } else if (e instanceof ExistsExpression exists && exists.getRightExpression() instanceof Select sub) {
                select(sub, scope, scope.cteNames);
            } else if (e instanceof NotExpression not && not.getExpression() instanceof ExistsExpression exists
                    && exists.getRightExpression() instanceof Select sub) {
                select(sub, scope, scope.cteNames);
            }
        }

        /** {@code a = $1 OR a = $2}: an equality on one column, as good as IN. Any other OR is left alone. */
        void sameColumnEqualities(Scope scope, OrExpression or, Map<TableInfo, Uses> uses) {
            List<Expression> branches = new ArrayList<>();
            orBranches(or, branches);
            Ref common = null;
            for (Expression b : branches) {
                if (!(b instanceof EqualsTo eq)) {
                    return;
                }
                Optional<Ref> ref = localColumn(scope, eq.getLeftExpression());
                if (ref.isEmpty() || !isValue(scope, eq.getRightExpression(), ref.get().table())
                        || (common != null && !common.equals(ref.get()))) {
                    return;
                }
                common = ref.get();
            }
            if (common != null) {
                uses.computeIfAbsent(common.table(), k -> new Uses()).equality.add(common.column());
                for (Expression b : branches) {
                    parameter(((EqualsTo) b).getRightExpression(), common, Role.EQUALS);
                }
            }
        }

        void orBranches(Expression e, List<Expression> out) {
            if (e instanceof OrExpression or) {
                orBranches(or.getLeftExpression(), out);
                orBranches(or.getRightExpression(), out);
            } else if (e instanceof ParenthesedExpressionList<?> p && p.size() == 1) {
                orBranches(p.get(0), out);
            } else {
                out.add(e);
            }
        }

        void comparison(Scope scope, Expression left, Expression right, String op, Map<TableInfo, Uses> uses) {
            if (right instanceof Select sub) {
                select(sub, scope, scope.cteNames);
            }
            if (left instanceof Select sub) {
                select(sub, scope, scope.cteNames);
            }
            Optional<Ref> l = localColumn(scope, left);
            Optional<Ref> r = localColumn(scope, right);
            if ("=".equals(op)) {
                Optional<Ref> lAny = anyColumn(scope, left);
                Optional<Ref> rAny = anyColumn(scope, right);
                if (lAny.isPresent() && rAny.isPresent()) {
                    if (!lAny.get().table().equals(rAny.get().table())) {
                        l.ifPresent(ref -> uses.computeIfAbsent(ref.table(), k -> new Uses()).join.add(ref.column()));
                        r.ifPresent(ref -> uses.computeIfAbsent(ref.table(), k -> new Uses()).join.add(ref.column()));
                    }
                    return;
                }
            }
            if (l.isPresent() && isValue(scope, right, l.get().table())) {
                record(l.get(), right, op, uses);
            } else if (r.isPresent() && isValue(scope, left, r.get().table())) {
                record(r.get(), left, flip(op), uses);
            }
        }

        void record(Ref ref, Expression value, String op, Map<TableInfo, Uses> uses) {
            Uses u = uses.computeIfAbsent(ref.table(), k -> new Uses());
            switch (op) {
                case "=" -> {
                    if (value instanceof Function f && "ANY".equalsIgnoreCase(f.getName())) {
                        u.equality.add(ref.column());
                        if (f.getParameters() != null && f.getParameters().size() == 1) {
                            parameter(f.getParameters().get(0), ref, Role.ARRAY);
                        }
                    } else {
                        u.equality.add(ref.column());
                        parameter(value, ref, Role.EQUALS);
                    }
                }
                case ">" -> {
                    u.range.add(ref.column());
                    u.lower.add(ref.column());
                    parameter(value, ref, Role.LOWER_BOUND);
                }
                default -> {
                    u.range.add(ref.column());
                    u.upper.add(ref.column());
                    parameter(value, ref, Role.UPPER_BOUND);
                }
            }
        }

        void parameter(Expression value, Ref ref, Role role) {
            if (unwrapCast(value) instanceof JdbcParameter p && p.getIndex() != null) {
                parameters.putIfAbsent(p.getIndex(), new ParameterUse(p.getIndex(), ref.table(), ref.column(), role));
            }
        }

        /** A bare column of one of this block's own tables (a cast or function on it defeats a plain index). */
        Optional<Ref> localColumn(Scope scope, Expression e) {
            if (e instanceof Column c) {
                return resolve(scope, c).filter(Ref::local);
            }
            return Optional.empty();
        }

        Optional<Ref> anyColumn(Scope scope, Expression e) {
            return e instanceof Column c ? resolve(scope, c) : Optional.empty();
        }

        /** True when {@code e} is constant for a row of {@code table}: parameters, literals, other tables' columns. */
        boolean isValue(Scope scope, Expression e, TableInfo table) {
            if (e == null || e instanceof Select) {
                return false;
            }
            List<Column> columns = new ArrayList<>();
            e.accept(new ExpressionVisitorAdapter<Void>() {
                @Override
                public <S> Void visit(Column column, S context) {
                    columns.add(column);
                    return null;
                }
            }, null);
            for (Column c : columns) {
                Optional<Ref> ref = resolve(scope, c);
                if (ref.isEmpty() || ref.get().table().equals(table)) {
                    return false;
                }
            }
            return true;
        }

        Optional<Ref> resolve(Scope scope, Column c) {
            String column = Catalog.fold(c.getColumnName());
            Table qualifier = c.getTable();
            boolean local = true;
            for (Scope s = scope; s != null; s = s.parent, local = false) {
                if (qualifier != null && qualifier.getName() != null) {
                    String q = Catalog.fold(qualifier.getName());
                    if (qualifier.getSchemaName() != null) {
                        Optional<TableInfo> t = catalog.resolve(qualifier.getSchemaName(), qualifier.getName());
                        if (t.isPresent() && s.byName.containsValue(t.get())) {
                            return Optional.of(new Ref(t.get(), column, local));
                        }
                    } else if (s.byName.containsKey(q)) {
                        TableInfo t = s.byName.get(q);
                        return t.hasColumn(column) ? Optional.of(new Ref(t, column, local)) : Optional.empty();
                    } else if (s.derived.contains(q)) {
                        return Optional.empty();
                    }
                } else {
                    for (TableInfo t : s.byName.values()) {
                        if (t.hasColumn(column)) {
                            return Optional.of(new Ref(t, column, local));
                        }
                    }
                }
            }
            return Optional.empty();
        }
    }

    private static Expression unwrapCast(Expression e) {
        while (e instanceof CastExpression c) {
            e = c.getLeftExpression();
        }
        return e;
    }

    private static String flip(String op) {
        return switch (op) {
            case ">" -> "<";
            case "<" -> ">";
            default -> op;
        };
    }

    private static <T> void addAll(List<T> to, List<T> from) {
        if (from != null) {
            to.addAll(from);
        }
    }
}
