package io.capmarket.testkit.registry;

/**
 * An HTTP response: a status and a JSON body.
 *
 * @param status the HTTP status
 * @param json   the body, already JSON text
 */
record ApiResponse(int status, String json) {

    static ApiResponse ok(String json) {
        return new ApiResponse(200, json);
    }
}
