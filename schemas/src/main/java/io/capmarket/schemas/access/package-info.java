/**
 * Who may do what on a capmarket cluster: the Kafka ACLs of the admin, the topology, the
 * gateway, every producer and every team's bots, as data ({@link io.capmarket.schemas.access.AccessPolicy}),
 * and the client settings a principal is handed ({@link io.capmarket.schemas.access.ClientSettings}).
 */
package io.capmarket.schemas.access;
