package io.capmarket.gateway.internal;

import static io.capmarket.gateway.internal.Route.Access.INSTANCE;
import static io.capmarket.gateway.internal.Route.Access.PUBLIC;
import static io.capmarket.gateway.internal.Route.Access.TOKEN;
import static io.capmarket.gateway.internal.Route.delete;
import static io.capmarket.gateway.internal.Route.get;
import static io.capmarket.gateway.internal.Route.patch;
import static io.capmarket.gateway.internal.Route.post;
import static io.capmarket.gateway.internal.Route.put;

import java.util.List;

/**
 * The gateway's every route, in one table. {@code /openapi.json} documents each public one and none of
 * the {@link Route#INTERNAL_PREFIX internal} ones that gateway instances call on each other
 * ({@link Route#documented()}; a test holds the document to that).
 */
public final class Routes {

    private Routes() {
    }

    /** The approval policy of a capability version, which admins set. */
    public static final String APPROVAL_POLICY = "/v1/capabilities/{name}/versions/{version}/approval";
    /** The producer admins hand a capability version's contract to. */
    public static final String CONTRACT_OWNER = "/v1/capabilities/{name}/versions/{version}/owner";
    /** A team's quota of a capability, which admins set. */
    public static final String QUOTA = "/v1/teams/{team}/quotas/{capability}";

    public static List<Route> table(CatalogHandlers catalog, PolicyHandlers policies, ContractOwnerHandlers owners,
            QuotaHandlers quotas, RequestHandlers requests, ApprovalHandlers approvals, InsightsHandlers insights, EventStreams events,
            OpsHandlers ops, WhoAmI whoAmI, PortalAssets portal) {
        return List.of(
                get("/v1/capabilities", TOKEN, catalog::list),
                get("/v1/capabilities/{name}", TOKEN, catalog::get),
                put(APPROVAL_POLICY, TOKEN, policies::put),
                delete(APPROVAL_POLICY, TOKEN, policies::delete),
                put(CONTRACT_OWNER, TOKEN, owners::put),
                delete(CONTRACT_OWNER, TOKEN, owners::delete),
                get("/v1/scorecard", TOKEN, catalog::scorecard),
                get("/v1/insights", TOKEN, insights::insights),
                get("/v1/me", TOKEN, whoAmI::me),
                put(QUOTA, TOKEN, quotas::put),
                delete(QUOTA, TOKEN, quotas::delete),
                get("/v1/teams/{team}/usage", TOKEN, quotas::usage),
                post("/v1/requests", TOKEN, requests::submit),
                get("/v1/requests", TOKEN, requests::list),
                get("/v1/requests/{id}", TOKEN, requests::get),
                get("/v1/requests/{id}/decision", TOKEN, requests::decision),
                get("/v1/orphans", TOKEN, requests::orphans),
                get("/v1/requests/{id}/events", TOKEN, events::stream),
                patch("/v1/requests/{id}", TOKEN, requests::update),
                delete("/v1/requests/{id}", TOKEN, requests::cancel),
                get("/v1/approvals", TOKEN, approvals::inbox),
                post("/v1/requests/{id}/approve", TOKEN, approvals::approve),
                post("/v1/requests/{id}/reject", TOKEN, approvals::reject),
                get(Forwarder.INTERNAL_REQUESTS, INSTANCE, requests::internalList),
                post(Forwarder.INTERNAL_REQUESTS, INSTANCE, requests::internalSubmit),
                get(Forwarder.INTERNAL_REQUESTS + "/{id}", INSTANCE, requests::internalGet),
                get(Forwarder.INTERNAL_REQUESTS + "/{id}" + Forwarder.DECISION, INSTANCE, requests::internalDecision),
                get("/health/live", PUBLIC, ops::live),
                get("/health/ready", PUBLIC, ops::ready),
                get("/metrics", PUBLIC, ops::metrics),
                get("/openapi.json", PUBLIC, ops::openApi),
                get("/", PUBLIC, portal::index),
                get("/portal/{file}", PUBLIC, portal::file),
                get("/portal/lib/{file}", PUBLIC, portal::library));
    }
}
