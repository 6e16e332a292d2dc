package io.capmarket.gateway.internal;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /v1/me}: who the bearer token belongs to, so that a client (the portal) shows each
 * role what it may do: a consumer its team's requests, a producer its own offers and figures, an
 * approver (or anyone an approval names) its approval inbox.
 */
public final class WhoAmI {

    /** Answers {@code {"team", "role", "name", "bot"}}; the role in lower case, as token files spell it. */
    public void me(Context ctx) {
        Principal principal = HttpInput.principal(ctx, Principal.Role.values());
        ctx.json(Map.of("team", principal.team(), "role", principal.role().name().toLowerCase(Locale.ROOT),
                "name", principal.name(), "bot", principal.bot()));
    }
}
