package io.capmarket.gateway.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static tokens that follow their file: at most once per {@code checkEvery} an authentication
 * looks at the file's modification time and size and, when they changed, reads it again. A file
 * that no longer parses (or cannot be read) leaves the tokens as they were, with an error in the
 * log naming the line and the rule; tokens are never half-loaded.
 */
public final class TokenFile implements Authenticator {

    /** What a look at the file found: reloaded, failed (kept the old tokens) or unchanged (not reported). */
    public enum Outcome { RELOADED, FAILED }

    private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);

    private final Path file;
    private final Supplier<Tokens> load;
    private final Duration checkEvery;
    private final Clock clock;
    private final Consumer<Outcome> outcomes;
    private volatile Tokens tokens;
    private volatile Instant nextCheck;
    private volatile String version;

    /**
     * @param load reads the file (with the inline and dev tokens beside it)
     * @throws IllegalArgumentException when the file does not parse at start
     */
    public TokenFile(Path file, Supplier<Tokens> load, Duration checkEvery, Clock clock, Consumer<Outcome> outcomes) {
        this.file = file;
        this.load = load;
        this.checkEvery = checkEvery;
        this.clock = clock;
        this.outcomes = outcomes;
        this.version = version();
        this.tokens = load.get();
        this.nextCheck = clock.instant().plus(checkEvery);
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        refreshIfDue();
        return tokens.authenticate(token);
    }

    /** How many tokens are in force. */
    public int size() {
        return tokens.size();
    }

    private void refreshIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return;
        }
        synchronized (this) {
            if (now.isBefore(nextCheck)) {
                return;
            }
            nextCheck = now.plus(checkEvery);
            String seen = version();
            if (seen.equals(version)) {
                return;
            }
            try {
                Tokens reloaded = load.get();
                tokens = reloaded;
                version = seen;
                LOG.info("auth.tokens-file {} changed: {} tokens now", file, reloaded.size());
                outcomes.accept(Outcome.RELOADED);
            } catch (IllegalArgumentException e) {
                version = seen; // reported once per change of the file, not on every check
                LOG.error("auth.tokens-file {} changed but is refused, the {} tokens in force stay: {}", file, tokens.size(),
                        e.getMessage());
                outcomes.accept(Outcome.FAILED);
            }
        }
    }

    /** The file's modification time and size, or a marker when it cannot be read. */
    private String version() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            return modified.toMillis() + "/" + Files.size(file);
        } catch (IOException e) {
            return "unreadable: " + e.getClass().getSimpleName();
        }
    }
}
