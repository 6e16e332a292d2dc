/**
 * Scorecard math: what a capability, and each of its producers, looked like over a sliding
 * window and over all time — speed, safety, efficiency and scalability.
 *
 * <p>Plain Java, no Kafka: {@link io.capmarket.topology.core.score.ScoreState} takes the
 * lifecycle events of one scope with their instants and yields the Avro {@code ScoreFigures};
 * {@link io.capmarket.topology.core.score.ScoreStateCodec} turns it into the bytes kept in a
 * state store; lead-time percentiles come from mergeable
 * {@link io.capmarket.topology.core.score.DurationSketch}es (HdrHistogram), never from lists of
 * raw durations. Time is always an argument, so tests advance instants instead of sleeping.
 */
package io.capmarket.topology.core.score;
