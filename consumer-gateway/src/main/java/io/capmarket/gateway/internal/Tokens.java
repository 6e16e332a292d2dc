package io.capmarket.gateway.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The bearer tokens the gateway accepts, kept only as SHA-256 hashes. A presented token is
 * hashed and compared with every configured hash in constant time, so neither the comparison nor
 * the position of the match leaks through timing.
 *
 * <p>Line format: {@code <sha256-hex> <team> <role> [<name> [human|bot]]}, role one of consumer,
 * producer, approver, admin; {@code #} starts a comment.
 */
public final class Tokens implements Authenticator {

    /** The dev-mode consumer token and its team. */
    public static final String DEMO_CONSUMER_TOKEN = "demo-consumer";
    public static final String DEMO_TEAM = "demo-app";
    /** The dev-mode admin token. */
    public static final String DEMO_ADMIN_TOKEN = "demo-admin";

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._@-]{1,100}");

    private record Entry(byte[] hash, Principal principal) {
    }

    private final List<Entry> entries;

    private Tokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Tokens from a file, inline lines separated by ';', and the demo tokens in dev mode.
     *
     * @throws IllegalArgumentException naming the source, the line and the rule
     */
    public static Tokens from(Path file, String inline, boolean devMode) {
        return from(file, inline, devMode, "platform");
    }

    /**
     * Tokens from a file, inline lines separated by ';', and in dev mode the demo tokens, the
     * admin's in {@code adminTeam}.
     *
     * @throws IllegalArgumentException naming the source, the line and the rule
     */
    public static Tokens from(Path file, String inline, boolean devMode, String adminTeam) {
        List<Entry> entries = new ArrayList<>();
        if (file != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("auth.tokens-file " + file + " cannot be read: " + e.getMessage());
            }
            for (int i = 0; i < lines.size(); i++) {
                parse(lines.get(i), "auth.tokens-file " + file + " line " + (i + 1)).ifPresent(entries::add);
            }
        }
        if (inline != null) {
            String[] lines = inline.split(";");
            for (int i = 0; i < lines.length; i++) {
                parse(lines[i], "auth.tokens entry " + (i + 1)).ifPresent(entries::add);
            }
        }
        if (devMode) {
            entries.add(new Entry(sha256(DEMO_CONSUMER_TOKEN), new Principal(DEMO_TEAM, Principal.Role.CONSUMER, "demo-user", false)));
            entries.add(new Entry(sha256(DEMO_ADMIN_TOKEN), new Principal(adminTeam, Principal.Role.ADMIN, "demo-admin", false)));
        }
        return new Tokens(entries);
    }

    private static Optional<Entry> parse(String line, String where) {
        String text = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
        if (text.isBlank()) {
            return Optional.empty();
        }
        String[] columns = text.trim().split("\\s+");
        String rule = " must be '<sha256-hex of the token> <team> <role> [<name> [human|bot]]' with role one of "
                + String.join(", ", Principal.Role.labels());
        if (columns.length < 3 || columns.length > 5 || !HEX.matcher(columns[0]).matches() || !NAME.matcher(columns[1]).matches()) {
            throw new IllegalArgumentException(where + rule + " (the hash is 64 hex digits, the team 1 to 100 of a-z, A-Z, 0-9, '.', '_', '@', '-')");
        }
        Principal.Role role;
        try {
            role = Principal.Role.valueOf(columns[2].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + rule + ", but the role was '" + columns[2] + "'");
        }
        String name = columns.length > 3 ? columns[3] : columns[1];
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + rule + ", but the name was '" + name + "'");
        }
        boolean bot = columns.length > 4 && columns[4].equalsIgnoreCase("bot");
        if (columns.length > 4 && !bot && !columns[4].equalsIgnoreCase("human")) {
            throw new IllegalArgumentException(where + rule + ", but the kind was '" + columns[4] + "'");
        }
        return Optional.of(new Entry(HexFormat.of().parseHex(columns[0].toLowerCase(Locale.ROOT)),
                new Principal(columns[1], role, name, bot)));
    }

    /** The principal of a presented token, if it is configured. */
    @Override
    public Optional<Principal> authenticate(String token) {
        byte[] presented = sha256(token);
        Principal found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.hash(), presented) && found == null) {
                found = entry.principal();
            }
        }
        return Optional.ofNullable(found);
    }

    /** How many tokens are configured. */
    public int size() {
        return entries.size();
    }

    /** The hex SHA-256 of a token, as a tokens line needs it. */
    public static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
