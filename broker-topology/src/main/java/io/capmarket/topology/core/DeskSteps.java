package io.capmarket.topology.core;

/**
 * Runs one step of the {@link CapabilityDesk}'s work whole or not at all: what the step writes to
 * the books and hands the outbox stays only if it returns; if it throws, both are undone and
 * nothing it made is published before the failure is rethrown. The desk runs each due check of a
 * tick, and each request it serves from a waitlist on the clock, as a step of its own; steps do not
 * nest.
 */
@FunctionalInterface
public interface DeskSteps {

    /** Steps run as they come, undoing nothing: for books that keep no journal (a replay, a test of rules). */
    DeskSteps UNDOING_NOTHING = Runnable::run;

    /** Runs {@code step}; when it throws, what it changed is undone before the failure is rethrown. */
    void run(Runnable step);
}
