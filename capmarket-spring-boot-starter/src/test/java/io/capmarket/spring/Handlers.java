package io.capmarket.spring;

import io.capmarket.sdk.Assignment;
import io.capmarket.sdk.AssignmentHandler;
import io.capmarket.sdk.FulfilmentContext;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Handler beans as an application declares them, for the starter's tests. */
final class Handlers {

    private Handlers() {
    }

    /** A bean with a handler method. */
    static class Databases {

        @CapmarketHandler("postgres-database")
        void create(Assignment assignment, FulfilmentContext context) {
            context.progress("creating a " + assignment.parameterMap().get("size") + " database");
            context.fulfil(Map.of("host", context.requestId() + ".pg.internal"));
        }
    }

    /** A bean that is itself the handler. */
    @CapmarketHandler("kafka-topic")
    static class Topics implements AssignmentHandler {

        @Override
        public void onAssignment(Assignment assignment, FulfilmentContext context) {
            context.fulfil(Map.of("topic", "t-" + context.requestId()));
        }
    }

    /** Both capabilities of the test offers. */
    @Configuration(proxyBeanMethods = false)
    static class Both {

        @Bean
        Databases databases() {
            return new Databases();
        }

        @Bean
        Topics topics() {
            return new Topics();
        }
    }

    /** Only postgres-database: the kafka-topic offer has no handler. */
    @Configuration(proxyBeanMethods = false)
    static class OnlyDatabases {

        @Bean
        Databases databases() {
            return new Databases();
        }
    }

    /** A second handler of postgres-database, asynchronous. */
    static class MoreDatabases {

        @CapmarketHandler("postgres-database")
        CompletionStage<?> create(Assignment assignment, FulfilmentContext context) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** A method that cannot be a handler. */
    static class WrongSignature {

        @CapmarketHandler("kafka-topic")
        String create(Assignment assignment) {
            return "no";
        }
    }
}
