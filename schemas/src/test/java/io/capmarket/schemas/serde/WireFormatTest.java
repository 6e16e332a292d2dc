package io.capmarket.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void theHeaderIsMagicZeroThenABigEndianId() {
        byte[] frame = new byte[7];

        WireFormat.writeHeader(frame, 0x01020304);

        assertThat(frame).startsWith(0x00, 0x01, 0x02, 0x03, 0x04);
        assertThat(WireFormat.schemaId(frame)).isEqualTo(0x01020304);
    }

    @Test
    void bytesThatAreNotAFrameAreExplained() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0, 1}))
                .hasMessageContaining("fewer than the 5-byte header");
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {'{', '"', 'a', '"', ':'}))
                .hasMessageContaining("unknown magic byte 123");
    }
}
