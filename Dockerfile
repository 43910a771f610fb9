# Sluice, built from this repository. Used by docker-compose.yml.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY db db
COPY src/main src/main
RUN ./mvnw -B -ntp -q package -DskipTests

FROM eclipse-temurin:21-jre
WORKDIR /app
COPY --from=build /src/target/sluice.jar /app/sluice.jar
EXPOSE 8080
# Out of memory, the JVM exits at once (status 3) and the container restarts (see README).
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/sluice.jar"]
