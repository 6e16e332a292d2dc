package io.capmarket.testkit.registry;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Confluent Schema Registry's REST API (AVRO only) over {@link SchemaRegistryService}. */
final class RegistryEndpoints {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistryService service;

    RegistryEndpoints(SchemaRegistryService service) {
        this.service = service;
    }

    /** The routing table. */
    List<Route> routes() {
        return List.of(
                Route.of("GET", "/subjects", this::listSubjects),
                Route.of("GET", "/subjects/{subject}/versions", this::listVersions),
                Route.of("POST", "/subjects/{subject}/versions", this::register),
                Route.of("POST", "/subjects/{subject}", this::lookup),
                Route.of("GET", "/subjects/{subject}/versions/{version}", this::getVersion),
                Route.of("GET", "/subjects/{subject}/versions/{version}/schema", this::getVersionSchema),
                Route.of("DELETE", "/subjects/{subject}", this::deleteSubject),
                Route.of("DELETE", "/subjects/{subject}/versions/{version}", this::deleteVersion),
                Route.of("GET", "/schemas/ids/{id}", this::getSchemaById),
                Route.of("GET", "/schemas/ids/{id}/schema", this::getRawSchemaById),
                Route.of("GET", "/schemas/ids/{id}/versions", this::getSubjectVersionsById),
                Route.of("GET", "/schemas/types", request -> json(List.of("AVRO"))),
                Route.of("POST", "/compatibility/subjects/{subject}/versions/{version}", this::testAgainstVersion),
                Route.of("POST", "/compatibility/subjects/{subject}/versions", this::testAgainstAll),
                Route.of("GET", "/config", request -> level("compatibilityLevel", service.globalLevel())),
                Route.of("PUT", "/config", this::setGlobalConfig),
                Route.of("GET", "/config/{subject}", this::getSubjectConfig),
                Route.of("PUT", "/config/{subject}", this::setSubjectConfig),
                Route.of("DELETE", "/config/{subject}", this::deleteSubjectConfig),
                Route.of("GET", "/", request -> json(Map.of())));
    }

    private ApiResponse listSubjects(ApiRequest request) {
        return json(service.subjects(request.flag("deleted")));
    }

    private ApiResponse listVersions(ApiRequest request) {
        return json(service.versions(request.path("subject")));
    }

    private ApiResponse register(ApiRequest request) {
        JournalRecord.SchemaVersion registered = service.register(request.path("subject"), schemaOf(request));
        return json(Map.of("id", registered.id()));
    }

    private ApiResponse lookup(ApiRequest request) {
        return json(describe(service.lookup(request.path("subject"), schemaOf(request))));
    }

    private ApiResponse getVersion(ApiRequest request) {
        return json(describe(service.version(request.path("subject"), version(request.path("version")))));
    }

    private ApiResponse getVersionSchema(ApiRequest request) {
        return ApiResponse.ok(service.version(request.path("subject"), version(request.path("version"))).schema());
    }

    private ApiResponse deleteSubject(ApiRequest request) {
        return json(service.deleteSubject(request.path("subject")));
    }

    private ApiResponse deleteVersion(ApiRequest request) {
        return json(service.deleteVersion(request.path("subject"), version(request.path("version"))));
    }

    private ApiResponse getSchemaById(ApiRequest request) {
        return json(Map.of("schema", service.schemaById(id(request.path("id")))));
    }

    private ApiResponse getRawSchemaById(ApiRequest request) {
        return ApiResponse.ok(service.schemaById(id(request.path("id"))));
    }

    private ApiResponse getSubjectVersionsById(ApiRequest request) {
        return json(service.versionsWithId(id(request.path("id"))).stream()
                .map(version -> Map.of("subject", version.subject(), "version", version.version()))
                .toList());
    }

    private ApiResponse testAgainstVersion(ApiRequest request) {
        int version = version(request.path("version"));
        return compatibility(request, service.testCompatibility(request.path("subject"), version, schemaOf(request)));
    }

    private ApiResponse testAgainstAll(ApiRequest request) {
        return compatibility(request, service.testCompatibility(request.path("subject"), null, schemaOf(request)));
    }

    private ApiResponse compatibility(ApiRequest request, List<String> problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("is_compatible", problems.isEmpty());
        if (request.flag("verbose")) {
            body.put("messages", problems);
        }
        return json(body);
    }

    private ApiResponse setGlobalConfig(ApiRequest request) {
        CompatibilityLevel level = levelOf(request);
        service.setGlobalLevel(level);
        return level("compatibility", level);
    }

    private ApiResponse getSubjectConfig(ApiRequest request) {
        String subject = request.path("subject");
        CompatibilityLevel level = service.subjectLevel(subject)
                .or(() -> request.flag("defaultToGlobal") ? java.util.Optional.of(service.globalLevel()) : java.util.Optional.empty())
                .orElseThrow(() -> RegistryException.subjectConfigNotFound(subject));
        return level("compatibilityLevel", level);
    }

    private ApiResponse setSubjectConfig(ApiRequest request) {
        CompatibilityLevel level = levelOf(request);
        service.setSubjectLevel(request.path("subject"), level);
        return level("compatibility", level);
    }

    private ApiResponse deleteSubjectConfig(ApiRequest request) {
        return level("compatibilityLevel", service.deleteSubjectLevel(request.path("subject")));
    }

    private static Map<String, Object> describe(JournalRecord.SchemaVersion version) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", version.subject());
        body.put("version", version.version());
        body.put("id", version.id());
        body.put("schema", version.schema());
        return body;
    }

    private static ApiResponse level(String field, CompatibilityLevel level) {
        return json(Map.of(field, level.name()));
    }

    /** Parses {@code latest}, {@code -1} or a positive number. */
    static int version(String text) {
        if ("latest".equals(text) || "-1".equals(text)) {
            return SchemaRegistryService.LATEST;
        }
        try {
            int version = Integer.parseInt(text);
            if (version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            throw RegistryException.invalidVersion(text);
        }
        throw RegistryException.invalidVersion(text);
    }

    private static int id(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw RegistryException.schemaNotFound("'" + text + "' is not a schema id");
        }
    }

    private static String schemaOf(ApiRequest request) {
        JsonNode body = body(request);
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw RegistryException.invalidSchema("schemaType '" + type + "' is not supported; only AVRO is");
        }
        JsonNode references = body.path("references");
        if (references.isArray() && !references.isEmpty()) {
            throw RegistryException.invalidSchema("schema references are not supported");
        }
        JsonNode schema = body.path("schema");
        if (!schema.isTextual()) {
            throw new RegistryException(422, "The request body needs a \"schema\" field holding the schema as a JSON string");
        }
        return schema.asText();
    }

    private static CompatibilityLevel levelOf(ApiRequest request) {
        JsonNode level = body(request).path("compatibility");
        if (!level.isTextual()) {
            throw new RegistryException(42203, "The request body needs a \"compatibility\" field, one of "
                    + java.util.Arrays.toString(CompatibilityLevel.values()));
        }
        return CompatibilityLevel.parse(level.asText());
    }

    private static JsonNode body(ApiRequest request) {
        if (request.body().isBlank()) {
            throw RegistryException.badRequest("The request needs a JSON body");
        }
        try {
            JsonNode node = JSON.readTree(request.body());
            if (node == null || !node.isObject()) {
                throw RegistryException.badRequest("The request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw RegistryException.badRequest("Malformed JSON in the request body: " + e.getOriginalMessage());
        }
    }

    static ApiResponse json(Object body) {
        try {
            return ApiResponse.ok(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot render " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
