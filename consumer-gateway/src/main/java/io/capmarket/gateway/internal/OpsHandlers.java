package io.capmarket.gateway.internal;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Health, metrics and the OpenAPI document: no token needed. */
public final class OpsHandlers {

    private final Health health;
    private final BooleanSupplier storesQueryable;
    private final PrometheusMeterRegistry registry;
    private final byte[] openApi;

    public OpsHandlers(Health health, BooleanSupplier storesQueryable, PrometheusMeterRegistry registry) {
        this.health = health;
        this.storesQueryable = storesQueryable;
        this.registry = registry;
        this.openApi = resource("openapi.json");
    }

    public void live(Context ctx) {
        boolean live = health.live();
        ctx.status(live ? 200 : 503).json(Map.of("status", live ? "UP" : "DOWN", "streams", health.state().name()));
    }

    public void ready(Context ctx) {
        boolean ready = health.running() && storesQueryable.getAsBoolean();
        if (!ready) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "UP" : "DOWN", "streams", health.state().name()));
    }

    public void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }

    public void openApi(Context ctx) {
        ctx.contentType("application/json").result(openApi);
    }

    static byte[] resource(String name) {
        try (InputStream in = OpsHandlers.class.getResourceAsStream("/io/capmarket/gateway/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource /io/capmarket/gateway/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
