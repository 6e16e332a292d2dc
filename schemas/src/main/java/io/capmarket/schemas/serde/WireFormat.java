package io.capmarket.schemas.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's framing of a serialized record: magic byte {@code 0}, the schema id as a 4-byte
 * big-endian integer, then the Avro binary encoding of the datum.
 */
public final class WireFormat {

    /** The first byte of every framed record. */
    public static final byte MAGIC_BYTE = 0;
    /** Bytes before the Avro payload: the magic byte and the schema id. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** Writes the header for {@code schemaId} into the first {@link #HEADER_SIZE} bytes of {@code frame}. */
    public static void writeHeader(byte[] frame, int schemaId) {
        frame[0] = MAGIC_BYTE;
        frame[1] = (byte) (schemaId >>> 24);
        frame[2] = (byte) (schemaId >>> 16);
        frame[3] = (byte) (schemaId >>> 8);
        frame[4] = (byte) schemaId;
    }

    /**
     * Reads the schema id of a framed record.
     *
     * @throws IllegalArgumentException saying what is wrong when the bytes are not a frame
     */
    public static int schemaId(byte[] frame) {
        if (frame.length < HEADER_SIZE) {
            throw new IllegalArgumentException("record has " + frame.length
                    + " bytes, fewer than the " + HEADER_SIZE + "-byte header (magic byte and schema id)");
        }
        if (frame[0] != MAGIC_BYTE) {
            throw new IllegalArgumentException("unknown magic byte " + frame[0] + ", expected " + MAGIC_BYTE
                    + ": the record was not written by a schema-registry serializer");
        }
        return ByteBuffer.wrap(frame, 1, 4).getInt();
    }
}
