package io.capmarket.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.capmarket.testkit.registry.RegistryHttp.Answer;
import org.junit.jupiter.api.Test;

class RegistryHttpServerTest {

    @Test
    void unexpectedFailuresBecome500With50001AndRoutesGetTheirParameters() throws Exception {
        List<Route> routes = List.of(
                Route.of("GET", "/boom", request -> {
                    throw new IllegalStateException("kaput");
                }),
                Route.of("GET", "/echo/{name}", request -> RegistryEndpoints.json(
                        java.util.Map.of("name", request.path("name"), "flag", request.flag("flag")))));
        try (RegistryHttpServer server = new RegistryHttpServer("127.0.0.1", 0, routes, null)) {
            RegistryHttp http = new RegistryHttp("http://127.0.0.1:" + server.port());

            Answer boom = http.get("/boom");
            assertThat(boom.status()).isEqualTo(500);
            assertThat(boom.errorCode()).isEqualTo(50001);
            assertThat(boom.json().path("message").asText()).contains("kaput");

            Answer echo = http.get("/echo/a%20b?flag=true");
            assertThat(echo.json().path("name").asText()).isEqualTo("a b");
            assertThat(echo.json().path("flag").asBoolean()).isTrue();
        }
    }

    @Test
    void aBodyLargerThanAnySchemaIsRefusedUnread() throws Exception {
        List<Route> routes = List.of(Route.of("POST", "/echo", request -> RegistryEndpoints.json(
                java.util.Map.of("length", request.body().length()))));
        try (RegistryHttpServer server = new RegistryHttpServer("127.0.0.1", 0, routes, null)) {
            RegistryHttp http = new RegistryHttp("http://127.0.0.1:" + server.port());

            assertThat(http.post("/echo", "{\"a\":1}").json().path("length").asInt()).isEqualTo(7);
            Answer huge = http.post("/echo", "x".repeat(RegistryHttpServer.MAX_BODY_BYTES + 1));
            assertThat(huge.status()).isEqualTo(413);
            assertThat(huge.json().path("message").asText()).contains("larger than " + RegistryHttpServer.MAX_BODY_BYTES);
        }
    }

    @Test
    void errorCodesMapToTheirHttpStatus() {
        assertThat(RegistryException.subjectNotFound("s").httpStatus()).isEqualTo(404);
        assertThat(RegistryException.invalidSchema("x").httpStatus()).isEqualTo(422);
        assertThat(RegistryException.incompatible("s", List.of()).httpStatus()).isEqualTo(409);
        assertThat(RegistryException.storeError("x", new IllegalStateException()).httpStatus()).isEqualTo(500);
    }
}
