package io.capmarket.examples.springpostgres;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The db team's service on Spring Boot: the starter reads the offers under
 * {@code src/main/resources/offers/}, connects with {@code application.yaml} (or
 * {@code CAPMARKET_*} variables), routes {@code postgres-database} assignments to
 * {@link PostgresHandler}, and drains running work when the application stops.
 */
@SpringBootApplication
public class SpringPostgresProvider {

    public static void main(String[] args) {
        SpringApplication.run(SpringPostgresProvider.class, args);
    }
}
