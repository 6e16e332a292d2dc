package io.capmarket.topology.core.score;

import io.capmarket.schemas.CapabilityDemand;
import io.capmarket.schemas.OfferDemand;
import io.capmarket.schemas.TeamDemand;
import io.capmarket.schemas.UnmetDemand;
import io.capmarket.schemas.VersionDemand;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What teams asked of one capability, counted since the topology first served it: requests per version, matches
 * per offer, demand no offer fits (grouped by version and constraints) and each team's use. Counts only grow; each
 * entry remembers when it last moved, so that readers judge whatever window they like ({@link CapabilityDemand}).
 *
 * <p>Bounded: at most {@value #MAX_VERSIONS} versions, {@value #MAX_OFFERS} offers, {@value #MAX_UNMET} unmet groups
 * (each of at most {@value #MAX_GROUP_VALUES} values) and {@value #MAX_TEAMS} teams;
 * past a bound the entry that moved longest ago is forgotten. Persisted with the capability's {@link ScoreState}
 * by {@link ScoreStateCodec}. Not thread-safe: a capability belongs to one stream task.
 */
public final class DemandTally {

    /** Offers kept at most. */
    public static final int MAX_OFFERS = 1_000;
    /** Unmet groups kept at most. */
    public static final int MAX_UNMET = 50;
    /** Teams kept at most. */
    public static final int MAX_TEAMS = 1_000;
    /** Versions kept at most. */
    public static final int MAX_VERSIONS = 1_000;
    /** Values (over all its constraints) of an unmet group at most: a request with more makes no group. */
    public static final int MAX_GROUP_VALUES = 64;
    /** Characters (names and values) of an unmet group at most: a request with more makes no group. */
    public static final int MAX_GROUP_CHARS = 2_048;
    /** Constraints of an unmet group, and values of one of its constraints, read at most (states written before the bounds above). */
    private static final int READ_GROUP_CONSTRAINTS = 1_000;

    /** Requests of one version. */
    record Version(long requests, long lastMillis) {
    }

    /** Matches of one offer. */
    record Offer(String producerId, int version, long matched, long lastMillis) {
    }

    /** Requests no offer fitted, of one version with the same constraints. */
    record Unmet(int version, Map<String, List<String>> constraints, long waited, long failed, long lastMillis) {
    }

    /** One team's use; {@code firstFulfilledMillis} is {@link Long#MIN_VALUE} while none was fulfilled. */
    record Team(long requests, long firstMillis, long lastMillis, long firstFulfilledMillis, long abandoned) {

        boolean fulfilled() {
            return firstFulfilledMillis != Long.MIN_VALUE;
        }
    }

    final Map<Integer, Version> versions = new TreeMap<>();
    final Map<String, Offer> offers = new HashMap<>();
    final Map<String, Unmet> unmet = new HashMap<>();
    final Map<String, Team> teams = new HashMap<>();

    /** Whether nothing was ever counted. */
    public boolean isEmpty() {
        return versions.isEmpty() && offers.isEmpty() && unmet.isEmpty() && teams.isEmpty();
    }

    /** A team submitted a request for {@code version}. */
    public void requested(int version, String team, Instant at) {
        long millis = at.toEpochMilli();
        versions.merge(version, new Version(1, millis), (a, b) -> new Version(a.requests() + 1, Math.max(a.lastMillis(), millis)));
        bound(versions, MAX_VERSIONS, Version::lastMillis);
        Team known = teams.get(team);
        teams.put(team, known == null ? new Team(1, millis, millis, Long.MIN_VALUE, 0)
                : new Team(known.requests() + 1, Math.min(known.firstMillis(), millis), Math.max(known.lastMillis(), millis),
                        known.firstFulfilledMillis(), known.abandoned()));
        bound(teams, MAX_TEAMS, Team::lastMillis);
    }

    /** A request was matched to an offer. */
    public void matched(String offerId, String producerId, int version, Instant at) {
        long millis = at.toEpochMilli();
        Offer known = offers.get(offerId);
        offers.put(offerId, new Offer(producerId, version, known == null ? 1 : known.matched() + 1,
                known == null ? millis : Math.max(known.lastMillis(), millis)));
        bound(offers, MAX_OFFERS, Offer::lastMillis);
    }

    /**
     * A request waits because no offer fits it (not for want of capacity or of a live producer). A
     * request whose constraints hold more than {@value #MAX_GROUP_VALUES} values or
     * {@value #MAX_GROUP_CHARS} characters makes no group, so that the tally stays small enough to
     * be written and read back whatever a request asks.
     */
    public void unmet(int version, Map<String, List<String>> constraints, Instant at) {
        if (!groupable(constraints)) {
            return;
        }
        String key = key(version, constraints);
        long millis = at.toEpochMilli();
        Unmet known = unmet.get(key);
        unmet.put(key, known == null ? new Unmet(version, sorted(constraints), 1, 0, millis)
                : new Unmet(version, known.constraints(), known.waited() + 1, known.failed(), Math.max(known.lastMillis(), millis)));
        bound(unmet, MAX_UNMET, Unmet::lastMillis);
    }

    private static boolean groupable(Map<String, List<String>> constraints) {
        long values = 0;
        long chars = 0;
        for (Map.Entry<String, List<String>> constraint : constraints.entrySet()) {
            values += constraint.getValue().size();
            chars += constraint.getKey().length();
            for (String value : constraint.getValue()) {
                chars += value.length();
            }
            if (values > MAX_GROUP_VALUES || chars > MAX_GROUP_CHARS) {
                return false;
            }
        }
        return true;
    }

    /** A request that was never matched failed; counted for its group when it had waited for want of a fitting offer. */
    public void failedUnmatched(int version, Map<String, List<String>> constraints, Instant at) {
        String key = key(version, constraints);
        Unmet known = unmet.get(key);
        if (known != null) {
            unmet.put(key, new Unmet(version, known.constraints(), known.waited(), known.failed() + 1,
                    Math.max(known.lastMillis(), at.toEpochMilli())));
        }
    }

    /** A team's request was FULFILLED: its first one marks the team's first success. */
    public void fulfilled(String team, Instant at) {
        Team known = teams.get(team);
        if (known != null && !known.fulfilled()) {
            teams.put(team, new Team(known.requests(), known.firstMillis(), known.lastMillis(), at.toEpochMilli(),
                    known.abandoned()));
        }
    }

    /** A team cancelled a request while it waited for an offer. */
    public void abandoned(String team) {
        Team known = teams.get(team);
        if (known != null) {
            teams.put(team, new Team(known.requests(), known.firstMillis(), known.lastMillis(), known.firstFulfilledMillis(),
                    known.abandoned() + 1));
        }
    }

    /** The published figures: versions by version, offers by offerId, unmet groups and teams latest first. */
    public CapabilityDemand view() {
        List<VersionDemand> versionViews = new ArrayList<>(versions.size());
        versions.forEach((version, v) -> versionViews.add(new VersionDemand(version, v.requests(), Instant.ofEpochMilli(v.lastMillis()))));
        List<OfferDemand> offerViews = new ArrayList<>(offers.size());
        new TreeMap<>(offers).forEach((offerId, o) -> offerViews.add(new OfferDemand(offerId, o.producerId(), o.version(),
                o.matched(), Instant.ofEpochMilli(o.lastMillis()))));
        List<UnmetDemand> unmetViews = unmet.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Unmet> e) -> -e.getValue().lastMillis()).thenComparing(Map.Entry::getKey))
                .map(e -> new UnmetDemand(e.getValue().version(), e.getValue().constraints(), e.getValue().waited(),
                        e.getValue().failed(), Instant.ofEpochMilli(e.getValue().lastMillis())))
                .toList();
        List<TeamDemand> teamViews = teams.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Team> e) -> -e.getValue().lastMillis()).thenComparing(Map.Entry::getKey))
                .map(e -> new TeamDemand(e.getKey(), e.getValue().requests(), Instant.ofEpochMilli(e.getValue().firstMillis()),
                        Instant.ofEpochMilli(e.getValue().lastMillis()),
                        e.getValue().fulfilled() ? Instant.ofEpochMilli(e.getValue().firstFulfilledMillis()) : null,
                        e.getValue().abandoned()))
                .toList();
        return new CapabilityDemand(versionViews, offerViews, unmetViews, teamViews);
    }

    /** The group of a version and constraints: the same whatever the order the constraints were given in. */
    static String key(int version, Map<String, List<String>> constraints) {
        StringBuilder key = new StringBuilder().append(version);
        sorted(constraints).forEach((name, values) -> key.append('\u0000').append(name).append('=').append(String.join("\u0001", values)));
        return key.toString();
    }

    private static Map<String, List<String>> sorted(Map<String, List<String>> constraints) {
        Map<String, List<String>> sorted = new TreeMap<>();
        constraints.forEach((name, values) -> sorted.put(name, values.stream().sorted().toList()));
        return sorted;
    }

    private static <K extends Comparable<K>, V> void bound(Map<K, V> entries, int max, java.util.function.ToLongFunction<V> lastMillis) {
        if (entries.size() > max) {
            K oldest = null;
            long oldestMillis = Long.MAX_VALUE;
            for (Map.Entry<K, V> entry : entries.entrySet()) {
                long millis = lastMillis.applyAsLong(entry.getValue());
                if (millis < oldestMillis || millis == oldestMillis && entry.getKey().compareTo(oldest) < 0) {
                    oldest = entry.getKey();
                    oldestMillis = millis;
                }
            }
            entries.remove(oldest);
        }
    }

    // ---- encoding, for ScoreStateCodec

    void write(ByteWriter out) {
        out.writeUnsigned(versions.size());
        versions.forEach((version, v) -> {
            out.writeSigned(version);
            out.writeUnsigned(v.requests());
            out.writeSigned(v.lastMillis());
        });
        out.writeUnsigned(offers.size());
        new TreeMap<>(offers).forEach((offerId, o) -> {
            writeText(out, offerId);
            writeText(out, o.producerId());
            out.writeSigned(o.version());
            out.writeUnsigned(o.matched());
            out.writeSigned(o.lastMillis());
        });
        out.writeUnsigned(unmet.size());
        new TreeMap<>(unmet).forEach((key, u) -> {
            out.writeSigned(u.version());
            out.writeUnsigned(u.constraints().size());
            u.constraints().forEach((name, values) -> {
                writeText(out, name);
                out.writeUnsigned(values.size());
                values.forEach(value -> writeText(out, value));
            });
            out.writeUnsigned(u.waited());
            out.writeUnsigned(u.failed());
            out.writeSigned(u.lastMillis());
        });
        out.writeUnsigned(teams.size());
        new TreeMap<>(teams).forEach((team, t) -> {
            writeText(out, team);
            out.writeUnsigned(t.requests());
            out.writeSigned(t.firstMillis());
            out.writeSigned(t.lastMillis());
            out.writeByte(t.fulfilled() ? 1 : 0);
            if (t.fulfilled()) {
                out.writeSigned(t.firstFulfilledMillis());
            }
            out.writeUnsigned(t.abandoned());
        });
    }

    static DemandTally read(ByteReader in) {
        DemandTally tally = new DemandTally();
        long versionCount = in.readCount("demand version count", Integer.MAX_VALUE);
        for (long i = 0; i < versionCount; i++) {
            int version = (int) in.readSigned("demand version");
            tally.versions.put(version, new Version(in.readUnsigned("demand version requests"), in.readSigned("demand version last")));
        }
        long offerCount = in.readCount("demand offer count", MAX_OFFERS);
        for (long i = 0; i < offerCount; i++) {
            String offerId = readText(in, "demand offer id");
            tally.offers.put(offerId, new Offer(readText(in, "demand offer producer"), (int) in.readSigned("demand offer version"),
                    in.readUnsigned("demand offer matched"), in.readSigned("demand offer last")));
        }
        long unmetCount = in.readCount("demand unmet count", MAX_UNMET);
        for (long i = 0; i < unmetCount; i++) {
            int version = (int) in.readSigned("demand unmet version");
            long constraintCount = in.readCount("demand unmet constraint count", READ_GROUP_CONSTRAINTS);
            Map<String, List<String>> constraints = new TreeMap<>();
            for (long c = 0; c < constraintCount; c++) {
                String name = readText(in, "demand unmet constraint");
                long valueCount = in.readCount("demand unmet value count", READ_GROUP_CONSTRAINTS);
                List<String> values = new ArrayList<>();
                for (long v = 0; v < valueCount; v++) {
                    values.add(readText(in, "demand unmet value"));
                }
                constraints.put(name, List.copyOf(values));
            }
            tally.unmet.put(key(version, constraints), new Unmet(version, constraints, in.readUnsigned("demand unmet waited"),
                    in.readUnsigned("demand unmet failed"), in.readSigned("demand unmet last")));
        }
        long teamCount = in.readCount("demand team count", MAX_TEAMS);
        for (long i = 0; i < teamCount; i++) {
            String team = readText(in, "demand team");
            long requests = in.readUnsigned("demand team requests");
            long first = in.readSigned("demand team first");
            long last = in.readSigned("demand team last");
            long fulfilled = in.readByte("demand team fulfilled flag") == 1 ? in.readSigned("demand team fulfilled") : Long.MIN_VALUE;
            tally.teams.put(team, new Team(requests, first, last, fulfilled, in.readUnsigned("demand team abandoned")));
        }
        return tally;
    }

    private static void writeText(ByteWriter out, String text) {
        out.writeBlock(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String readText(ByteReader in, String what) {
        return new String(in.readBlock(what), StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DemandTally that && versions.equals(that.versions) && offers.equals(that.offers)
                && unmet.equals(that.unmet) && teams.equals(that.teams);
    }

    @Override
    public int hashCode() {
        return Objects.hash(versions, offers, unmet, teams);
    }
}
