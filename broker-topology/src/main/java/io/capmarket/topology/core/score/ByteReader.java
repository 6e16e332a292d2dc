package io.capmarket.topology.core.score;

import java.util.Arrays;

/**
 * Reads what {@link ByteWriter} writes, failing with an {@link IllegalArgumentException} that
 * names the field being read and the offset, so a corrupt state store value is diagnosable.
 */
final class ByteReader {

    private final byte[] bytes;
    private int position;

    ByteReader(byte[] bytes) {
        this.bytes = bytes;
    }

    int readByte(String what) {
        if (position >= bytes.length) {
            throw corrupt(what, "truncated: the value ends at byte " + bytes.length);
        }
        return bytes[position++] & 0xFF;
    }

    long readUnsigned(String what) {
        int start = position;
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte(what);
            if (shift == 63 && (b & 0x7E) != 0) {
                position = start;
                throw corrupt(what, "varint overflows 64 bits");
            }
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        position = start;
        throw corrupt(what, "varint longer than 10 bytes");
    }

    long readSigned(String what) {
        long zigZag = readUnsigned(what);
        return (zigZag >>> 1) ^ -(zigZag & 1);
    }

    /** An unsigned varint that must be a count, i.e. not above {@code max}. */
    long readCount(String what, long max) {
        int start = position;
        long value = readUnsigned(what);
        if (value < 0 || value > max) {
            position = start;
            throw corrupt(what, "count " + Long.toUnsignedString(value) + " is out of range 0.." + max);
        }
        return value;
    }

    byte[] readBlock(String what) {
        int length = (int) readCount(what + " length", remaining());
        byte[] block = Arrays.copyOfRange(bytes, position, position + length);
        position += length;
        return block;
    }

    int remaining() {
        return bytes.length - position;
    }

    int position() {
        return position;
    }

    IllegalArgumentException corrupt(String what, String problem) {
        return new IllegalArgumentException("corrupt score state at byte " + position + " reading " + what + ": " + problem);
    }
}
