package io.capmarket.schemas.serde;

import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.specific.SpecificFixed;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro (since 1.11.4) loads a class named by a schema only when its class security policy trusts
 * it, and trusts no generated class by default, so reading generated records fails out of the
 * box. The serde adds trust for generated Avro types only (records, enums and fixed types, which
 * have harmless no-argument constructors), composed with whatever policy the application set:
 * classes that are not generated Avro types stay as trusted or forbidden as before.
 */
final class GeneratedTypesTrust {

    private static boolean installed;

    private GeneratedTypesTrust() {
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate application = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(application, GeneratedTypesTrust::isGenerated));
        installed = true;
    }

    private static boolean isGenerated(Class<?> type) {
        return SpecificRecord.class.isAssignableFrom(type)
                || SpecificFixed.class.isAssignableFrom(type)
                || (type.isEnum() && GenericEnumSymbol.class.isAssignableFrom(type));
    }
}
