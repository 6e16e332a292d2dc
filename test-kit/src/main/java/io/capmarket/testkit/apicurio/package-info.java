/**
 * Apicurio Registry run as a child process ({@link io.capmarket.testkit.apicurio.ApicurioRegistry}),
 * an independent implementation of Confluent's registry API to prove clients against, and
 * {@link io.capmarket.testkit.apicurio.ApicurioRegistryExtension} for tests.
 */
package io.capmarket.testkit.apicurio;
