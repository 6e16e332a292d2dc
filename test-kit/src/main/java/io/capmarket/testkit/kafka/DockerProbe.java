package io.capmarket.testkit.kafka;

import org.testcontainers.DockerClientFactory;

/** Kept apart so that Testcontainers classes are only loaded when the probe is actually asked. */
final class DockerProbe {

    private DockerProbe() {
    }

    static boolean isDockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }
}
