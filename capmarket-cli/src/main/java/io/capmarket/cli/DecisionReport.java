package io.capmarket.cli;

import io.capmarket.client.RequestDecisions;
import io.capmarket.client.RequestDecisions.Candidate;
import io.capmarket.client.RequestDecisions.Decision;
import io.capmarket.client.RequestDecisions.MatchScore;
import io.capmarket.client.RequestDecisions.Weights;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code capmarket request why} for people: the latest decision's summary, every offer it
 * considered with its score per factor or the rule that ruled it out, the weights, then the
 * earlier decisions, one line each.
 */
final class DecisionReport {

    static final List<String> HEADER = List.of("OFFER", "PRODUCER", "VERSION", "CHOSEN", "HEADROOM", "SPEED", "RELIABILITY",
            "PREFERENCE", "TOTAL", "RULED OUT / NOTE");

    private DecisionReport() {
    }

    /** The lines printed for {@code decisions}; a request without decisions is one line naming its state. */
    static List<String> lines(RequestDecisions decisions) {
        if (decisions.decisions().isEmpty()) {
            return List.of("no matching decision yet (state " + decisions.state() + ")");
        }
        Decision latest = decisions.latest().orElseThrow();
        List<String> lines = new ArrayList<>();
        lines.add(latest.summary());
        if (!latest.candidates().isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(HEADER);
            latest.candidates().forEach(candidate -> rows.add(row(candidate)));
            lines.addAll(Output.columns(rows));
            lines.add("weights: " + weights(latest.weights()));
        }
        if (latest.unlisted() > 0) {
            lines.add("and " + latest.unlisted() + " more offer(s) considered, not listed");
        }
        if (latest.note() != null && !latest.note().isBlank()) {
            lines.add("note: " + latest.note());
        }
        List<Decision> earlier = decisions.decisions().subList(0, decisions.decisions().size() - 1);
        if (!earlier.isEmpty()) {
            lines.add("earlier decisions:");
            earlier.forEach(decision -> lines.add("  " + (decision.at() == null ? "" : decision.at() + "  ") + decision.summary()));
        }
        return lines;
    }

    private static List<String> row(Candidate candidate) {
        MatchScore score = candidate.score();
        List<String> row = new ArrayList<>(List.of(candidate.offerId(), candidate.producerId(), Integer.toString(candidate.version()),
                candidate.chosen() ? "*" : ""));
        if (score == null) {
            row.addAll(List.of("", "", "", "", ""));
        } else {
            row.addAll(List.of(number(score.headroom()), number(score.speed()), number(score.reliability()), number(score.preference()),
                    number(score.total())));
        }
        if (candidate.ruledOut()) {
            row.add(candidate.filter() + (candidate.detail() == null ? "" : ": " + candidate.detail()));
        } else {
            // a scored candidate's detail says why its score was lowered (its producer is on probation)
            row.add(candidate.detail() == null ? "" : candidate.detail());
        }
        return row;
    }

    /** {@code headroom 1, speed 1, reliability 2, preference 1}: each weight as short as it is exact. */
    static String weights(Weights weights) {
        return "headroom " + weight(weights.headroom()) + ", speed " + weight(weights.speed()) + ", reliability "
                + weight(weights.reliability()) + ", preference " + weight(weights.preference());
    }

    private static String weight(double weight) {
        return BigDecimal.valueOf(weight).stripTrailingZeros().toPlainString();
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
