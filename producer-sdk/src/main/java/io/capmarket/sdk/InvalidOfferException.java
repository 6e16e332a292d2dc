package io.capmarket.sdk;

import java.util.List;

/**
 * An offer (or an offer file) breaks a rule. {@link #problems()} lists every problem found, each
 * naming the field (for files, the {@code file:line}), the value and the rule; nothing was published.
 * Fix the offer: retrying is pointless.
 */
public class InvalidOfferException extends CapmarketException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** An exception for one or more problems; the message lists them all. */
    public InvalidOfferException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
