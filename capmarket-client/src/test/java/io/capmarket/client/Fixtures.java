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
