package io.capmarket.sdk.testkit;

import io.capmarket.schemas.FulfilmentKind;
import io.capmarket.sdk.AssignmentRef;
import java.util.List;
import java.util.Optional;

/**
 * What happened when a handler ran on one assignment: every report in order, and whether the
 * handler handed the work off. Immutable.
 *
 * @param ref the assignment reported on; every report carries its attempt and revision
 * @param reports every report, in the order made
 * @param handedOff whether the handler handed the work off to report later
 * @param cancelled whether the assignment was cancelled while it ran
 * @param thrown what the handler threw (the SDK reported it as a retryable FAILED with its message), or null
 */
public record Recording(AssignmentRef ref, List<Report> reports, boolean handedOff, boolean cancelled, Throwable thrown) {

    /** Copies the reports. */
    public Recording {
        reports = List.copyOf(reports);
    }

    /** The revision every report carries: 0 for a provisioning, from 1 for an update or deprovision. */
    public int revision() {
        return ref.revision();
    }

    /** What the handler threw, if it threw: tells a failure the SDK made of an exception from one the handler reported. */
    public Optional<Throwable> thrownByHandler() {
        return Optional.ofNullable(thrown);
    }

    /** The kinds of the reports, in order. */
    public List<FulfilmentKind> kinds() {
        return reports.stream().map(Report::kind).toList();
    }

    /** The outcome: the first FULFILLED, FAILED or REJECTED report. */
    public Optional<Report> outcome() {
        return reports.stream().filter(r -> r.kind() == FulfilmentKind.FULFILLED || r.kind() == FulfilmentKind.FAILED
                || r.kind() == FulfilmentKind.REJECTED).findFirst();
    }
}
