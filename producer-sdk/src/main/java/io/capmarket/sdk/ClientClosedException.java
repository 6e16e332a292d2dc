package io.capmarket.sdk;

/** The {@link CapmarketProducer} was closed; nothing more is published through it. Build a new client. */
public final class ClientClosedException extends CapmarketException {

    private static final long serialVersionUID = 1L;

    /** An exception naming what was attempted after close. */
    public ClientClosedException(String what) {
        super(what + ": the client is closed; build a new CapmarketProducer");
    }
}
