/**
 * Onboarding producers and teams, an administrator's act.
 *
 * <p>{@link io.capmarket.schemas.onboarding.Onboarding} does it in one step: a producer's four
 * topics ({@code producer.<producerId>.offers|heartbeats|fulfilment|assignments}), the value
 * schemas it writes with, its SCRAM credential, its ACLs and its approval on the compacted
 * {@code producers} topic, returning the client settings to hand over; a team's bots get
 * {@code team.<team>.requests}, a credential and ACLs. Offboarding revokes and deletes them.
 * {@link io.capmarket.schemas.onboarding.ProducerOnboarding} is the approval step alone (topics
 * and approval), which the topology also runs for producers approved in its settings.
 * {@link io.capmarket.schemas.onboarding.OnboardingCommand} is {@code ./capmarket producer|team onboard|offboard}.
 */
package io.capmarket.schemas.onboarding;
