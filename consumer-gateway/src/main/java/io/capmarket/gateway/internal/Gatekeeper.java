package io.capmarket.gateway.internal;

import io.capmarket.gateway.AuthenticationRequiredException;
import io.capmarket.gateway.TooManyRequestsException;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Who may call, and how often: a caller's bearer token (static or OIDC) for the public routes,
 * then its rate limits; a signed assertion of another instance of this deployment for the internal
 * routes, never a caller's token, and only for the call it was signed for.
 */
public final class Gatekeeper {

    private final Authenticator authenticator;
    private final RateLimits limits;
    private final InstanceCalls instances;
    private final GatewayMetrics metrics;
    private final long maxRequestSize;
    private final BodyDeadline bodyDeadline;

    /**
     * @param limits null for no rate limits
     * @param maxRequestSize the most bytes of a body read to check an instance's assertion against it, as the handlers read
     * @param bodyDeadline how long that body may take to arrive, as for the handlers
     */
    public Gatekeeper(Authenticator authenticator, RateLimits limits, InstanceCalls instances, GatewayMetrics metrics,
            long maxRequestSize, BodyDeadline bodyDeadline) {
        this.authenticator = authenticator;
        this.limits = limits;
        this.instances = instances;
        this.metrics = metrics;
        this.maxRequestSize = maxRequestSize;
        this.bodyDeadline = bodyDeadline;
    }

    /**
     * Authenticates the caller's bearer token and takes one request from its rate limits.
     *
     * @throws AuthenticationRequiredException without a token the gateway accepts
     * @throws TooManyRequestsException when the caller or its team is over its limit
     */
    public Principal admit(Context ctx) {
        Principal principal = HttpInput.authenticate(ctx, authenticator);
        if (limits != null) {
            Optional<RateLimits.Refusal> refused = limits.acquire(principal);
            if (refused.isPresent()) {
                RateLimits.Refusal refusal = refused.get();
                metrics.rateLimited(refusal.scope());
                throw new TooManyRequestsException((refusal.scope() == RateLimits.Scope.CALLER ? "you send" : "team "
                        + principal.team() + " sends") + " more requests than its limit allows; retry after "
                        + refusal.retryAfter().toMillis() + " ms", refusal.retryAfter());
            }
        }
        return principal;
    }

    /**
     * Admits a call from another instance of this deployment, acting for the principal its signed
     * assertion names, when the assertion was made for this call: its method, its path and query as
     * received (still URL-encoded) and its body, which is read here once a well signed assertion has
     * come and is kept for the handler.
     *
     * @throws AuthenticationRequiredException without a valid assertion, or with one made for another call
     */
    public Principal admitInstance(Context ctx) {
        String pathAndQuery = InstanceCalls.pathAndQuery(ctx.req().getRequestURI(), ctx.req().getQueryString());
        Principal principal = instances.verify(ctx.header(InstanceCalls.HEADER), ctx.req().getMethod(), pathAndQuery,
                () -> HttpInput.bodyBytes(ctx, maxRequestSize, bodyDeadline)).orElseThrow(() ->
                new AuthenticationRequiredException("this route is for the gateway's own instances, which send "
                        + InstanceCalls.HEADER + " signed with the deployment's shared secret for this very call"));
        ctx.attribute(HttpInput.PRINCIPAL, principal);
        return principal;
    }

    /**
     * The assertion that lets another instance answer this call for {@code principal}, and no other call.
     *
     * @see InstanceCalls#sign
     */
    public String assertionFor(Principal principal, String method, String pathAndQuery, byte[] body) {
        return instances.sign(principal, method, pathAndQuery, body);
    }
}
