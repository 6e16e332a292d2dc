package io.capmarket.gateway.internal;

import io.capmarket.gateway.NotFoundException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The portal: its page, its own modules and stylesheet ({@code /portal/{file}}, revalidated on
 * every load), and the chart library from its WebJar ({@code /portal/lib/{file}}, cached for a
 * year: the page names it with the WebJar's version, so an upgrade is a new URL). Every file is
 * read from the jar once, at start; only the files named here are served.
 */
public final class PortalAssets {

    /** The portal's own files under {@code /io/capmarket/gateway/portal/}. */
    static final List<String> FILES = List.of("style.css", "app.js", "api.js", "format.js", "catalog.js", "schema-form.js",
            "scorecard.js", "charts.js", "requests.js", "producer.js", "approvals.js", "decisions.js", "insights.js");
    /** The files taken from the uPlot WebJar's {@code dist/}. */
    static final List<String> LIBRARY = List.of("uPlot.esm.js", "uPlot.min.css");
    static final String LONG_CACHE = "public, max-age=31536000, immutable";

    private static final String UPLOT = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

    private final byte[] index;
    private final Map<String, byte[]> files;
    private final Map<String, byte[]> library;

    private PortalAssets(byte[] index, Map<String, byte[]> files, Map<String, byte[]> library) {
        this.index = index;
        this.files = files;
        this.library = library;
    }

    private static final String IMPORT_MAP_OPEN = "<script type=\"importmap\">";

    /** Reads the page, the modules and the library; a missing one fails the start, naming it. */
    public static PortalAssets load() {
        String version = uplotVersion();
        String page = new String(OpsHandlers.resource("portal/index.html"), StandardCharsets.UTF_8)
                .replace("{{uplot.version}}", version);
        Map<String, byte[]> files = new LinkedHashMap<>();
        FILES.forEach(name -> files.put(name, OpsHandlers.resource("portal/" + name)));
        Map<String, byte[]> library = new LinkedHashMap<>();
        LIBRARY.forEach(name -> library.put(name, read("META-INF/resources/webjars/uplot/" + version + "/dist/" + name)));
        return new PortalAssets(page.getBytes(StandardCharsets.UTF_8), Map.copyOf(files), Map.copyOf(library));
    }

    /** {@code GET /}, with a Content-Security-Policy allowing only the gateway's own files and the page's import map. */
    public void index(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").header("Cache-Control", "no-cache")
                .header("Content-Security-Policy", contentSecurityPolicy()).result(index);
    }

    /**
     * The page's policy: scripts, styles, images and calls from the gateway only; the one inline
     * script, the import map naming the chart library's version, allowed by its hash; no framing.
     */
    public String contentSecurityPolicy() {
        String page = new String(index, StandardCharsets.UTF_8);
        int start = page.indexOf(IMPORT_MAP_OPEN);
        int end = page.indexOf("</script>", start);
        String importMap = page.substring(start + IMPORT_MAP_OPEN.length(), end);
        String hash;
        try {
            hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(importMap.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        return "default-src 'self'; script-src 'self' 'sha256-" + hash + "'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    /** {@code GET /portal/{file}}. */
    public void file(Context ctx) {
        serve(ctx, files, ctx.pathParam("file"), "no-cache");
    }

    /** {@code GET /portal/lib/{file}}. */
    public void library(Context ctx) {
        serve(ctx, library, ctx.pathParam("file"), LONG_CACHE);
    }

    private static void serve(Context ctx, Map<String, byte[]> from, String name, String cacheControl) {
        byte[] body = from.get(name);
        if (body == null) {
            throw new NotFoundException("the portal has no file " + name);
        }
        String type = name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        ctx.contentType(type).header("Cache-Control", cacheControl).result(body);
    }

    private static String uplotVersion() {
        Properties properties = new Properties();
        try (InputStream in = open(UPLOT)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static byte[] read(String path) {
        try (InputStream in = open(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String path) {
        InputStream in = PortalAssets.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException(path + " is missing from the class path (the org.webjars.npm:uplot jar)");
        }
        return in;
    }
}
