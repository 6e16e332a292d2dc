package io.capmarket.sdk.sync;

import io.capmarket.sdk.InvalidOfferException;
import io.capmarket.sdk.Offer;
import io.capmarket.sdk.internal.Durations;
import io.capmarket.sdk.internal.OfferChecks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a declarative sync changes: the offers to create, to update (with the fields that change)
 * and to withdraw, so that the producer's live offers become exactly the desired ones. Computed by
 * the pure function {@link #compute}; {@link #render} prints it like {@code terraform plan}:
 *
 * <pre>
 *   + create pg16-eu-north (postgres-database v1, capacity 20, lead time 10m, ACTIVE)
 *   ~ update pg16-eu-west
 *       capacity: 50 -> 80
 *   - withdraw pg14-eu-west (postgres-database v1)
 *
 * Plan: 1 to create, 1 to update, 1 to withdraw (2 unchanged).
 * </pre>
 *
 * Immutable. Apply it with {@link io.capmarket.sdk.CapmarketProducer#applySync(SyncPlan)}.
 *
 * @param changes the changes, creates then updates then withdrawals, each by offerId
 * @param unchanged how many desired offers are live exactly as desired
 */
public record SyncPlan(List<Change> changes, int unchanged) {

    /** What happens to one offer. */
    public enum Action {
        /** Published for the first time. */
        CREATE,
        /** Published again with changed fields. */
        UPDATE,
        /** Withdrawn with a tombstone: it is live but no longer desired. */
        WITHDRAW
    }

    /**
     * One field that changes.
     *
     * @param field the field's name as in offer files
     * @param before the live value, printed
     * @param after the desired value, printed
     */
    public record FieldChange(String field, String before, String after) {
    }

    /**
     * The change of one offer.
     *
     * @param action what happens
     * @param offerId the offer
     * @param desired the offer to publish (null for a withdrawal)
     * @param current the live offer (null for a creation, or when the live record is unreadable)
     * @param fields for an update, the fields that change
     */
    public record Change(Action action, String offerId, Offer desired, Offer current, List<FieldChange> fields) {

        /** Copies the field list. */
        public Change {
            fields = List.copyOf(fields);
        }
    }

    /** Copies the change list. */
    public SyncPlan {
        changes = List.copyOf(changes);
    }

    /**
     * The plan taking {@code current} to {@code desired}.
     *
     * @param desired the offers wanted live, with unique offerIds
     * @param current this producer's live offers by offerId
     */
    public static SyncPlan compute(Collection<Offer> desired, Map<String, Offer> current) {
        return compute(desired, current, Map.of());
    }

    /**
     * The plan taking the live state to {@code desired}.
     *
     * @param desired the offers wanted live, with unique offerIds
     * @param current this producer's readable live offers by offerId
     * @param unreadable records live on this producer's offers topic that are not valid offers of it, with the reason
     *     (replaced when desired, else withdrawn)
     * @throws InvalidOfferException when offerIds repeat; nothing is planned
     */
    public static SyncPlan compute(Collection<Offer> desired, Map<String, Offer> current, Map<String, String> unreadable) {
        List<String> problems = new ArrayList<>();
        Map<String, Offer> wanted = new TreeMap<>();
        for (Offer offer : desired) {
            if (wanted.put(offer.offerId(), offer) != null) {
                problems.add("offerId " + offer.offerId() + " is declared more than once");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidOfferException(problems);
        }
        List<Change> creates = new ArrayList<>();
        List<Change> updates = new ArrayList<>();
        List<Change> withdrawals = new ArrayList<>();
        int unchanged = 0;
        for (Offer offer : wanted.values()) {
            Offer live = current.get(offer.offerId());
            if (live == null && unreadable.containsKey(offer.offerId())) {
                updates.add(new Change(Action.UPDATE, offer.offerId(), offer, null,
                        List.of(new FieldChange("(live record)", "unreadable: " + unreadable.get(offer.offerId()), "replaced"))));
            } else if (live == null) {
                creates.add(new Change(Action.CREATE, offer.offerId(), offer, null, List.of()));
            } else {
                List<FieldChange> fields = diff(live, offer);
                if (fields.isEmpty()) {
                    unchanged++;
                } else {
                    updates.add(new Change(Action.UPDATE, offer.offerId(), offer, live, fields));
                }
            }
        }
        Map<String, Offer> gone = new TreeMap<>(current);
        unreadable.keySet().forEach(id -> gone.putIfAbsent(id, null));
        for (Map.Entry<String, Offer> live : gone.entrySet()) {
            if (!wanted.containsKey(live.getKey())) {
                withdrawals.add(new Change(Action.WITHDRAW, live.getKey(), null, live.getValue(), List.of()));
            }
        }
        List<Change> all = new ArrayList<>(creates);
        all.addAll(updates);
        all.addAll(withdrawals);
        return new SyncPlan(all, unchanged);
    }

    /** The fields that differ between a live and a desired offer (schemas compared as JSON values). */
    static List<FieldChange> diff(Offer live, Offer desired) {
        List<FieldChange> fields = new ArrayList<>();
        field(fields, "capability", live, desired, Offer::capability);
        field(fields, "version", live, desired, Offer::capabilityVersion);
        field(fields, "description", live, desired, Offer::description);
        if (!OfferChecks.sameJson(live.parameterSchema(), desired.parameterSchema())) {
            fields.add(new FieldChange("parameterSchema", live.parameterSchema(), desired.parameterSchema()));
        }
        field(fields, "updatableParameters", live, desired, Offer::updatableParameters);
        if (!OfferChecks.sameJson(live.outputSchema(), desired.outputSchema())) {
            fields.add(new FieldChange("outputSchema", live.outputSchema(), desired.outputSchema()));
        }
        field(fields, "attributes", live, desired, Offer::attributes);
        field(fields, "capacity", live, desired, Offer::capacity);
        field(fields, "leadTime", live, desired, o -> Durations.format(o.leadTime()));
        field(fields, "maxTtl", live, desired, o -> o.maxTtl() == null ? "none" : Durations.format(o.maxTtl()));
        field(fields, "approval", live, desired, Offer::approval);
        field(fields, "status", live, desired, Offer::status);
        field(fields, "sunset", live, desired, Offer::sunsetAt);
        return fields;
    }

    private static void field(List<FieldChange> fields, String name, Offer live, Offer desired, Function<Offer, Object> value) {
        Object before = value.apply(live);
        Object after = value.apply(desired);
        if (!Objects.equals(before, after)) {
            fields.add(new FieldChange(name, print(before), print(after)));
        }
    }

    private static String print(Object value) {
        return value == null ? "(none)" : value instanceof String s ? "\"" + s + "\"" : value.toString();
    }

    /** Whether nothing changes. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The changes of one kind. */
    public List<Change> changes(Action action) {
        return changes.stream().filter(c -> c.action() == action).toList();
    }

    /** The offers to publish (creations and updates). */
    public List<Offer> upserts() {
        return changes.stream().filter(c -> c.action() != Action.WITHDRAW).map(Change::desired).toList();
    }

    /** The offerIds to withdraw. */
    public List<String> withdrawals() {
        return changes(Action.WITHDRAW).stream().map(Change::offerId).toList();
    }

    /** The plan as text, one block per change and a summary line, like {@code terraform plan}. */
    public String render() {
        StringBuilder out = new StringBuilder();
        if (isEmpty()) {
            return out.append("No changes: ").append(unchanged).append(unchanged == 1 ? " offer is" : " offers are")
                    .append(" live as declared.\n").toString();
        }
        for (Change c : changes.stream().sorted(Comparator.comparing(Change::action)).toList()) {
            switch (c.action()) {
                case CREATE -> out.append("  + create ").append(c.offerId()).append(" (").append(summary(c.desired())).append(")\n");
                case UPDATE -> {
                    out.append("  ~ update ").append(c.offerId()).append('\n');
                    for (FieldChange f : c.fields()) {
                        out.append("      ").append(f.field()).append(": ").append(f.before()).append(" -> ").append(f.after())
                                .append('\n');
                    }
                }
                case WITHDRAW -> out.append("  - withdraw ").append(c.offerId())
                        .append(c.current() == null ? "" : " (" + c.current().capability() + " v" + c.current().capabilityVersion() + ")")
                        .append('\n');
                default -> throw new IllegalStateException("unknown action " + c.action());
            }
        }
        return out.append('\n').append(summaryLine()).append('\n').toString();
    }

    /** {@code Plan: 1 to create, 2 to update, 0 to withdraw (3 unchanged).} */
    public String summaryLine() {
        return "Plan: " + changes(Action.CREATE).size() + " to create, " + changes(Action.UPDATE).size() + " to update, "
                + changes(Action.WITHDRAW).size() + " to withdraw (" + unchanged + " unchanged).";
    }

    private static String summary(Offer o) {
        return o.capability() + " v" + o.capabilityVersion() + ", capacity " + o.capacity() + ", lead time "
                + Durations.format(o.leadTime()) + ", " + o.status();
    }
}
