# One image for the three services; `docker compose` picks the subcommand.
# Build the jar first: bin/pgvigil --version (or mvn -B -Dmaven.test.skip=true install).
FROM eclipse-temurin:17-jre
RUN useradd --system --home /var/lib/pgvigil pgvigil && mkdir -p /var/lib/pgvigil && chown pgvigil /var/lib/pgvigil
COPY cli/target/pgvigil.jar /opt/pgvigil/pgvigil.jar
USER pgvigil
WORKDIR /var/lib/pgvigil
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/pgvigil/pgvigil.jar"]
CMD ["--help"]
