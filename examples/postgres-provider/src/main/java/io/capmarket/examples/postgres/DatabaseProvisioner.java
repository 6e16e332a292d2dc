package io.capmarket.examples.postgres;

/**
 * The db team's own infrastructure code, injected into the handler so that the handler can be
 * unit-tested with a fake. Idempotent by request: asking twice for the same requestId returns the
 * same database, resizing to the size it has already changes nothing, and removing what is gone
 * does nothing; this is what makes at-least-once delivery safe.
 */
public interface DatabaseProvisioner {

    /** A provisioned database; the password stays in the secret store, only its reference travels. */
    record Database(String host, int port, String passwordRef) {
    }

    /** Creates the database for a request, or returns the one already created for it. */
    Database ensure(String requestId, String size, int replicas) throws Exception;

    /** Gives the request's database another size in place, or leaves it when it has that size already. */
    void resize(String requestId, String size) throws Exception;

    /** Removes whatever was created for a request (cancellation, deprovision); nothing if nothing was. */
    void remove(String requestId);
}
