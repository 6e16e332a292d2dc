/**
 * Producer onboarding, an administrator's act: approving a producer team for a set of
 * capabilities creates its {@code assignments.<producerId>} topic and records the approval on
 * the compacted {@code producers} topic; revoking writes a tombstone there.
 *
 * <p>Entry point: {@link io.capmarket.schemas.onboarding.ProducerOnboarding}.
 */
package io.capmarket.schemas.onboarding;
