package io.capmarket.gateway.internal;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One line of the route table.
 *
 * @param method the HTTP method
 * @param path the path, with {@code {param}}s
 * @param access whether a bearer token is needed
 * @param handler what answers
 */
public record Route(HandlerType method, String path, Access access, Handler handler) {

    /** Who may call a route. */
    public enum Access {
        /** Anyone: health, metrics, the OpenAPI document, the portal page. */
        PUBLIC,
        /** A caller with a known bearer token (roles are checked by the handler). */
        TOKEN
    }

    public static Route get(String path, Access access, Handler handler) {
        return new Route(HandlerType.GET, path, access, handler);
    }

    public static Route post(String path, Access access, Handler handler) {
        return new Route(HandlerType.POST, path, access, handler);
    }

    public static Route delete(String path, Access access, Handler handler) {
        return new Route(HandlerType.DELETE, path, access, handler);
    }
}
