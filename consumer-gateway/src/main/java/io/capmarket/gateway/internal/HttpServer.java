package io.capmarket.gateway.internal;

import io.capmarket.schemas.tracing.LogContext;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The Javalin server around the route table: request ids, the access log, metrics, the one
 * exception mapper. Routes needing a token are authenticated and rate-limited, internal ones
 * admit only the deployment's own instances ({@link Gatekeeper}), before their handler runs.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger ACCESS = LoggerFactory.getLogger("io.capmarket.gateway.access");
    /** The request line and headers together, in bytes (Jetty's default, stated so errors can say it). */
    static final int HEADER_LIMIT = 8 * 1024;
    /**
     * The buffer Javalin copies each answer through: at least Javalin's 1,500 bytes below which it
     * does not compress, since it decides on the first chunk it writes.
     */
    static final int RESPONSE_COPY_BUFFER = 4 * 1024;

    private final Javalin javalin;

    private HttpServer(Javalin javalin) {
        this.javalin = javalin;
    }

    /**
     * Starts serving.
     *
     * @param idleTimeout longer than the longest long-poll, so Jetty never cuts a waiting read
     */
    public static HttpServer start(String host, int port, List<Route> routes, Gatekeeper gate, GatewayMetrics metrics,
            long maxRequestSize, Duration idleTimeout) {
        Javalin javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            config.http.maxRequestSize = maxRequestSize;
            config.http.asyncTimeout = 0;
            config.http.compressionStrategy = compression();
            // Javalin copies every answer to the response through a buffer it allocates per answer, as large
            // as Jetty's output buffer (32 KB) unless told: for answers of a few hundred bytes that was half of
            // all the gateway allocated while taking POSTs
            config.http.responseBufferSize = RESPONSE_COPY_BUFFER;
            // Jetty 12 dispatches at once (no EagerContentHandler is installed), so a body declared too large is
            // refused on its headers (HttpInput.jsonBody)
            config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(HEADER_LIMIT));
            config.jetty.modifyServer(server -> server.setErrorHandler(new JettyProblems(HEADER_LIMIT)));
            config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JettyProblems(HEADER_LIMIT)));
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.requestLogger.http((ctx, millis) -> {
                metrics.record(ctx, millis);
                accessLog(ctx, millis);
            });
            config.routes.before(ctx -> {
                ctx.header(HttpInput.REQUEST_ID_HEADER, HttpInput.requestId(ctx));
                // nothing the gateway serves is to be sniffed, framed, or told where the user came from
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("X-Frame-Options", "DENY");
                ctx.header("Referrer-Policy", "no-referrer");
                if ("https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto")) || "https".equals(ctx.scheme())) {
                    ctx.header("Strict-Transport-Security", "max-age=31536000");
                }
            });
            config.routes.exception(Exception.class, Problems::handle);
            // Javalin answers unmatched routes itself; give them the problem shape too
            config.routes.error(404, Problems::unmatched);
            config.routes.error(405, Problems::unmatched);
            for (Route route : routes) {
                config.routes.addHttpHandler(route.method(), route.path(), switch (route.access()) {
                    case PUBLIC -> route.handler();
                    case TOKEN -> ctx -> {
                        gate.admit(ctx);
                        route.handler().handle(ctx);
                    };
                    case INSTANCE -> ctx -> {
                        gate.admitInstance(ctx);
                        route.handler().handle(ctx);
                    };
                });
            }
        });
        javalin.start(host, port);
        for (Connector connector : javalin.jettyServer().server().getConnectors()) {
            if (connector instanceof ServerConnector server) {
                server.setIdleTimeout(idleTimeout.toMillis());
            }
        }
        return new HttpServer(javalin);
    }

    public int port() {
        return javalin.port();
    }

    /**
     * Gzip for answers of 1,500 bytes or more, as Javalin's default, with the API's own content
     * types named as compressible: Javalin otherwise decides for every answer by searching its
     * content type for each excluded type, ignoring case, which was a tenth of the threads that
     * answer a {@code POST}.
     */
    private static CompressionStrategy compression() {
        CompressionStrategy gzip = new CompressionStrategy(null, new Gzip());
        gzip.setAllowedMimeTypes(List.of(ContentType.APPLICATION_JSON.getMimeType(), Problems.CONTENT_TYPE));
        return gzip;
    }

    /**
     * One structured line per exchange; never headers, so never a token. The request id, and the
     * trace id when the call began a span, are also in the logging context, which JSON logs show
     * as {@code requestId} and {@code trace.id}.
     */
    private static void accessLog(Context ctx, float millis) {
        if (!ACCESS.isInfoEnabled()) {
            return;
        }
        Principal principal = ctx.attribute(HttpInput.PRINCIPAL);
        String traceId = ctx.attribute(HttpInput.TRACE_ID);
        MDC.put(LogContext.REQUEST_ID, HttpInput.requestId(ctx));
        if (traceId != null) {
            MDC.put(LogContext.TRACE_ID, traceId);
        }
        try {
            ACCESS.info("{\"requestId\":\"{}\",\"method\":\"{}\",\"path\":{},\"route\":{},\"status\":{},\"ms\":{},\"team\":{}{}}",
                    HttpInput.requestId(ctx), ctx.method().name(), quote(ctx.path()), quote(GatewayMetrics.route(ctx)),
                    ctx.statusCode(), String.format(java.util.Locale.ROOT, "%.1f", millis),
                    principal == null ? "null" : quote(principal.team()), traceId == null ? "" : ",\"traceId\":\"" + traceId + "\"");
        } finally {
            MDC.remove(LogContext.REQUEST_ID);
            MDC.remove(LogContext.TRACE_ID);
        }
    }

    private static String quote(String text) {
        return Json.MAPPER.getNodeFactory().textNode(text).toString();
    }

    @Override
    public void close() {
        javalin.stop();
    }
}
