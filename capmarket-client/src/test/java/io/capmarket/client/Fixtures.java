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
