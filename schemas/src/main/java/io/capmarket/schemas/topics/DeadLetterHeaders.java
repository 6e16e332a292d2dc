package io.capmarket.schemas.topics;

/**
 * Header names on records of the dead-letters topic. The record keeps its original key and
 * value bytes; these headers say where it came from and why it could not be processed.
 */
public final class DeadLetterHeaders {

    /** The topic the record was read from. */
    public static final String SOURCE_TOPIC = "capmarket.dlq.source.topic";
    /** The partition it was read from, as decimal text. */
    public static final String SOURCE_PARTITION = "capmarket.dlq.source.partition";
    /** Its offset there, as decimal text. */
    public static final String SOURCE_OFFSET = "capmarket.dlq.source.offset";
    /** Why it was refused, in words. */
    public static final String REASON = "capmarket.dlq.reason";
    /** The class of the exception that refused it, if one did. */
    public static final String EXCEPTION = "capmarket.dlq.exception";
    /** Which component refused it (topology, gateway, sdk). */
    public static final String COMPONENT = "capmarket.dlq.component";
    /** When it was refused, as epoch milliseconds in decimal text. */
    public static final String AT = "capmarket.dlq.at";
    /**
     * Set only when the value was cut to fit the dead-letters topic: the original value's size in
     * bytes, as decimal text. The whole record is still on its source topic, at the source offset.
     */
    public static final String ORIGINAL_SIZE = "capmarket.dlq.original.size";

    private DeadLetterHeaders() {
    }
}
