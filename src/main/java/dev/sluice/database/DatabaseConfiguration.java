package dev.sluice.database;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    /** Static: a BeanPostProcessor must exist before the beans it processes. */
    @Bean
    @ConditionalOnBooleanProperty(name = "sluice.database.create-if-missing", matchIfMissing = true)
    static DatabaseCreator databaseCreator() {
        return new DatabaseCreator();
    }
}
