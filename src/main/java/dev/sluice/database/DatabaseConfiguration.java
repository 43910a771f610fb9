package dev.sluice.database;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    /**
     * Static: a BeanPostProcessor must exist before the beans it processes. Always a bean, and the
     * setting read when it runs: a condition on the setting would be fixed at build time in the
     * context Spring AOT prepares (bin/sluice-server runs that one).
     */
    @Bean
    static DatabaseCreator databaseCreator(Environment environment) {
        return new DatabaseCreator(
                () -> environment.getProperty("sluice.database.create-if-missing", Boolean.class, true));
    }
}
