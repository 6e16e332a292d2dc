/**
 * Running the topology: configuration ({@link io.capmarket.topology.app.TopologyConfig}),
 * dead-letter handling of poison records ({@link io.capmarket.topology.app.DeadLetters}),
 * metrics ({@link io.capmarket.topology.app.TopologyMetrics}), health and the operations HTTP
 * endpoints, and the application itself ({@link io.capmarket.topology.app.TopologyApp}) with
 * its command line ({@link io.capmarket.topology.app.TopologyMain}).
 */
package io.capmarket.topology.app;
