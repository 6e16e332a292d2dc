/**
 * The capmarket producer in a Spring Boot application: add {@code io.capmarket:capmarket-spring-boot-starter},
 * set {@code capmarket.producer-id} (and the connection, or Spring Kafka's), put the offer files
 * under {@code src/main/resources/offers/}, and annotate the code that fulfils each capability
 * with {@link io.capmarket.spring.CapmarketHandler}. {@link io.capmarket.spring.CapmarketProperties}
 * lists every setting; {@link io.capmarket.spring.CapmarketProducerLifecycle} owns the client.
 */
package io.capmarket.spring;
