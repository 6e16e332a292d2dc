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

    /** Where the routes start that gateway instances call on each other; the public {@code /openapi.json} leaves them out. */
    public static final String INTERNAL_PREFIX = "/internal/";

    /** Who may call a route. */
    public enum Access {
        /** Anyone: health, metrics, the OpenAPI document, the portal page. */
        PUBLIC,
        /** A caller with a known bearer token, within its rate limits (roles are checked by the handler). */
        TOKEN,
        /** Another instance of this deployment, with its signed assertion of the caller it acts for; never a token. */
        INSTANCE
    }

    /** Whether the public {@code /openapi.json} documents this route: every route but the internal ones. */
    public boolean documented() {
        return !path.startsWith(INTERNAL_PREFIX);
    }

    public static Route get(String path, Access access, Handler handler) {
        return new Route(HandlerType.GET, path, access, handler);
    }

    public static Route post(String path, Access access, Handler handler) {
        return new Route(HandlerType.POST, path, access, handler);
    }

    public static Route put(String path, Access access, Handler handler) {
        return new Route(HandlerType.PUT, path, access, handler);
    }

    public static Route patch(String path, Access access, Handler handler) {
        return new Route(HandlerType.PATCH, path, access, handler);
    }

    public static Route delete(String path, Access access, Handler handler) {
        return new Route(HandlerType.DELETE, path, access, handler);
    }
}
