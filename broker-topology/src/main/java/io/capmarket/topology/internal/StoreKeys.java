package io.capmarket.topology.internal;

import io.capmarket.schemas.Priority;
import io.capmarket.topology.core.WaitTicket;
import java.time.Instant;

/**
 * Keys of the engine's ordered stores. Stores sort keys by their UTF-8 bytes, so numbers are
 * zero-padded to a fixed width and fields are separated by '/', which capability names
 * (kebab-case) never contain.
 */
final class StoreKeys {

    private static final int MILLIS_WIDTH = 13;
    private static final int VERSION_WIDTH = 10;
    private static final String TEAM = "team:";

    private StoreKeys() {
    }

    /** Every offer of a capability shares this prefix. */
    static String offerPrefix(String capability) {
        return capability + "/";
    }

    static String offer(String capability, String offerId) {
        return capability + "/" + offerId;
    }

    /** Every contract of a capability shares this prefix. */
    static String contractPrefix(String capability) {
        return capability + "/";
    }

    /** A capability version's contract; the version is zero-padded so that versions sort as numbers. */
    static String contract(String capability, int version) {
        String digits = Integer.toString(version);
        return capability + "/" + "0".repeat(Math.max(0, VERSION_WIDTH - digits.length())) + digits;
    }

    /** Every waiting request of a capability shares this prefix; they sort by priority, then age. */
    static String waitPrefix(String capability) {
        return capability + "/";
    }

    static String waiting(WaitTicket ticket) {
        return ticket.capability() + "/" + (Priority.values().length - 1 - ticket.priority().ordinal()) + "/"
                + millis(ticket.submittedAt().toEpochMilli()) + "/" + ticket.requestId();
    }

    /** The lowest key sorting after the ticket's: a range scan from it starts with the next ticket. */
    static String waitingAfter(WaitTicket ticket) {
        return waiting(ticket) + "\u0000";
    }

    /** The upper bound of a range scan over a capability's waitlist: '0' is the character after '/'. */
    static String waitEnd(String capability) {
        return capability + "0";
    }

    static WaitTicket parseWaiting(String key) {
        return parseWaiting(key, null);
    }

    /** The value of a waitlist entry: the request's team. */
    static String waitingTeam(String team) {
        return TEAM + team;
    }

    /** A waitlist entry; its value names the team, or (written by an earlier version) the request, whose team is then not known. */
    static WaitTicket parseWaiting(String key, String value) {
        String[] parts = key.split("/", 4);
        String team = value != null && value.startsWith(TEAM) ? value.substring(TEAM.length()) : "";
        return new WaitTicket(parts[0], Priority.values()[Priority.values().length - 1 - Integer.parseInt(parts[1])],
                Instant.ofEpochMilli(Long.parseLong(parts[2])), parts[3], team);
    }

    private static String millis(long value) {
        String digits = Long.toString(value);
        return "0".repeat(Math.max(0, MILLIS_WIDTH - digits.length())) + digits;
    }
}
