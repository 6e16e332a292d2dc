/**
 * Unit-test a producer team's {@link io.capmarket.sdk.AssignmentHandler} without Kafka:
 * {@link io.capmarket.sdk.testkit.HandlerTester} feeds it an assignment and records every report
 * it makes, in order, with the SDK's own settling rules.
 */
package io.capmarket.sdk.testkit;
