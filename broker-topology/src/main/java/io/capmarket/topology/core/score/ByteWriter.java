package io.capmarket.topology.core.score;

import java.util.Arrays;

/** Appends bytes and LEB128 variable-length integers to a growing array. */
final class ByteWriter {

    private byte[] bytes = new byte[64];
    private int size;

    void writeByte(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
    }

    /** An unsigned LEB128 varint: 7 bits per byte, low bits first, high bit set on all but the last byte. */
    void writeUnsigned(long value) {
        while ((value & ~0x7FL) != 0) {
            writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        writeByte((int) value);
    }

    /** A signed value as a ZigZag varint, so that small negative numbers stay short too. */
    void writeSigned(long value) {
        writeUnsigned((value << 1) ^ (value >> 63));
    }

    /** A length-prefixed byte array. */
    void writeBlock(byte[] block) {
        writeUnsigned(block.length);
        ensure(block.length);
        System.arraycopy(block, 0, bytes, size, block.length);
        size += block.length;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
