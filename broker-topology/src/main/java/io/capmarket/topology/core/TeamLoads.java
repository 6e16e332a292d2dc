package io.capmarket.topology.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each team holds of each capability ({@link TeamLoad}), held in memory by the books: counted
 * from the kept requests when a task starts ({@link LoadTally#teamLoads}), then kept by the desk.
 * Not thread-safe.
 */
public final class TeamLoads {

    private final Map<String, Map<String, TeamLoad>> byCapability = new HashMap<>();

    /** Starts from the loads counted at start. */
    public TeamLoads(Map<String, Map<String, TeamLoad>> counted) {
        counted.forEach((capability, teams) -> byCapability.put(capability, new HashMap<>(teams)));
    }

    /** Starts from nothing held. */
    public TeamLoads() {
        this(Map.of());
    }

    /** What the team holds of the capability; {@link TeamLoad#NONE} when nothing. */
    public TeamLoad get(String capability, String team) {
        Map<String, TeamLoad> teams = byCapability.get(capability);
        TeamLoad load = teams == null ? null : teams.get(team);
        return load == null ? TeamLoad.NONE : load;
    }

    /** Keeps what the team holds of the capability. */
    public void put(String capability, String team, TeamLoad load) {
        byCapability.computeIfAbsent(capability, c -> new HashMap<>()).put(team, load);
    }

    /** What the team holds of the capability as kept, or null when nothing was ever kept for it. */
    public TeamLoad kept(String capability, String team) {
        Map<String, TeamLoad> teams = byCapability.get(capability);
        return teams == null ? null : teams.get(team);
    }

    /** Keeps {@code load} for the team, or forgets the team when it is null (what {@link #kept} said before). */
    public void restore(String capability, String team, TeamLoad load) {
        if (load != null) {
            put(capability, team, load);
            return;
        }
        Map<String, TeamLoad> teams = byCapability.get(capability);
        if (teams != null) {
            teams.remove(team);
        }
    }

    /** Every team holding, or having held, something of the capability. */
    public List<String> teamsOf(String capability) {
        return List.copyOf(byCapability.getOrDefault(capability, Map.of()).keySet());
    }
}
