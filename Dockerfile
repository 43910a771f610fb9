# Sluice, built from this repository. Used by docker-compose.yml.
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY db db
COPY src/main src/main
RUN ./mvnw -B -ntp -q package -DskipTests

# Java 25: bin/sluice-server starts Sluice from its AOT-prepared context and the JVM's ahead-of-time
# cache, made by the container's first start (see README, "Start-up").
FROM eclipse-temurin:25-jre
WORKDIR /app
COPY --from=build /src/target/sluice.jar /app/target/sluice.jar
COPY bin /app/bin
ENV XDG_CACHE_HOME=/app/cache
EXPOSE 8080
# Out of memory, the JVM exits at once (status 3) and the container restarts (see README).
ENTRYPOINT ["/app/bin/sluice-server"]
