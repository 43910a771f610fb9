package dev.sluice;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/** Points the application at the database {@link TestDatabase} found. */
@TestConfiguration(proxyBeanMethods = false)
public class TestDatabaseConfiguration {

    static String localDatabase = "sluice_test";

    @Bean
    DynamicPropertyRegistrar testDatabaseProperties() {
        return registry -> {
            TestDatabase.Connection db = TestDatabase.get(localDatabase);
            registry.add("spring.datasource.url", db::url);
            registry.add("spring.datasource.username", db::username);
            registry.add("spring.datasource.password", db::password);
        };
    }
}
