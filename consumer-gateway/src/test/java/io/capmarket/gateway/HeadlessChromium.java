package io.capmarket.gateway;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver protocol (plain HTTP and JSON,
 * no Selenium): one chromedriver process, one browser session, closed together.
 *
 * <p>Elements are addressed by CSS selector on every call, so a re-rendered element is simply
 * found again. The browser's console (and uncaught errors) is kept by chromedriver and read with
 * {@link #consoleEntries()}.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line of the browser console, as chromedriver reports it ({@code SEVERE} for errors and uncaught exceptions). */
    record ConsoleEntry(String level, String source, String message) {
        boolean severe() {
            return "SEVERE".equals(level);
        }
    }

    private final Process driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final List<ConsoleEntry> console = new ArrayList<>();
    private String session;

    private HeadlessChromium(Process driver, URI base) {
        this.driver = driver;
        this.base = base;
    }

    /**
     * Starts chromedriver on a free port and opens a session with a fresh profile under {@code workDir}.
     *
     * @param windowSize for example {@code "1280,900"}: what the screenshot shows
     */
    static HeadlessChromium start(Path workDir, String windowSize) throws IOException {
        Files.createDirectories(workDir);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("chromedriver.log").toFile())
                .start();
        HeadlessChromium browser = new HeadlessChromium(process, URI.create("http://127.0.0.1:" + port));
        try {
            await("chromedriver on port " + port).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(UncheckedIOException.class)
                    .until(() -> browser.call("GET", "/status", null).path("ready").asBoolean());
            browser.session = browser.call("POST", "/session", capabilities(workDir, windowSize)).path("sessionId").asText();
            return browser;
        } catch (RuntimeException | Error e) {
            browser.close();
            throw e;
        }
    }

    private static ObjectNode capabilities(Path workDir, String windowSize) throws IOException {
        Path profile = Files.createTempDirectory(workDir, "profile-");
        ObjectNode chrome = JSON.createObjectNode().put("binary", CHROMIUM.toString());
        ArrayNode args = chrome.putArray("args");
        for (String arg : List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=" + windowSize, "--user-data-dir=" + profile)) {
            args.add(arg);
        }
        ObjectNode always = JSON.createObjectNode();
        always.set("goog:chromeOptions", chrome);
        always.putObject("goog:loggingPrefs").put("browser", "ALL");
        ObjectNode body = JSON.createObjectNode();
        body.putObject("capabilities").set("alwaysMatch", always);
        return body;
    }

    void open(String url) {
        command("POST", "/url", JSON.createObjectNode().put("url", url));
    }

    /** Presses one key on whatever has the focus, as a keyboard would (W3C key codes: {@code "\uE004"} is Tab). */
    void press(String key) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode keyboard = body.putArray("actions").addObject().put("type", "key").put("id", "keyboard");
        keyboard.putArray("actions").addObject().put("type", "keyDown").put("value", key);
        keyboard.withArray("actions").addObject().put("type", "keyUp").put("value", key);
        command("POST", "/actions", body);
    }

    /** Resizes the browser window, as a narrower screen would be. */
    void resize(int width, int height) {
        command("POST", "/window/rect", JSON.createObjectNode().put("width", width).put("height", height));
    }

    String title() {
        return command("GET", "/title", null).asText();
    }

    /** Whether an element matches the selector now. */
    boolean present(String css) {
        return find(css).isPresent();
    }

    void click(String css) {
        command("POST", "/element/" + require(css) + "/click", JSON.createObjectNode());
    }

    /** Types into a field, as a user would (focus, key events, input events). */
    void type(String css, String text) {
        command("POST", "/element/" + require(css) + "/value", JSON.createObjectNode().put("text", text));
    }

    void clear(String css) {
        command("POST", "/element/" + require(css) + "/clear", JSON.createObjectNode());
    }

    /** The rendered text of the first match; empty when nothing matches. */
    String text(String css) {
        List<String> texts = texts(css);
        return texts.isEmpty() ? "" : texts.get(0);
    }

    /**
     * The rendered texts of every match, read in one step in the page, so that a page redrawing
     * itself meanwhile never leaves a stale element behind.
     */
    List<String> texts(String css) {
        List<String> texts = new ArrayList<>();
        script("return [...document.querySelectorAll(arguments[0])].map(e => e.innerText.trim())", css)
                .forEach(text -> texts.add(text.asText()));
        return texts;
    }

    /** A DOM property of the first match, such as {@code value}, {@code type} or {@code hidden}. */
    JsonNode property(String css, String name) {
        return command("GET", "/element/" + require(css) + "/property/" + name, null);
    }

    /** An attribute of the first match; empty when it has none. */
    String attribute(String css, String name) {
        return command("GET", "/element/" + require(css) + "/attribute/" + name, null).asText("");
    }

    boolean displayed(String css) {
        return find(css).map(id -> command("GET", "/element/" + id + "/displayed", null).asBoolean()).orElse(false);
    }

    /** Runs a script in the page; {@code arguments[i]} are the given values. */
    JsonNode script(String script, Object... args) {
        ObjectNode body = JSON.createObjectNode().put("script", script);
        ArrayNode array = body.putArray("args");
        for (Object arg : args) {
            array.addPOJO(arg);
        }
        return command("POST", "/execute/sync", body);
    }

    /** Writes a PNG of the viewport. */
    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(command("GET", "/screenshot", null).asText()));
    }

    /** Every console entry since the session started (chromedriver hands each out once; they are kept here). */
    List<ConsoleEntry> consoleEntries() {
        for (JsonNode entry : command("POST", "/se/log", JSON.createObjectNode().put("type", "browser"))) {
            console.add(new ConsoleEntry(entry.path("level").asText(), entry.path("source").asText(), entry.path("message").asText()));
        }
        return List.copyOf(console);
    }

    private Optional<String> find(String css) {
        JsonNode elements = command("POST", "/elements", locator(css));
        return elements.isEmpty() ? Optional.empty() : Optional.of(elements.get(0).get(ELEMENT).asText());
    }

    private String require(String css) {
        return find(css).orElseThrow(() -> new AssertionError("no element matches " + css + " on the page"));
    }

    private static ObjectNode locator(String css) {
        return JSON.createObjectNode().put("using", "css selector").put("value", css);
    }

    private JsonNode command(String method, String path, JsonNode body) {
        if (session == null) {
            throw new IllegalStateException("no browser session");
        }
        return call(method, "/session/" + session + path, body);
    }

    /** One WebDriver call; a W3C error answer becomes an AssertionError naming the call and the error. */
    private JsonNode call(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(CALL_TIMEOUT);
        request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode value = JSON.readTree(response.body()).path("value");
            if (response.statusCode() != 200) {
                throw new AssertionError("WebDriver " + method + " " + path + " answered " + response.statusCode() + ": "
                        + value.path("error").asText() + " — " + value.path("message").asText());
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("WebDriver " + method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during WebDriver " + method + " " + path, e);
        }
    }

    /** Ends the session (the browser quits) and stops chromedriver. */
    @Override
    public void close() {
        try {
            if (session != null) {
                call("DELETE", "/session/" + session, null);
                session = null;
            }
        } finally {
            driver.destroy();
            try {
                if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                driver.destroyForcibly();
            }
        }
    }
}
