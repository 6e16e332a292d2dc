package io.capmarket.bench;

import java.util.List;

/** The scenarios' names, in the order a run measures them. */
final class Scenarios {

    static final String CEILING_EOS = "ceiling-passthrough-eos";
    static final String CEILING_ALOS = "ceiling-passthrough-alos";
    static final String MATCHING_EOS = "matching-eos";
    static final String MATCHING_ALOS = "matching-alos";
    static final String LATENCY_EOS_1000 = "latency-eos-1000";
    static final String LATENCY_EOS_5000 = "latency-eos-5000";
    static final String LATENCY_ALOS_1000 = "latency-alos-1000";
    static final String LATENCY_ALOS_5000 = "latency-alos-5000";
    static final String GATEWAY_CEILING = "gateway-ceiling";
    static final String GATEWAY_POST = "gateway-post";
    static final String GATEWAY_GET = "gateway-get";
    static final String ROUNDTRIP = "fulfilment-roundtrip";
    static final String SCALE_1_1 = "scale-1-instance-1-partition";
    static final String SCALE_1_4 = "scale-1-instance-4-partitions";
    static final String SCALE_2_4 = "scale-2-instances-4-partitions";

    static final List<String> NAMES = List.of(CEILING_EOS, MATCHING_EOS, LATENCY_EOS_1000, LATENCY_EOS_5000,
            CEILING_ALOS, MATCHING_ALOS, LATENCY_ALOS_1000, LATENCY_ALOS_5000, GATEWAY_CEILING, GATEWAY_POST, GATEWAY_GET,
            ROUNDTRIP, SCALE_1_1, SCALE_1_4, SCALE_2_4);

    private Scenarios() {
    }
}
