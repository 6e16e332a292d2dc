package io.capmarket.gateway.internal;

import io.capmarket.gateway.GatewayException.FieldError;
import io.capmarket.gateway.MalformedRequestException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Opaque list cursors: the last key of the previous page, base64url-encoded. */
public final class Cursors {

    private Cursors() {
    }

    public static String encode(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The last key in a cursor, or null for none; a cursor that was not made here is a 400 naming the parameter. */
    public static String decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String key = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor))).toString();
            if (!key.isEmpty() && key.length() <= 300) {
                return key;
            }
        } catch (IllegalArgumentException | CharacterCodingException e) {
            // reported below
        }
        throw new MalformedRequestException("the cursor is not one this API returned",
                List.of(new FieldError("cursor", cursor, "a 'next' value from a previous page")));
    }
}
