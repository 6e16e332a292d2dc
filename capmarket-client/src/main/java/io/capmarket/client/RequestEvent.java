package io.capmarket.client;

/**
 * One Server-Sent Event of a request's stream.
 *
 * @param name {@code transition} (one history entry) or {@code end} (the request is at rest: finished, or
 *     FULFILLED with nothing going on; {@link Request#terminal()} tells which)
 * @param index the position of the transition in the history, from 1; also the event's id, from which
 *     {@link CapmarketClient#events(String, int, java.util.function.Consumer)} resumes
 * @param state the state entered
 * @param request the request as of this event
 */
public record RequestEvent(String name, int index, String state, Request request) {

    /** The state entered, typed. */
    public RequestState requestState() {
        return RequestState.of(state);
    }

    /** Whether this is the last event of the stream (the request at rest, not necessarily finished). */
    public boolean end() {
        return name.equals("end");
    }
}
