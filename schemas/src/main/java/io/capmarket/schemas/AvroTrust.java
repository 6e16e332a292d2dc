package io.capmarket.schemas;

import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.specific.SpecificFixed;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro (since 1.11.4) loads a class named by a schema only when its class security policy trusts
 * it, and trusts no generated class by default: reading generated records, and even copying one
 * with nested records through its builder ({@code RequestStatus.newBuilder(status)}), fails out
 * of the box. {@link #install()} adds trust for generated Avro types only (records, enums and
 * fixed types, which have harmless no-argument constructors), composed with whatever policy the
 * application set: classes that are not generated Avro types stay as trusted or forbidden as before.
 *
 * <p>The serdes install it; so does any capmarket class that copies generated records. Call it
 * yourself before copying generated records in code that uses no serde. Idempotent.
 */
public final class AvroTrust {

    private static boolean installed;

    private AvroTrust() {
    }

    /** Trusts generated Avro types, once per JVM. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate application = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(application, AvroTrust::isGenerated));
        installed = true;
    }

    private static boolean isGenerated(Class<?> type) {
        return SpecificRecord.class.isAssignableFrom(type)
                || SpecificFixed.class.isAssignableFrom(type)
                || (type.isEnum() && GenericEnumSymbol.class.isAssignableFrom(type));
    }
}
