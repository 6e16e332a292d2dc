package io.capmarket.schemas.topics;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Existing topics differ from what capmarket needs (for example {@code request-status} is not
 * compacted, or has a different number of partitions). Not retryable: fix the topics (or the
 * configuration) and start again; running on would silently lose or misroute data.
 */
public class TopicMismatchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<Mismatch> mismatches;

    public TopicMismatchException(List<Mismatch> mismatches) {
        super("existing topics differ from their specs:" + System.lineSeparator()
                + mismatches.stream().map(m -> "  " + m.message()).collect(Collectors.joining(System.lineSeparator())));
        this.mismatches = List.copyOf(mismatches);
    }

    /** Every difference found. */
    public List<Mismatch> mismatches() {
        return mismatches;
    }
}
