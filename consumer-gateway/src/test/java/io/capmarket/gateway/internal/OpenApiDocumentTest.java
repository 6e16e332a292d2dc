package io.capmarket.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.tags.Tag;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The public OpenAPI document, as a real OpenAPI 3.1 parser reads it, is fit for client generators:
 * no parser messages, a unique operationId and a declared tag on every operation, a type on every
 * enum, named schemas for pages and problems, every reference resolved, and exactly the public
 * routes of the route table, none of the internal ones.
 */
class OpenApiDocumentTest {

    private static final String SCHEMAS = "#/components/schemas/";
    private static final String TEXT = new String(OpsHandlers.resource("openapi.json"), StandardCharsets.UTF_8);

    private final SwaggerParseResult result = parse();
    private final OpenAPI openApi = result.getOpenAPI();

    @Test
    void theDocumentParsesAsOpenApi31WithoutMessages() {
        assertThat(result.getMessages()).as("parser messages").isEmpty();
        assertThat(openApi).isNotNull();
        assertThat(openApi.getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(openApi.getOpenapi()).startsWith("3.1.");
    }

    @Test
    void everyOperationHasAUniqueOperationIdAndADeclaredTag() {
        Set<String> declaredTags = openApi.getTags().stream().map(Tag::getName).collect(Collectors.toSet());
        Map<String, String> routeByOperationId = new HashMap<>();

        operations().forEach((route, operation) -> {
            assertThat(operation.getOperationId()).as("operationId of %s", route).isNotNull().matches("[a-z][a-zA-Z0-9]+");
            assertThat(routeByOperationId.put(operation.getOperationId(), route))
                    .as("operationId %s of %s is taken", operation.getOperationId(), route).isNull();
            assertThat(operation.getTags()).as("tags of %s", route).isNotEmpty();
            assertThat(declaredTags).as("declared tags (for the tags of %s)", route).containsAll(operation.getTags());
        });
        assertThat(routeByOperationId).containsKeys("submitRequest", "getRequest", "listRequests", "cancelRequest",
                "watchRequestEvents", "listCapabilities", "getCapability", "getScorecard", "whoAmI", "listApprovals", "approveRequest",
                "rejectRequest", "setApprovalPolicy", "removeApprovalPolicy", "setQuota", "removeQuota", "getTeamUsage", "getRequestDecision",
                "getInsights");
    }

    @Test
    void everyEnumHasATypeAndEveryReferenceNamesAComponentSchema() {
        JsonNode tree = tree();
        List<String> untypedEnums = new ArrayList<>();
        List<String> dangling = new ArrayList<>();

        walk(tree, "", (pointer, node) -> {
            if (node.has("enum") && !node.has("type")) {
                untypedEnums.add(pointer);
            }
            if (node.has("$ref")) {
                String ref = node.get("$ref").asText();
                if (!ref.startsWith(SCHEMAS) || tree.at("/components/schemas/" + ref.substring(SCHEMAS.length())).isMissingNode()) {
                    dangling.add(pointer + " -> " + ref);
                }
            }
        });

        assertThat(untypedEnums).as("enums without a type").isEmpty();
        assertThat(dangling).as("references that name no component schema").isEmpty();
        assertThat(TEXT).as("the document has enums to check").contains("\"enum\"");
    }

    @Test
    void pagesAndProblemsAreNamedSchemas() {
        Map<String, Operation> byId = operations().values().stream().collect(Collectors.toMap(Operation::getOperationId, o -> o));
        List<String> inlineProblems = new ArrayList<>();

        operations().forEach((route, operation) -> operation.getResponses().forEach((status, response) -> {
            MediaType problem = response.getContent() == null ? null : response.getContent().get("application/problem+json");
            if (problem != null && !(SCHEMAS + "Problem").equals(problem.getSchema().get$ref())) {
                inlineProblems.add(route + " " + status);
            }
        }));

        assertThat(inlineProblems).as("problem responses not referring to Problem").isEmpty();
        Schema<?> errors = (Schema<?>) openApi.getComponents().getSchemas().get("Problem").getProperties().get("errors");
        assertThat(errors.getItems().get$ref()).isEqualTo(SCHEMAS + "FieldError");
        assertThat(okSchema(byId.get("listRequests"))).isEqualTo(SCHEMAS + "RequestPage");
        assertThat(okSchema(byId.get("listApprovals"))).isEqualTo(SCHEMAS + "RequestPage");
        assertThat(okSchema(byId.get("listCapabilities"))).isEqualTo(SCHEMAS + "CapabilityPage");
        assertThat(okSchema(byId.get("getScorecard"))).isEqualTo(SCHEMAS + "ScorecardPage");
        assertThat(okSchema(byId.get("getTeamUsage"))).isEqualTo(SCHEMAS + "TeamUsage");
        assertThat(okSchema(byId.get("getInsights"))).isEqualTo(SCHEMAS + "Insights");
        assertThat(okSchema(byId.get("getRequestDecision"))).isEqualTo(SCHEMAS + "RequestDecisions");
        assertThat(openApi.getComponents().getSchemas().get("Problem").getProperties())
                .as("the members a quota-exceeded problem adds").containsKeys("quota", "limit", "usage");
    }

    /**
     * The problem answers each route really gives (see the handlers, {@link Gatekeeper}, {@link OpenSlots},
     * {@link BodyDeadline}): every route needing a token answers 401 and, over a rate limit, 429.
     */
    private static final Map<String, List<String>> PROBLEMS = Map.ofEntries(
            Map.entry("GET /v1/capabilities", List.of("400", "401", "429", "503")),
            Map.entry("GET /v1/capabilities/{name}", List.of("401", "404", "429", "503")),
            Map.entry("PUT /v1/capabilities/{name}/versions/{version}/approval",
                    List.of("400", "401", "403", "404", "408", "413", "422", "429", "503")),
            Map.entry("DELETE /v1/capabilities/{name}/versions/{version}/approval", List.of("400", "401", "403", "429", "503")),
            Map.entry("PUT /v1/capabilities/{name}/versions/{version}/owner", List.of("400", "401", "403", "408", "413", "422", "429", "503")),
            Map.entry("DELETE /v1/capabilities/{name}/versions/{version}/owner", List.of("400", "401", "403", "429", "503")),
            Map.entry("GET /v1/scorecard", List.of("400", "401", "429", "503")),
            Map.entry("GET /v1/insights", List.of("400", "401", "429", "503")),
            Map.entry("GET /v1/me", List.of("401", "429")),
            Map.entry("PUT /v1/teams/{team}/quotas/{capability}", List.of("400", "401", "403", "408", "413", "422", "429", "503")),
            Map.entry("DELETE /v1/teams/{team}/quotas/{capability}", List.of("400", "401", "403", "429", "503")),
            Map.entry("GET /v1/teams/{team}/usage", List.of("400", "401", "403", "404", "429", "503")),
            Map.entry("POST /v1/requests", List.of("400", "401", "403", "404", "408", "409", "413", "422", "429", "503")),
            Map.entry("GET /v1/requests", List.of("400", "401", "403", "404", "429", "503")),
            Map.entry("GET /v1/orphans", List.of("400", "401", "403", "404", "429", "503")),
            Map.entry("GET /v1/requests/{id}", List.of("400", "401", "403", "404", "429", "503")),
            Map.entry("GET /v1/requests/{id}/events", List.of("400", "401", "403", "404", "429", "503")),
            Map.entry("GET /v1/requests/{id}/decision", List.of("401", "403", "404", "429", "503")),
            Map.entry("DELETE /v1/requests/{id}", List.of("401", "403", "404", "409", "429", "503")),
            Map.entry("PATCH /v1/requests/{id}", List.of("400", "401", "403", "404", "408", "409", "413", "422", "429", "503")),
            Map.entry("GET /v1/approvals", List.of("400", "401", "429", "503")),
            Map.entry("POST /v1/requests/{id}/approve", List.of("400", "401", "403", "404", "408", "409", "413", "422", "429", "503")),
            Map.entry("POST /v1/requests/{id}/reject", List.of("400", "401", "403", "404", "408", "409", "413", "422", "429", "503")),
            Map.entry("GET /portal/{file}", List.of("404")),
            Map.entry("GET /portal/lib/{file}", List.of("404")));

    @Test
    void everyRouteDocumentsTheProblemAnswersItReallyGives() {
        Map<String, List<String>> documented = new TreeMap<>();
        operations().forEach((route, operation) -> documented.put(route, operation.getResponses().entrySet().stream()
                .filter(response -> response.getValue().getContent() != null
                        && response.getValue().getContent().containsKey("application/problem+json"))
                .map(Map.Entry::getKey).sorted().toList()));

        PROBLEMS.forEach((route, statuses) -> assertThat(documented.get(route)).as("problem answers of %s", route)
                .containsExactlyElementsOf(statuses));
        documented.values().removeIf(List::isEmpty);
        assertThat(PROBLEMS.keySet()).as("every route with a problem answer is in the table above")
                .containsExactlyInAnyOrderElementsOf(documented.keySet());
    }

    @Test
    void theDocumentDescribesExactlyThePublicRoutesOfTheRouteTable() {
        // the handlers are never called here: the table is read for its methods and paths
        List<Route> table = Routes.table(new CatalogHandlers(null), new PolicyHandlers(null, null, null, 0, null),
                new ContractOwnerHandlers(null, null, 0, null), new QuotaHandlers(null, null, null, 0, null),
                new RequestHandlers(null, null, null, null, null, null, null, null), new ApprovalHandlers(null, null, null, null, 0, null),
                new InsightsHandlers(null, null, null, null, null), new EventStreams(null, null, null, null, null),
                new OpsHandlers(null, null, null), new WhoAmI(), PortalAssets.load());
        Set<String> publicRoutes = table.stream().filter(Route::documented).map(OpenApiDocumentTest::name)
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> internalRoutes = table.stream().filter(route -> !route.documented()).map(OpenApiDocumentTest::name).toList();

        assertThat(operations().keySet()).isEqualTo(publicRoutes);
        assertThat(internalRoutes).as("the routes gateway instances call on each other")
                .containsExactlyInAnyOrder("GET " + Forwarder.INTERNAL_REQUESTS, "POST " + Forwarder.INTERNAL_REQUESTS,
                        "GET " + Forwarder.INTERNAL_REQUESTS + "/{id}", "GET " + Forwarder.INTERNAL_REQUESTS + "/{id}/decision");
        assertThat(openApi.getPaths().keySet()).noneMatch(path -> path.startsWith("/internal"));
    }

    private static SwaggerParseResult parse() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readContents(TEXT, null, options);
    }

    private static JsonNode tree() {
        try {
            return Json.MAPPER.readTree(TEXT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every operation by "METHOD /path". */
    private Map<String, Operation> operations() {
        Map<String, Operation> operations = new TreeMap<>();
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, operation) -> operations.put(method.name() + " " + path, operation)));
        return operations;
    }

    private static String okSchema(Operation operation) {
        return operation.getResponses().get("200").getContent().get("application/json").getSchema().get$ref();
    }

    private static String name(Route route) {
        return route.method().name().toUpperCase(Locale.ROOT) + " " + route.path();
    }

    /** Calls {@code visit} on every object node of the tree, with its JSON pointer. */
    private static void walk(JsonNode node, String pointer, BiConsumer<String, JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(pointer, node);
            node.properties().forEach(field -> walk(field.getValue(), pointer + "/" + field.getKey().replace("~", "~0")
                    .replace("/", "~1"), visit));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, visit);
            }
        }
    }
}
