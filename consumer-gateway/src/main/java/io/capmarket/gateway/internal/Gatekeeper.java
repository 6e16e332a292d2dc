package io.capmarket.gateway.internal;

import io.capmarket.gateway.AuthenticationRequiredException;
import io.capmarket.gateway.TooManyRequestsException;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Who may call, and how often: a caller's bearer token (static or OIDC) for the public routes,
 * then its rate limits; a signed assertion of another instance of this deployment for the internal
 * routes, never a caller's token.
 */
public final class Gatekeeper {

    private final Authenticator authenticator;
    private final RateLimits limits;
    private final InstanceCalls instances;
    private final GatewayMetrics metrics;

    /**
     * @param limits null for no rate limits
     */
    public Gatekeeper(Authenticator authenticator, RateLimits limits, InstanceCalls instances, GatewayMetrics metrics) {
        this.authenticator = authenticator;
        this.limits = limits;
        this.instances = instances;
        this.metrics = metrics;
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
     * assertion names.
     *
     * @throws AuthenticationRequiredException without a valid assertion
     */
    public Principal admitInstance(Context ctx) {
        Principal principal = instances.verify(ctx.header(InstanceCalls.HEADER)).orElseThrow(() ->
                new AuthenticationRequiredException("this route is for the gateway's own instances, which send "
                        + InstanceCalls.HEADER + " signed with the deployment's shared secret"));
        ctx.attribute(HttpInput.PRINCIPAL, principal);
        return principal;
    }

    /** The assertion that lets another instance answer for {@code principal}. */
    public String assertionFor(Principal principal) {
        return instances.sign(principal);
    }
}
