package dev.pgvigil.web;

import dev.pgvigil.common.http.HealthChecks;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.common.metrics.ServiceMeters;
import java.time.Clock;

/**
 * The dashboard over a generated fleet, for looking at it by hand:
 * {@code mvn -pl web test-compile org.codehaus.mojo:exec-maven-plugin:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.pgvigil.web.DashboardDemo -Dexec.args="8080 500"} (port, instances).
 */
public final class DashboardDemo {
    private DashboardDemo() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int instances = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        InMemoryDashboardData data = FleetGenerator.generate(instances, Clock.systemUTC(), 42);
        ServiceMeters meters = new ServiceMeters("web-demo");
        WebServer server = new WebServer(HttpSettings.loopback(port), data, meters.registry(),
                new HealthChecks().register("demo", () -> HealthChecks.Check.up("generated fleet of " + instances))).start();
        System.out.println("dashboard at " + server.baseUri() + "/ (Ctrl-C to stop)");
        Thread.currentThread().join();
    }
}
