package dev.pgvigil.advisor.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.advisor.sql.StatementShape.Kind;
import dev.pgvigil.advisor.sql.StatementShape.ParameterUse;
import dev.pgvigil.advisor.sql.StatementShape.Role;
import dev.pgvigil.advisor.sql.StatementShape.TableAccess;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatementParserTest {
    static final TableInfo CUSTOMERS = new TableInfo(1, "public", "customers", 50_000, 500, List.of("id", "email", "country", "status", "created_at"));
    static final TableInfo ORDERS = new TableInfo(2, "public", "orders", 200_000, 2000, List.of("id", "customer_id", "status", "total_cents", "created_at"));
    static final TableInfo ORDER_ITEMS = new TableInfo(3, "sales", "Order Items", 10_000, 100, List.of("id", "OrderId", "sku"));
    static final TableInfo APP_CUSTOMERS = new TableInfo(4, "app", "customers", 10, 1, List.of("id", "name"));

    final StatementParser parser = new StatementParser(
            Catalog.of(List.of(CUSTOMERS, ORDERS, ORDER_ITEMS, APP_CUSTOMERS), List.of(), List.of("public", "app"), Map.of()));

    StatementShape parse(String sql) {
        Optional<StatementShape> shape = parser.parse(sql);
        assertThat(shape).as(sql).isPresent();
        return shape.get();
    }

    static TableAccess access(StatementShape shape, TableInfo table) {
        return shape.accesses().stream().filter(a -> a.table().equals(table)).findFirst()
                .orElseThrow(() -> new AssertionError("no access to " + table.name() + " in " + shape));
    }

    @Test
    void equalityFilterWithPlaceholder() {
        StatementShape s = parse("SELECT id, country FROM customers WHERE email = $1");
        assertThat(s.kind()).isEqualTo(Kind.SELECT);
        assertThat(s.tableOids()).containsExactly(1L);
        assertThat(access(s, CUSTOMERS).equality()).containsExactly("email");
        assertThat(s.parameters()).containsEntry(1, new ParameterUse(1, CUSTOMERS, "email", Role.EQUALS));
    }

    @Test
    void joinThroughAliasesWithOrderByAndLimit() {
        StatementShape s = parse("""
                SELECT o.id, o.total_cents, c.email FROM orders o JOIN customers c ON c.id = o.customer_id
                WHERE o.customer_id = $1 ORDER BY o.created_at DESC LIMIT $2""");
        TableAccess orders = access(s, ORDERS);
        assertThat(orders.equality()).containsExactly("customer_id");
        assertThat(orders.join()).containsExactly("customer_id");
        assertThat(orders.order()).containsExactly("created_at");
        assertThat(orders.limited()).isTrue();
        assertThat(access(s, CUSTOMERS).join()).containsExactly("id");
        assertThat(s.parameters().get(2).role()).isEqualTo(Role.LIMIT);
    }

    @Test
    void rangesBetweenAndInLists() {
        StatementShape s = parse("SELECT * FROM orders WHERE status IN ($1, $2) AND created_at BETWEEN $3 AND $4 AND total_cents > $5");
        TableAccess orders = access(s, ORDERS);
        assertThat(orders.equality()).containsExactly("status");
        assertThat(orders.range()).containsExactly("created_at", "total_cents");
        assertThat(orders.boundedRanges()).containsExactly("created_at");
        assertThat(s.parameters().get(3).role()).isEqualTo(Role.LOWER_BOUND);
        assertThat(s.parameters().get(4).role()).isEqualTo(Role.UPPER_BOUND);
        assertThat(s.parameters().get(5)).isEqualTo(new ParameterUse(5, ORDERS, "total_cents", Role.LOWER_BOUND));
    }

    @Test
    void reversedComparisonAnyArrayAndCasts() {
        StatementShape s = parse("SELECT * FROM orders WHERE $1 < total_cents AND customer_id = ANY($2) AND status = $3::text");
        TableAccess orders = access(s, ORDERS);
        assertThat(orders.range()).containsExactly("total_cents");
        assertThat(orders.equality()).containsExactly("customer_id", "status");
        assertThat(s.parameters().get(1).role()).isEqualTo(Role.LOWER_BOUND);
        assertThat(s.parameters().get(2).role()).isEqualTo(Role.ARRAY);
        assertThat(s.parameters().get(3).role()).isEqualTo(Role.EQUALS);
    }

    @Test
    void aFunctionOrCastOnTheColumnIsNotIndexable() {
        StatementShape s = parse("SELECT * FROM customers WHERE lower(email) = $1 AND created_at::date = $2");
        assertThat(s.accesses()).isEmpty();
    }

    @Test
    void schemaQualifiedQuotedMixedCaseAndSearchPath() {
        StatementShape s = parse("SELECT * FROM sales.\"Order Items\" i WHERE i.\"OrderId\" = $1");
        assertThat(access(s, ORDER_ITEMS).equality()).containsExactly("OrderId");
        // unqualified customers is public.customers, the first match on the search_path
        assertThat(parse("SELECT * FROM customers WHERE email = $1").tableOids()).containsExactly(1L);
        assertThat(parse("SELECT * FROM app.customers WHERE name = $1").tableOids()).containsExactly(4L);
        // an unquoted name folds to lower case, so this is not "Order Items"
        assertThat(parse("SELECT * FROM sales.order_items WHERE sku = $1").tableOids()).isEmpty();
    }

    @Test
    void updateAndDeleteFilters() {
        StatementShape u = parse("UPDATE orders SET status = $1 WHERE customer_id = $2");
        assertThat(u.kind()).isEqualTo(Kind.UPDATE);
        assertThat(access(u, ORDERS).equality()).containsExactly("customer_id");
        StatementShape d = parse("DELETE FROM orders WHERE created_at < $1");
        assertThat(d.kind()).isEqualTo(Kind.DELETE);
        assertThat(d.kind().modifiesData()).isTrue();
        assertThat(access(d, ORDERS).range()).containsExactly("created_at");
    }

    @Test
    void cteAndCorrelatedSubqueries() {
        StatementShape s = parse("""
                WITH recent AS (SELECT * FROM orders WHERE created_at > $1)
                SELECT c.email FROM customers c
                WHERE c.country = $2 AND EXISTS (SELECT 1 FROM recent r WHERE r.customer_id = c.id)
                  AND c.id IN (SELECT o.customer_id FROM orders o WHERE o.total_cents > $3)""");
        assertThat(access(s, ORDERS).range()).contains("created_at");
        assertThat(s.accesses().stream().filter(a -> a.table().equals(ORDERS)).flatMap(a -> a.range().stream()))
                .contains("created_at", "total_cents");
        TableAccess customers = access(s, CUSTOMERS);
        assertThat(customers.equality()).containsExactly("country");
        assertThat(customers.join()).containsExactly("id");
    }

    @Test
    void orOfEqualitiesOnOneColumnCountsOtherOrsDoNot() {
        assertThat(access(parse("SELECT * FROM customers WHERE email = $1 OR email = $2"), CUSTOMERS).equality()).containsExactly("email");
        assertThat(parse("SELECT * FROM customers WHERE email = $1 OR country = $2").accesses()).isEmpty();
    }

    @Test
    void orderByAcrossTwoTablesCannotComeFromOneIndex() {
        StatementShape s = parse("SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY c.email, o.created_at");
        assertThat(access(s, ORDERS).order()).isEmpty();
    }

    @Test
    void unparseableAndUtilityStatements() {
        assertThat(parser.parse("this is not sql")).isEmpty();
        assertThat(parser.parse("VACUUM ANALYZE orders").map(StatementShape::kind).orElse(Kind.OTHER)).isEqualTo(Kind.OTHER);
        StatementShape set = parse("SET work_mem = '64MB'");
        assertThat(set.kind()).isEqualTo(Kind.OTHER);
        assertThat(set.accesses()).isEmpty();
    }
}
