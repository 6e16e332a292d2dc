package io.capmarket.client;

/** JSON the gateway answers, small enough to read in a test. */
final class Fixtures {

    private Fixtures() {
    }

    /** A request in {@code state} whose history holds {@code history}. */
    static String request(String id, String state, String... history) {
        StringBuilder entries = new StringBuilder();
        for (String entry : history) {
            entries.append(entries.length() == 0 ? "" : ",").append("{\"state\":\"").append(entry).append("\",\"at\":\"2026-12-02T18:00:00Z\"}");
        }
        return "{\"id\":\"" + id + "\",\"team\":\"alpha\",\"capability\":\"postgres-database\",\"version\":1,\"state\":\"" + state
                + "\",\"outputs\":{},\"reason\":null,\"history\":[" + entries + "]}";
    }

    /**
     * A request in PENDING_APPROVAL, expiring at 2026-12-05T18:00:00Z, waiting for the platform's
     * approval by {@code role:admin} after the producer dba-eu's approval was given.
     */
    static String pendingApproval(String id) {
        String request = request(id, "PENDING_APPROVAL", "SUBMITTED", "PENDING_APPROVAL");
        return request.substring(0, request.length() - 1) + ",\"approvals\":["
                + "{\"source\":\"platform\",\"approvers\":[\"role:admin\"],\"approvedBy\":null,\"approvedAt\":null},"
                + "{\"source\":\"producer dba-eu\",\"approvers\":[\"team:dba-eu\",\"role:approver\"],"
                + "\"approvedBy\":\"bob (team dba-eu, role producer)\",\"approvedAt\":\"2026-12-02T19:00:00Z\"}],"
                + "\"approvalExpiresAt\":\"2026-12-05T18:00:00Z\"}";
    }

    /**
     * The decisions of request {@code id}, FULFILLED on pg-eu-1: it waited once (no offer could
     * serve it), then was matched to pg-eu-1 of dba-team over pg-eu-2, pg-us-1 being ruled out by
     * its region.
     */
    static String decisions(String id) {
        return "{\"requestId\":\"" + id + "\",\"capability\":\"postgres-database\",\"version\":1,\"state\":\"FULFILLED\","
                + "\"offerId\":\"pg-eu-1\",\"decisions\":["
                + "{\"at\":\"2026-12-04T20:00:00Z\",\"attempt\":0,\"outcome\":\"WAITING\",\"offerId\":null,"
                + "\"summary\":\"waiting: none of 1 offer(s) could serve it\","
                + "\"weights\":{\"headroom\":1.0,\"speed\":1.0,\"reliability\":2.0,\"preference\":1.0},"
                + "\"candidates\":[{\"offerId\":\"pg-eu-1\",\"producerId\":\"dba-team\",\"version\":1,\"chosen\":false,"
                + "\"filter\":\"CAPACITY\",\"detail\":\"full (3/3)\",\"score\":null}],\"unlisted\":0,\"note\":null},"
                + "{\"at\":\"2026-12-04T20:01:02.345Z\",\"attempt\":1,\"outcome\":\"MATCHED\",\"offerId\":\"pg-eu-1\","
                + "\"summary\":\"matched pg-eu-1 of dba-team: the best score (4.75) of 2 candidates; 1 offer ruled out\","
                + "\"weights\":{\"headroom\":1.0,\"speed\":1.0,\"reliability\":2.0,\"preference\":1.0},"
                + "\"candidates\":["
                + "{\"offerId\":\"pg-eu-1\",\"producerId\":\"dba-team\",\"version\":1,\"chosen\":true,\"filter\":null,\"detail\":null,"
                + "\"score\":{\"headroom\":0.75,\"speed\":1.0,\"reliability\":1.0,\"preference\":1.0,\"total\":4.75}},"
                + "{\"offerId\":\"pg-eu-2\",\"producerId\":\"dba-eu\",\"version\":1,\"chosen\":false,\"filter\":null,\"detail\":null,"
                + "\"score\":{\"headroom\":0.5,\"speed\":0.8,\"reliability\":0.9,\"preference\":0.0,\"total\":3.1}},"
                + "{\"offerId\":\"pg-us-1\",\"producerId\":\"dba-team\",\"version\":1,\"chosen\":false,\"filter\":\"CONSTRAINT\","
                + "\"detail\":\"constraint region=[eu] not met (us)\",\"score\":null}],"
                + "\"unlisted\":2,\"note\":\"a retry\",\"newField\":true}]}";
    }

    /** A request never matched: PENDING_APPROVAL, without decisions. */
    static String noDecisions(String id) {
        return "{\"requestId\":\"" + id + "\",\"capability\":\"postgres-database\",\"version\":1,\"state\":\"PENDING_APPROVAL\","
                + "\"offerId\":null,\"decisions\":[]}";
    }

    /** A transition event of the stream, with its id. */
    static String transition(int index, String state, String request) {
        return "id: " + index + "\nevent: transition\ndata: {\"index\":" + index + ",\"state\":\"" + state + "\",\"request\":" + request
                + "}\n\n";
    }

    /** The end event of the stream. */
    static String end(int index, String request) {
        return "id: " + index + "\nevent: end\ndata: " + request + "\n\n";
    }

    static String problem(String type, String detail) {
        return "{\"type\":\"" + type + "\",\"title\":\"t\",\"status\":0,\"detail\":\"" + detail + "\"}";
    }
}
