package io.capmarket.spring.internal;

import io.capmarket.sdk.Offer;
import io.capmarket.sdk.sync.OfferFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Reads the offer files that resource patterns find (<code>classpath*:offers/**&#47;*.yaml</code>: its folders too, as {@code capmarket sync} reads them) with the
 * SDK's own reader, the one {@code capmarket sync} uses: all valid or an error listing every
 * problem as {@code file:line: message}, duplicate offerIds across files included.
 */
public final class ClasspathOffers {

    /** Files larger than this are refused: an offer file is a few kilobytes. */
    static final long MAX_FILE_BYTES = 1024 * 1024;

    private ClasspathOffers() {
    }

    /** Every offer in the files the patterns find, in file order; none when no file is found. */
    public static List<Offer> read(ResourcePatternResolver resolver, List<String> patterns) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String pattern : patterns) {
            Map<String, Resource> found = new TreeMap<>(Comparator.naturalOrder());
            try {
                for (Resource resource : resolver.getResources(pattern)) {
                    if (resource.isReadable()) {
                        found.put(resource.getURI().toString(), resource);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("capmarket.offers: cannot list " + pattern + ": " + e.getMessage(), e);
            }
            found.forEach((name, resource) -> texts.putIfAbsent(name, text(name, resource)));
        }
        return texts.isEmpty() ? List.of() : OfferFiles.parse(texts);
    }

    private static String text(String name, Resource resource) {
        try (InputStream in = resource.getInputStream()) {
            byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IllegalStateException("capmarket.offers: " + name + " must be at most " + MAX_FILE_BYTES
                        + " bytes, but is larger");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("capmarket.offers: cannot read " + name + ": " + e.getMessage(), e);
        }
    }
}
