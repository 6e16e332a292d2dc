package io.capmarket.dev;

import static io.capmarket.dev.ComposeFile.ROOT;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * capmarket's container images as the poms' Jib configuration builds them (profile {@code images}):
 * the single source of truth that docker-compose.yml and deploy/kubernetes are checked against.
 * The parent's configuration is shared by every module whose {@code image.skip} is false; the
 * module's own {@code images} profile adds its ports, environment and extra directories, with
 * Maven's merge (the module's elements over the parent's, lists marked {@code append} appended).
 */
final class JibImages {

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    /** One image: where it is built from and what its container runs. */
    record Image(String module, String reference, String base, String mainClass, List<Integer> ports,
            Map<String, String> environment, List<String> jvmFlags, String user, String workingDirectory,
            List<String> volumes, Map<String, String> extraDirectories, Map<String, String> permissions, boolean boundToABuild) {

        /** The image's name without its tag, as Kubernetes' kustomize {@code images:} names it. */
        String repository() {
            return reference.substring(0, reference.lastIndexOf(':'));
        }

        String tag() {
            return reference.substring(reference.lastIndexOf(':') + 1);
        }

        /** The numeric user id the container runs as. */
        int uid() {
            return Integer.parseInt(user.split(":")[0]);
        }
    }

    private JibImages() {
    }

    /** Every module's image, by its short name ({@code image.name}), aggregators' modules included. */
    static Map<String, Image> read() {
        Element parent = pom(ROOT.resolve("pom.xml"));
        Map<String, Image> images = new LinkedHashMap<>();
        readModules(parent, ROOT, properties(parent), images);
        return images;
    }

    private static void readModules(Element parent, Path parentDir, Map<String, String> inherited, Map<String, Image> images) {
        Element root = pom(ROOT.resolve("pom.xml"));
        for (Element module : children(child(parent, "modules"), "module")) {
            Path dir = parentDir.resolve(module.getTextContent().trim()).normalize();
            Element pom = pom(dir.resolve("pom.xml"));
            Map<String, String> properties = new LinkedHashMap<>(inherited);
            properties.putAll(properties(pom));
            if (child(pom, "modules") != null) {
                readModules(pom, dir, properties, images);
                continue;
            }
            properties.put("project.version", child(root, "version").getTextContent().trim());
            properties.put("project.basedir", dir.toString());
            properties.put("maven.multiModuleProjectDirectory", ROOT.toString());
            if (!"false".equals(resolve(properties.get("image.skip"), properties))) {
                continue;
            }
            Element sharedPlugin = jibPlugin(root).orElseThrow(() -> new AssertionError("pom.xml: no Jib plugin in profile images"));
            Optional<Element> ownPlugin = jibPlugin(pom);
            boolean bound = child(sharedPlugin, "executions") != null || ownPlugin.map(p -> child(p, "executions") != null).orElse(false);
            images.put(resolve(properties.get("image.name"), properties), image(dir, child(sharedPlugin, "configuration"),
                    ownPlugin.map(p -> child(p, "configuration")), properties, bound));
        }
    }

    private static Image image(Path dir, Element shared, Optional<Element> own, Map<String, String> properties, boolean bound) {
        Map<String, String> environment = new LinkedHashMap<>();
        List<Integer> ports = new ArrayList<>();
        Map<String, String> extra = new LinkedHashMap<>();
        for (Element config : own.map(o -> List.of(shared, o)).orElse(List.of(shared))) {
            Element container = child(config, "container");
            if (container != null) {
                Element env = child(container, "environment");
                if (env != null) {
                    children(env, null).forEach(e -> environment.put(e.getTagName(), resolve(e.getTextContent().trim(), properties)));
                }
                Element portList = child(container, "ports");
                if (portList != null) {
                    ports.clear();
                    children(portList, "port").forEach(p -> ports.add(Integer.parseInt(resolve(p.getTextContent().trim(), properties))));
                }
            }
            Element paths = path(config, "extraDirectories", "paths");
            if (paths != null) {
                children(paths, "path").forEach(p -> extra.put(resolve(text(p, "into"), properties), resolve(text(p, "from"), properties)));
            }
        }
        Element container = child(shared, "container");
        Map<String, String> permissions = new LinkedHashMap<>();
        children(path(shared, "extraDirectories", "permissions"), "permission").forEach(p -> permissions.put(text(p, "file"), text(p, "mode")));
        return new Image(dir.getFileName().toString(), resolve(text(child(shared, "to"), "image"), properties),
                resolve(text(child(shared, "from"), "image"), properties), resolve(text(container, "mainClass"), properties),
                List.copyOf(ports), environment,
                children(child(container, "jvmFlags"), "jvmFlag").stream().map(Node::getTextContent).map(String::trim).toList(),
                text(container, "user"), text(container, "workingDirectory"),
                children(child(container, "volumes"), "volume").stream().map(Node::getTextContent).map(String::trim).toList(),
                extra, permissions, bound);
    }

    /** The Jib plugin in a pom's {@code images} profile, if it has one. */
    private static Optional<Element> jibPlugin(Element pom) {
        for (Element profile : children(child(pom, "profiles"), "profile")) {
            if (!"images".equals(text(profile, "id"))) {
                continue;
            }
            for (Element plugin : children(path(profile, "build", "plugins"), "plugin")) {
                if ("jib-maven-plugin".equals(text(plugin, "artifactId"))) {
                    return Optional.of(plugin);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether the pom's own build (outside any profile) declares the Jib plugin. */
    static boolean inDefaultBuild(Path pom) {
        return children(path(pom(pom), "build", "plugins"), "plugin").stream()
                .anyMatch(plugin -> "jib-maven-plugin".equals(text(plugin, "artifactId")));
    }

    private static Map<String, String> properties(Element pom) {
        Map<String, String> properties = new LinkedHashMap<>();
        children(child(pom, "properties"), null).forEach(p -> properties.put(p.getTagName(), p.getTextContent().trim()));
        return properties;
    }

    private static String resolve(String value, Map<String, String> properties) {
        if (value == null) {
            return null;
        }
        String resolved = value;
        for (int depth = 0; depth < 10 && resolved.contains("${"); depth++) {
            Matcher matcher = PROPERTY.matcher(resolved);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String property = properties.get(matcher.group(1));
                if (property == null) {
                    throw new AssertionError("the poms define no property " + matcher.group(1) + " (used in " + value + ")");
                }
                matcher.appendReplacement(out, Matcher.quoteReplacement(property));
            }
            matcher.appendTail(out);
            resolved = out.toString();
        }
        return resolved;
    }

    private static Element pom(Path file) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(file)).getDocumentElement();
        } catch (Exception e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static Element path(Element from, String... names) {
        Element element = from;
        for (String name : names) {
            element = element == null ? null : child(element, name);
        }
        return element;
    }

    private static String text(Element parent, String name) {
        Element element = parent == null ? null : child(parent, name);
        return element == null ? null : element.getTextContent().trim();
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The element children of {@code parent} named {@code name} (every one when null); none when parent is null. */
    private static List<Element> children(Element parent, String name) {
        List<Element> children = new ArrayList<>();
        if (parent == null) {
            return children;
        }
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && (name == null || element.getTagName().equals(name))) {
                children.add(element);
            }
        }
        return children;
    }
}
