package io.capmarket.bench;

import java.time.Duration;

/**
 * How much each scenario does. The full run follows the benchmark plan (a million pre-produced
 * requests, 30-second latency runs); the quick one keeps every scenario but smaller.
 *
 * @param ceilingRecords records the passthrough copies, measured
 * @param ceilingWarmUpMostRecords records written for the passthrough's warm-up, which lasts, past
 *     {@code warmUpRecords}, until its compilers settle ({@link BacklogWarmUp}): it copies records
 *     6 to 15 times as fast as the topology matches them, and its compilers were still busy after
 *     three million
 * @param matchingRequests submissions pre-produced for the matching scenarios
 * @param matchingLimit the longest each part of a matching scenario (its warm-up, its measured part, the
 *     rest of its backlog before its memory is read) may take before it reports what it reached
 * @param warmUp unmeasured load before a measurement on processes that have not run that load yet
 *     (their JIT compiler still busy: in a latency run after a 10 s warm-up it used 39 % of a core)
 * @param warmUpAgain unmeasured load before a further measurement on processes already warmed by
 *     an earlier one
 * @param warmUpRecords records the passthrough and the matching topology process take at least,
 *     unmeasured, before their measured backlog (the topology's JIT compiler used 16.5 s of CPU
 *     while matching a million requests from a cold start, a quarter of the run's CPU); the scale
 *     runs take exactly this many
 * @param warmUpMostRecords requests written for the matching topology's warm-up, which lasts,
 *     past {@code warmUpRecords}, until its compilers settle ({@link BacklogWarmUp})
 * @param latencyRun the measured part of each latency run
 * @param gatewayRun the measured part of each gateway run
 * @param scaleRequests submissions pre-produced for each scale run
 */
record Sizes(long ceilingRecords, long ceilingWarmUpMostRecords, long matchingRequests, Duration matchingLimit,
        Duration warmUp, Duration warmUpAgain, long warmUpRecords, long warmUpMostRecords, Duration latencyRun,
        Duration gatewayRun, long scaleRequests) {

    static final Sizes FULL = new Sizes(3_000_000, 10_000_000, 1_000_000, Duration.ofMinutes(4), Duration.ofSeconds(60),
            Duration.ofSeconds(15), 300_000, 3_000_000, Duration.ofSeconds(30), Duration.ofSeconds(15), 200_000);
    static final Sizes QUICK = new Sizes(150_000, 300_000, 50_000, Duration.ofSeconds(40), Duration.ofSeconds(3),
            Duration.ofSeconds(2), 10_000, 30_000, Duration.ofSeconds(5), Duration.ofSeconds(3), 15_000);
}
