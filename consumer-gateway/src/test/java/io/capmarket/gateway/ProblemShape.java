package io.capmarket.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/** The gateway's one error shape ({@code application/problem+json}, RFC 9457 plus {@code requestId} and {@code errors[]}), asserted. */
final class ProblemShape {

    static final String CONTENT_TYPE = "application/problem+json";

    private ProblemShape() {
    }

    /** A problem with this status and type. */
    static void assertProblem(Api.Response response, int status, String type) {
        assertShape(response);
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.json().get("type").asText()).as(response.text()).isEqualTo(type);
    }

    /** A problem of any status: the content type and every member of the shape. */
    static void assertShape(Api.Response response) {
        assertThat(response.contentType()).as("Content-Type of %s %s", response.status(), response.text()).startsWith(CONTENT_TYPE);
        JsonNode problem = response.json();
        assertThat(problem.isObject()).as(response.text()).isTrue();
        assertThat(problem.path("type").asText()).as(response.text()).startsWith("/problems/");
        assertThat(problem.path("title").asText()).as(response.text()).isNotBlank();
        assertThat(problem.path("status").isInt() && problem.get("status").asInt() == response.status()).as(response.text()).isTrue();
        assertThat(problem.path("detail").asText()).as(response.text()).isNotBlank();
        // null only when the request could not be parsed far enough to have a path
        assertThat(problem.has("instance") && (problem.get("instance").isTextual() || problem.get("instance").isNull()))
                .as(response.text()).isTrue();
        assertThat(problem.path("requestId").asText()).as(response.text()).isNotBlank();
        assertThat(problem.path("errors").isArray()).as(response.text()).isTrue();
        problem.get("errors").forEach(error -> {
            assertThat(error.path("field").asText()).as(response.text()).isNotBlank();
            assertThat(error.path("rule").asText()).as(response.text()).isNotBlank();
        });
    }
}
