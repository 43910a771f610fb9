package dev.sluice.database;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Before the data source is first used (and so before Flyway migrates), makes sure its database
 * exists: when the server answers but the database is missing, creates it; when no server answers,
 * fails start-up with {@link DatabaseUnavailableException}, whose analyzer says what to do. Off with
 * {@code sluice.database.create-if-missing=false}.
 */
public class DatabaseCreator implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(DatabaseCreator.class);
    /** jdbc:postgresql://host[:port][,host2...]/database[?params] */
    private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/]*/)([^?]+)(\\?.*)?$");

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_\\-]{1,63}");
    private static final String INVALID_CATALOG_NAME = "3D000";
    private static final String DUPLICATE_DATABASE = "42P04";

    private final BooleanSupplier enabled;

    DatabaseCreator(BooleanSupplier enabled) {
        this.enabled = enabled;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        // The pool is configured (URL, user) but has not connected yet.
        if (bean instanceof HikariDataSource pool && enabled.getAsBoolean()) {
            ensureDatabase(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
        }
        return bean;
    }

    /**
     * Creates the database {@code url} names if its server answers without it (a PostgreSQL URL
     * only); throws {@link DatabaseUnavailableException} if the server does not answer.
     */
    public static void ensureDatabase(String url, String username, String password) {
        Matcher m = URL.matcher(url == null ? "" : url);
        if (!m.matches()) {
            return; // not PostgreSQL, or a form we do not parse: leave it to the driver
        }
        try (Connection ignored = connect(url, username, password)) {
            return;
        } catch (SQLException e) {
            if (!INVALID_CATALOG_NAME.equals(e.getSQLState())) {
                throw new DatabaseUnavailableException(url, e);
            }
        }
        String name = m.group(2);
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new DatabaseUnavailableException(
                    url,
                    new SQLException("database '" + name
                            + "' does not exist, and its name is not one Sluice will create; create it yourself"));
        }
        String maintenanceUrl = m.group(1) + "postgres" + (m.group(3) == null ? "" : m.group(3));
        try (Connection c = connect(maintenanceUrl, username, password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
            log.info("created database {} (it was missing)", name);
        } catch (SQLException e) {
            if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                throw new DatabaseUnavailableException(url, e);
            }
        }
    }

    private static Connection connect(String jdbcUrl, String username, String password) throws SQLException {
        Properties props = new Properties();
        if (username != null) {
            props.setProperty("user", username);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl, props);
    }
}
