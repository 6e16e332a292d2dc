/**
 * The typed topic catalogue ({@link io.capmarket.schemas.topics.Topics}) and the provisioning
 * step that creates missing topics and reports misconfigured ones
 * ({@link io.capmarket.schemas.topics.TopicProvisioner}).
 */
package io.capmarket.schemas.topics;
