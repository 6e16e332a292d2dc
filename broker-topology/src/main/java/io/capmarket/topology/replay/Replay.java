package io.capmarket.topology.replay;

import io.capmarket.schemas.CapabilityOffer;
import io.capmarket.schemas.RequestStatus;
import io.capmarket.schemas.topology.OfferChange;
import io.capmarket.topology.TopologySettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Re-runs a recorded window of the marketplace through the pure desk under a {@link WhatIf}, and
 * compares what would have happened with what did ({@link ReplayReport}). Read-only: it needs the
 * log's facts, never a live topic.
 *
 * <p>The desk sees the recorded offers, heartbeats, approvals, approval policies, contract handovers, quotas and
 * commands at the times they were recorded (commands at the times the live desk took them, where
 * the recorded statuses say: {@link Retiming}), and checks its deadlines on its own clock
 * ({@link Simulation}). Work matched where it was recorded gets the recorded reports; work
 * matched elsewhere is answered as its producer's recorded history says it works
 * ({@link WorkModel}). With {@link WhatIf#NONE} every request is matched where it was recorded,
 * so the replay reproduces the recorded decisions, provided the live desk saw each fact at the time
 * the log recorded it (the report counts the requests decided otherwise).
 */
public final class Replay {

    private Replay() {
    }

    /**
     * Replays {@code log} with {@code settings} (the recorded policy) changed by {@code whatIf}.
     *
     * @throws IllegalArgumentException when the change names an offer the log does not hold, or
     *     an added offer is refused (its schemas conflict with its capability version's contract)
     */
    public static ReplayReport run(RecordedLog log, TopologySettings settings, WhatIf whatIf) {
        return run(log, log.from(), settings, whatIf);
    }

    /**
     * Replays {@code log} with {@code settings} (the recorded policy) changed by {@code whatIf},
     * reporting on the requests submitted from {@code reportFrom}: the requests of the log before it
     * are a warm-up, replayed so that the window starts with the offers' load and record the desk
     * had, and not reported on.
     *
     * @throws IllegalArgumentException when {@code reportFrom} is outside the log, the change names
     *     an offer the log does not hold, or an added offer is refused (its schemas conflict with
     *     its capability version's contract)
     */
    public static ReplayReport run(RecordedLog log, Instant reportFrom, TopologySettings settings, WhatIf whatIf) {
        if (reportFrom.isBefore(log.from()) || !reportFrom.isBefore(log.to())) {
            throw new IllegalArgumentException("reportFrom must be in the log's window " + log.from() + " to " + log.to()
                    + ", but was " + reportFrom);
        }
        Outcomes everything = new Outcomes(log.from(), log.to());
        Outcomes outcomes = new Outcomes(reportFrom, log.to());
        Map<String, CapabilityOffer> recordedOffers = new TreeMap<>();
        Set<String> heartbeating = new HashSet<>();
        Map<String, RequestStatus> recorded = new LinkedHashMap<>();
        for (Recorded fact : log.facts()) {
            if (fact instanceof Recorded.OfferChanged offer && offer.change().getOffer() != null) {
                recordedOffers.put(offer.change().getOfferId(), offer.change().getOffer());
            } else if (fact instanceof Recorded.Heartbeat beat) {
                heartbeating.add(beat.producerId());
            } else if (fact instanceof Recorded.Outcome outcome && everything.inWindow(outcome.status())) {
                recorded.put(outcome.status().getRequestId(), outcome.status());
            }
        }
        check(whatIf, recordedOffers);

        Map<String, String> producerOfOffer = new HashMap<>();
        recordedOffers.forEach((id, offer) -> producerOfOffer.put(id, offer.getProducerId()));
        ModelProducers producers = new ModelProducers(WorkModel.of(recorded.values(), producerOfOffer),
                ModelProducers.recordedMatches(recorded.values()), settings.punctuateInterval());
        Simulation simulation = new Simulation(withMatching(settings, whatIf), log.from(), log.to(), producers);
        for (CapabilityOffer added : whatIf.withOffers()) {
            if (!heartbeating.contains(added.getProducerId())) {
                simulation.assumeLive(added.getProducerId());
            }
            simulation.assumeApproved(added.getProducerId(), added.getCapability());
        }
        simulation.run(changedFacts(log.from(), Retiming.asProcessed(log.facts(), recorded), whatIf));
        whatIf.withOffers().forEach(added -> simulation.refusal(added.getOfferId()).ifPresent(reason -> {
            throw new IllegalArgumentException("with-offer " + added.getOfferId() + ": " + reason);
        }));

        // both sides over the requests with a recorded status; the capacity their work held, over every request replayed
        Map<String, RequestStatus> everySimulated = simulation.statuses();
        Map<String, RequestStatus> reported = new TreeMap<>();
        Map<String, RequestStatus> simulated = new TreeMap<>();
        recorded.values().stream().filter(outcomes::inWindow).forEach(status -> {
            reported.put(status.getRequestId(), status);
            RequestStatus replayed = everySimulated.get(status.getRequestId());
            if (replayed != null) {
                simulated.put(replayed.getRequestId(), replayed);
            }
        });
        long unrecorded = everySimulated.values().stream()
                .filter(status -> outcomes.inWindow(status) && !recorded.containsKey(status.getRequestId())).count();
        List<String> assumptions = assumptions(producers, settings);
        if (reportFrom.isAfter(log.from())) {
            assumptions.add(0, "the requests of the warm-up from " + log.from() + " were replayed too, so that the window starts "
                    + "with the load and record the offers had; they are not reported on");
        }
        if (unrecorded > 0) {
            assumptions.add(unrecorded + " requests submitted in the window have no recorded status: replayed, not reported on");
        }
        recordedOffers.keySet().forEach(offerId -> simulation.refusal(offerId).ifPresent(reason -> assumptions.add(
                "the replay refused a recorded change of offer " + offerId + ": " + reason)));
        Busy busy = new Busy(outcomes.busy(recorded.values()), outcomes.busy(everySimulated.values()));
        return report(reportFrom, log.to(), whatIf, outcomes, recordedOffers, reported, simulated, busy, assumptions);
    }

    /** Milliseconds of each offer's capacity held by work in the window, recorded and simulated. */
    private record Busy(Map<String, Long> recorded, Map<String, Long> simulated) {
    }

    private static void check(WhatIf whatIf, Map<String, CapabilityOffer> recordedOffers) {
        Set<String> known = new TreeSet<>(recordedOffers.keySet());
        for (String offerId : whatIf.withoutOffers()) {
            if (!known.contains(offerId)) {
                throw new IllegalArgumentException("without-offer: offer " + offerId + " is not in the log of the window; its "
                        + "offers are " + known);
            }
        }
        for (CapabilityOffer added : whatIf.withOffers()) {
            if (known.contains(added.getOfferId())) {
                throw new IllegalArgumentException("with-offer: offer " + added.getOfferId() + " is already in the log of the "
                        + "window; give the added offer another offerId, or change the recorded one with --capacity");
            }
        }
        whatIf.withOffers().forEach(added -> known.add(added.getOfferId()));
        for (String offerId : whatIf.capacities().keySet()) {
            if (!known.contains(offerId)) {
                throw new IllegalArgumentException("capacity: offer " + offerId + " is neither in the log of the window nor "
                        + "added; the offers are " + known);
            }
        }
    }

    private static TopologySettings withMatching(TopologySettings s, WhatIf whatIf) {
        return new TopologySettings(whatIf.apply(s.matching()), s.acceptDeadline(), s.maxAttempts(), s.punctuateInterval(),
                s.scorecardWindow(), s.scorecardInterval(), s.maxWait(), s.priorityGrants(), s.day2());
    }

    /** The log's facts with the change applied: offers taken out, capacities replaced, offers added at the start. */
    private static List<Recorded> changedFacts(Instant from, List<Recorded> recorded, WhatIf whatIf) {
        List<Recorded> facts = new ArrayList<>(recorded.size() + whatIf.withOffers().size());
        boolean added = whatIf.withOffers().isEmpty();
        for (Recorded fact : recorded) {
            if (!added && !fact.at().isBefore(from)) {
                addOffers(facts, from, whatIf);
                added = true;
            }
            if (fact instanceof Recorded.OfferChanged offer) {
                String offerId = offer.change().getOfferId();
                if (whatIf.withoutOffers().contains(offerId)) {
                    continue;
                }
                Integer capacity = whatIf.capacities().get(offerId);
                if (capacity != null && offer.change().getOffer() != null) {
                    fact = new Recorded.OfferChanged(offer.at(), offer.capability(), new OfferChange(offerId,
                            CapabilityOffer.newBuilder(offer.change().getOffer()).setCapacity(capacity).build(),
                            offer.change().getProducerId()));
                }
            }
            facts.add(fact);
        }
        if (!added) {
            addOffers(facts, from, whatIf);
        }
        return facts;
    }

    private static void addOffers(List<Recorded> facts, Instant from, WhatIf whatIf) {
        for (CapabilityOffer offer : whatIf.withOffers()) {
            Integer capacity = whatIf.capacities().get(offer.getOfferId());
            CapabilityOffer changed = capacity == null ? offer : CapabilityOffer.newBuilder(offer).setCapacity(capacity).build();
            facts.add(new Recorded.OfferChanged(from, offer.getCapability(), new OfferChange(offer.getOfferId(), changed,
                    offer.getProducerId())));
        }
    }

    private static ReplayReport report(Instant from, Instant to, WhatIf whatIf, Outcomes outcomes,
            Map<String, CapabilityOffer> recordedOffers, Map<String, RequestStatus> recorded, Map<String, RequestStatus> simulated,
            Busy busy, List<String> assumptions) {
        // offers by capability, with their capacity on each side
        Map<String, String> capabilityOf = new TreeMap<>();
        Map<String, Integer> recordedCapacity = new TreeMap<>();
        Map<String, Integer> simulatedCapacity = new TreeMap<>();
        recordedOffers.forEach((id, offer) -> {
            capabilityOf.put(id, offer.getCapability());
            recordedCapacity.put(id, offer.getCapacity());
            if (!whatIf.withoutOffers().contains(id)) {
                simulatedCapacity.put(id, whatIf.capacities().getOrDefault(id, offer.getCapacity()));
            }
        });
        whatIf.withOffers().forEach(offer -> {
            capabilityOf.put(offer.getOfferId(), offer.getCapability());
            simulatedCapacity.put(offer.getOfferId(), whatIf.capacities().getOrDefault(offer.getOfferId(), offer.getCapacity()));
        });

        Set<String> capabilities = new TreeSet<>();
        recorded.values().forEach(s -> capabilities.add(s.getCapability()));
        simulated.values().forEach(s -> capabilities.add(s.getCapability()));
        List<ReplayReport.Figures> figures = new ArrayList<>();
        for (String capability : capabilities) {
            figures.add(new ReplayReport.Figures(capability,
                    outcomes.side(of(recorded.values(), capability), offersOf(recordedCapacity, capabilityOf, capability),
                            busy.recorded()),
                    outcomes.side(of(simulated.values(), capability), offersOf(simulatedCapacity, capabilityOf, capability),
                            busy.simulated())));
        }
        // the offers of the capabilities requested in the window: an offer nobody could have asked for uses nothing
        Map<String, Integer> recordedInScope = new TreeMap<>();
        Map<String, Integer> simulatedInScope = new TreeMap<>();
        capabilities.forEach(capability -> {
            recordedInScope.putAll(offersOf(recordedCapacity, capabilityOf, capability));
            simulatedInScope.putAll(offersOf(simulatedCapacity, capabilityOf, capability));
        });
        ReplayReport.Figures overall = new ReplayReport.Figures("*", outcomes.side(recorded.values(), recordedInScope, busy.recorded()),
                outcomes.side(simulated.values(), simulatedInScope, busy.simulated()));

        Map<String, Integer> recordedMatches = outcomes.matches(recorded.values());
        Map<String, Integer> simulatedMatches = outcomes.matches(simulated.values());
        Map<String, Long> recordedBusy = busy.recorded();
        Map<String, Long> simulatedBusy = busy.simulated();
        List<ReplayReport.OfferUse> offers = new ArrayList<>();
        capabilityOf.entrySet().stream()
                .filter(e -> capabilities.contains(e.getValue()))
                .sorted(Map.Entry.<String, String>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> offers.add(new ReplayReport.OfferUse(e.getValue(), e.getKey(),
                        recordedMatches.getOrDefault(e.getKey(), 0), simulatedMatches.getOrDefault(e.getKey(), 0),
                        outcomes.utilisation(recordedBusy.getOrDefault(e.getKey(), 0L), recordedCapacity.getOrDefault(e.getKey(), 0)),
                        outcomes.utilisation(simulatedBusy.getOrDefault(e.getKey(), 0L),
                                simulatedCapacity.getOrDefault(e.getKey(), 0)))));

        int same = 0;
        List<String> differing = new ArrayList<>();
        for (RequestStatus status : recorded.values()) {
            RequestStatus replayed = simulated.get(status.getRequestId());
            if (replayed != null && outcomes.decisions(status).equals(outcomes.decisions(replayed))) {
                same++;
            } else if (differing.size() < ReplayReport.Decisions.LISTED) {
                differing.add(status.getRequestId());
            }
        }
        return new ReplayReport(from, to, whatIf.describe(), overall, figures, offers,
                new ReplayReport.Decisions(recorded.size(), same, differing), assumptions);
    }

    private static List<String> assumptions(ModelProducers producers, TopologySettings settings) {
        List<String> assumptions = new ArrayList<>();
        assumptions.add("figures are those of the requests submitted in the window, up to its end; work submitted before the "
                + "log replayed (the window and any warm-up), and the capacity it held, is not replayed");
        assumptions.add("offers, heartbeats, approvals, approval policies, contract handovers, quotas, submissions, cancellations and "
                + "updates happen when the log recorded them (those before the log replayed as they stood then: a contract handover "
                + "taken back by then is not seen); the desk checks deadlines every "
                + ReplayText.duration(settings.punctuateInterval()) + " (deadlines.check-interval)");
        assumptions.add("work matched where and when it was recorded gets the producer's recorded reports, at their recorded "
                + "times; commands are taken when the recorded statuses say the topology took them");
        assumptions.add("other work is accepted and done in its producer's recorded median times, and fails at its "
                + "recorded share (the requests picked by a hash of their id); an added offer's producer is live and approved "
                + "throughout; updates and deprovisions of moved work are not answered");
        assumptions.add("utilisation counts each offer's capacity over the whole window");
        List<String> used = producers.used();
        if (!used.isEmpty()) {
            assumptions.add("moved work was answered as:");
            used.forEach(line -> assumptions.add("  " + line));
        }
        return assumptions;
    }

    private static List<RequestStatus> of(Collection<RequestStatus> statuses, String capability) {
        return statuses.stream().filter(s -> s.getCapability().equals(capability)).toList();
    }

    private static Map<String, Integer> offersOf(Map<String, Integer> capacities, Map<String, String> capabilityOf, String capability) {
        Map<String, Integer> of = new TreeMap<>();
        capacities.forEach((id, capacity) -> {
            if (capability.equals(capabilityOf.get(id))) {
                of.put(id, capacity);
            }
        });
        return of;
    }
}
