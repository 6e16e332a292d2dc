package io.capmarket.sdk;

/**
 * The client was asked to act on an offer it does not know: it knows the offers it published and
 * the ones declared to {@link CapmarketProducerBuilder#offers}. Publish or declare the offer first.
 */
public final class UnknownOfferException extends CapmarketException {

    private static final long serialVersionUID = 1L;

    /** An exception naming the unknown offer. */
    public UnknownOfferException(String offerId) {
        super("offerId '" + offerId + "' is not known to this client: publish it (or declare it with "
                + "CapmarketProducerBuilder.offers) first");
    }
}
