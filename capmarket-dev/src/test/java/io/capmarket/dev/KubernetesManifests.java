package io.capmarket.dev;

import static io.capmarket.dev.ComposeFile.ROOT;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes manifests of {@code deploy/kubernetes}, parsed into fabric8's typed models of
 * Kubernetes (and of the Prometheus Operator's ServiceMonitor and PrometheusRule), as strictly
 * as the API server: a kind this reader does not know, a field a model does not have (fabric8's
 * models keep such fields aside, in {@code additionalProperties}: any there is reported with its
 * path), or a value of the wrong type is an error that names the file.
 */
final class KubernetesManifests {

    static final Path DIR = ROOT.resolve("deploy/kubernetes");

    /** The kinds the manifests may hold: {@code apiVersion/kind} to the model. */
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "v1/Namespace", Namespace.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "apps/v1/Deployment", Deployment.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class,
            "monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class);

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private KubernetesManifests() {
    }

    /** A kustomization's files: {@code resources} (files and directories) and {@code patches}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> kustomization(Path dir) {
        try {
            return YAML.readValue(dir.resolve("kustomization.yaml").toFile(), Map.class);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + dir.resolve("kustomization.yaml") + ": " + e.getMessage(), e);
        }
    }

    /** The resource of one file (one document), typed. */
    static HasMetadata read(Path file) {
        Map<?, ?> raw;
        try {
            raw = YAML.readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
        }
        String kind = raw.get("apiVersion") + "/" + raw.get("kind");
        Class<? extends HasMetadata> model = KINDS.get(kind);
        if (model == null) {
            throw new AssertionError(file + ": kind " + kind + " is none of " + KINDS.keySet());
        }
        HasMetadata resource;
        try {
            resource = YAML.readValue(file.toFile(), model);
        } catch (IOException e) {
            throw new AssertionError(file + " is no valid " + kind + ": " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        unknownFields(resource, kind, unknown);
        if (!unknown.isEmpty()) {
            throw new AssertionError(file + ": fields the " + kind + " model does not have: " + unknown);
        }
        return resource;
    }

    /** The resources of a kustomization's {@code resources} that are files, by file name. */
    static Map<String, HasMetadata> resources(Path dir) {
        Map<String, HasMetadata> resources = new LinkedHashMap<>();
        for (Object entry : (List<?>) kustomization(dir).get("resources")) {
            Path path = dir.resolve(entry.toString());
            if (!Files.isDirectory(path)) {
                resources.put(entry.toString(), read(path));
            }
        }
        return resources;
    }

    /**
     * Collects the paths of fields a model kept aside as unknown: every non-empty
     * {@code additionalProperties} in the object tree of fabric8's models.
     */
    private static void unknownFields(Object value, String path, List<String> into) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object element : list) {
                unknownFields(element, path + "[" + i++ + "]", into);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, into));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(key -> into.add(path + "." + key));
                }
            } else {
                String name = getter.getName().substring(3);
                unknownFields(field, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), into);
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new AssertionError("cannot read " + getter + " of " + target.getClass().getName(), e);
        }
    }
}
