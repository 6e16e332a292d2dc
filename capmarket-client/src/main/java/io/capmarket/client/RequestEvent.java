package io.capmarket.client;

/**
 * One Server-Sent Event of a request's stream.
 *
 * @param name {@code transition} (one history entry) or {@code end} (the request finished)
 * @param index the position of the transition in the history, from 1
 * @param state the state entered
 * @param request the request as of this event
 */
public record RequestEvent(String name, int index, String state, Request request) {
}
