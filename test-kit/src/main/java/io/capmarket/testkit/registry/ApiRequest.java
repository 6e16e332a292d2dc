package io.capmarket.testkit.registry;

import java.util.Map;

/**
 * An HTTP request as the endpoints see it.
 *
 * @param pathParameters the values of the route's {@code {name}} segments, URL-decoded
 * @param query          the query parameters, URL-decoded (last value wins)
 * @param body           the request body, empty when none
 */
record ApiRequest(Map<String, String> pathParameters, Map<String, String> query, String body) {

    String path(String name) {
        String value = pathParameters.get(name);
        if (value == null) {
            throw new IllegalStateException("The route has no path parameter '" + name + "'");
        }
        return value;
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(query.get(name));
    }
}
