package io.capmarket.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import io.capmarket.gateway.NotFoundException;
import io.capmarket.schemas.CapabilityScore;
import io.capmarket.schemas.CapabilityView;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/** {@code /v1/capabilities} and {@code /v1/scorecard}, from the global tables; any authenticated role may read them. */
public final class CatalogHandlers {

    private static final Pattern CAPABILITY = Pattern.compile("[a-z0-9-]{1,100}");
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z0-9._-]{1,100})[:=](.{1,200})");
    private static final Principal.Role[] READERS = Principal.Role.values();

    private final Catalog catalog;

    public CatalogHandlers(Catalog catalog) {
        this.catalog = catalog;
    }

    /** {@code GET /v1/capabilities?prefix=&attribute=region:eu-west&limit=&cursor=}. */
    public void list(Context ctx) {
        HttpInput.principal(ctx, READERS);
        String prefix = ctx.queryParam("prefix");
        if (prefix != null && !prefix.isEmpty() && !CAPABILITY.matcher(prefix).matches()) {
            throw new MalformedRequestException("the query parameter prefix is invalid",
                    List.of(new FieldError("prefix", prefix, "the start of a kebab-case capability name")));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String attribute : ctx.queryParams("attribute")) {
            var m = ATTRIBUTE.matcher(attribute);
            if (!m.matches()) {
                throw new MalformedRequestException("the query parameter attribute is invalid",
                        List.of(new FieldError("attribute", attribute, "name:value, for example region:eu-west")));
            }
            attributes.put(m.group(1), m.group(2));
        }
        int limit = HttpInput.integer(ctx, "limit", ListQuery.DEFAULT_LIMIT, 1, ListQuery.MAX_LIMIT);
        List<CapabilityView> found = catalog.capabilities(Cursors.decode(ctx.queryParam("cursor")), limit,
                view -> CapabilityJson.matches(view, prefix == null || prefix.isEmpty() ? null : prefix, attributes));
        ctx.json(page(found, limit, CapabilityView::getName, this::json));
    }

    /** {@code GET /v1/capabilities/{name}}. */
    public void get(Context ctx) {
        HttpInput.principal(ctx, READERS);
        String name = ctx.pathParam("name");
        CapabilityView view = catalog.capability(name)
                .orElseThrow(() -> new NotFoundException("there is no capability " + name + " in the catalog"));
        ctx.json(json(view));
    }

    /** An entry as the API shows it, with the admins' approval policy of each version. */
    private JsonNode json(CapabilityView view) {
        return CapabilityJson.capability(view, version -> catalog.approvalPolicy(view.getName(), version).orElse(null));
    }

    /** {@code GET /v1/scorecard?capability=&limit=&cursor=}: speed, safety, efficiency and scalability per capability and producer. */
    public void scorecard(Context ctx) {
        Principal principal = HttpInput.principal(ctx, READERS);
        String capability = ctx.queryParam("capability");
        int limit = HttpInput.integer(ctx, "limit", ListQuery.DEFAULT_LIMIT, 1, ListQuery.MAX_LIMIT);
        List<CapabilityScore> found = catalog.scores(Cursors.decode(ctx.queryParam("cursor")), limit,
                score -> capability == null || capability.equals(score.getCapability()));
        ctx.json(page(found, limit, CapabilityScore::getCapability, score -> scoreJson(score, principal)));
    }

    /**
     * A scorecard as the caller may read it: which teams use a capability, and how much, is for admins; everyone
     * else reads the demand without its teams (the outcome figures of {@code GET /v1/insights} count them).
     */
    static JsonNode scoreJson(CapabilityScore score, Principal caller) {
        JsonNode json = AvroJson.toJson(score);
        if (!caller.admin() && json.path("demand") instanceof ObjectNode demand) {
            demand.remove("teams");
        }
        return json;
    }

    private static <T> Page<JsonNode> page(List<T> found, int limit, Function<T, String> key, Function<T, JsonNode> json) {
        List<JsonNode> items = found.stream().limit(limit).map(json).toList();
        String next = found.size() > limit ? Cursors.encode(key.apply(found.get(limit - 1))) : null;
        return new Page<>(items, next);
    }
}
