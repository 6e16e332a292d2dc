package io.capmarket.schemas.access;

import io.capmarket.schemas.Priority;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which teams may ask for a priority above {@code NORMAL}: a right granted per team, so that no
 * one jumps a waitlist by writing {@code CRITICAL}. {@code LOW} and {@code NORMAL} are everyone's; a
 * team granted {@code CRITICAL} may also ask for {@code HIGH}. Written
 * {@code HIGH=team-a,team-b;CRITICAL=platform}; {@code *} grants a priority to every team.
 */
public final class PriorityGrants {

    /** The grants when none are configured: no team above NORMAL. */
    public static final PriorityGrants NONE = new PriorityGrants(Map.of());

    private static final Pattern TEAM = Pattern.compile("\\*|[a-zA-Z0-9._@-]{1,100}");

    private final Map<Priority, Set<String>> teams;

    private PriorityGrants(Map<Priority, Set<String>> teams) {
        this.teams = teams;
    }

    /**
     * Reads grants.
     *
     * @param text {@code PRIORITY=team,team;PRIORITY=team}, priorities HIGH or CRITICAL; blank for none
     * @throws IllegalArgumentException naming the entry and the rule
     */
    public static PriorityGrants parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        Map<Priority, Set<String>> teams = new EnumMap<>(Priority.class);
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            String rule = "each grant must be PRIORITY=team,team with PRIORITY HIGH or CRITICAL and teams 1 to 100 of a-z, A-Z, "
                    + "0-9, '.', '_', '@', '-' (or * for every team)";
            int eq = entry.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException(rule + ", but one was '" + entry.trim() + "'");
            }
            Priority priority;
            try {
                priority = Priority.valueOf(entry.substring(0, eq).trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(rule + ", but the priority was '" + entry.substring(0, eq).trim() + "'");
            }
            if (priority != Priority.HIGH && priority != Priority.CRITICAL) {
                throw new IllegalArgumentException(rule + ": " + priority + " is every team's already");
            }
            for (String team : entry.substring(eq + 1).split(",")) {
                if (!TEAM.matcher(team.trim()).matches()) {
                    throw new IllegalArgumentException(rule + ", but a team was '" + team.trim() + "'");
                }
                teams.computeIfAbsent(priority, p -> new LinkedHashSet<>()).add(team.trim());
            }
        }
        return new PriorityGrants(teams);
    }

    /** Whether {@code team} may ask for {@code priority}. */
    public boolean allows(String team, Priority priority) {
        return switch (priority) {
            case LOW, NORMAL -> true;
            case HIGH -> granted(Priority.HIGH, team) || granted(Priority.CRITICAL, team);
            case CRITICAL -> granted(Priority.CRITICAL, team);
        };
    }

    private boolean granted(Priority priority, String team) {
        Set<String> granted = teams.getOrDefault(priority, Set.of());
        return granted.contains("*") || granted.contains(team);
    }

    @Override
    public String toString() {
        return teams.toString();
    }
}
