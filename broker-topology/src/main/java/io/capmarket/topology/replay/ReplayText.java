package io.capmarket.topology.replay;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** A {@link ReplayReport} as the command line prints it: one table per scope, the offers, the assumptions. */
final class ReplayText {

    private static final String ROW = "%-28s %-9s %8s %9s %6s %5s %9s %9s %9s %9s %10s %11s%n";

    private ReplayText() {
    }

    static String render(ReplayReport report) {
        StringBuilder out = new StringBuilder();
        out.append("replay of ").append(report.from()).append(" to ").append(report.to()).append('\n');
        out.append("change: ").append(String.join("; ", report.change())).append('\n');
        ReplayReport.Decisions decisions = report.decisions();
        out.append("decisions: ").append(decisions.same()).append(" of ").append(decisions.requests())
                .append(" requests decided as recorded");
        if (decisions.same() < decisions.requests()) {
            out.append("; ").append(decisions.requests() - decisions.same()).append(" otherwise (")
                    .append(String.join(", ", decisions.differing()))
                    .append(decisions.requests() - decisions.same() > decisions.differing().size() ? ", ..." : "").append(')');
        }
        out.append("\n\n");
        out.append(String.format(Locale.ROOT, ROW, "capability", "", "requests", "fulfilled", "failed", "open", "lead p50",
                "lead p95", "wait p50", "wait p95", "reassigned", "utilisation"));
        for (ReplayReport.Figures figures : report.capabilities()) {
            rows(out, figures.scope(), figures);
        }
        rows(out, "(all)", report.overall());
        out.append('\n');
        out.append(String.format(Locale.ROOT, "%-44s %21s %25s%n", "offer", "matches rec -> sim", "utilisation rec -> sim"));
        for (ReplayReport.OfferUse use : report.offers()) {
            out.append(String.format(Locale.ROOT, "%-44s %21s %25s%n", use.capability() + "/" + use.offerId(),
                    use.recordedMatches() + " -> " + use.simulatedMatches(),
                    percent(use.recordedUtilisation()) + " -> " + percent(use.simulatedUtilisation())));
        }
        out.append("\nassumptions:\n");
        report.assumptions().forEach(a -> out.append("- ").append(a).append('\n'));
        return out.toString();
    }

    private static void rows(StringBuilder out, String scope, ReplayReport.Figures figures) {
        row(out, scope, "recorded", figures.recorded());
        row(out, "", "simulated", figures.simulated());
    }

    private static void row(StringBuilder out, String scope, String side, ReplayReport.Side s) {
        out.append(String.format(Locale.ROOT, ROW, scope, side, s.requests(), s.fulfilled(), s.failed(), s.open(),
                duration(s.leadTimeP50()), duration(s.leadTimeP95()), duration(s.waitP50()), duration(s.waitP95()),
                s.reassignments(), percent(s.utilisation())));
    }

    private static String duration(Optional<Duration> duration) {
        return duration.map(ReplayText::duration).orElse("-");
    }

    /** A duration in its two largest units: {@code 1h05m}, {@code 12m30s}, {@code 4.2s}, {@code 350ms}. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1_000) {
            return millis + "ms";
        }
        if (millis < 10_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return seconds / 60 == 0 ? seconds + "s" : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
    }

    /** A share as a percentage with one decimal. */
    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
