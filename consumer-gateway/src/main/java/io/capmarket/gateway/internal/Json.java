package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The gateway's one Jackson configuration. */
public final class Json {

    /** Shared and thread-safe once configured. Unknown fields are ignored so forwarded answers may grow. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {
    }
}
