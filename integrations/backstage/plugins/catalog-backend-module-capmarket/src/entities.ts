import { createHash } from 'node:crypto';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  KubernetesValidatorFunctions,
} from '@backstage/catalog-model';
import { Capability, Request } from '@capmarket/backstage-plugin-capmarket-node';

/** The spec.type of every capability's API entity. */
export const API_TYPE = 'capmarket-capability';
/** The spec.type of every producer's Group entity. */
export const GROUP_TYPE = 'capmarket-producer';
/** Annotations the provider sets, under one prefix. */
export const ANNOTATIONS = {
  capability: 'capmarket.io/capability',
  version: 'capmarket.io/capability-version',
  producers: 'capmarket.io/producers',
  producer: 'capmarket.io/producer',
  requestId: 'capmarket.io/request-id',
  state: 'capmarket.io/state',
  offer: 'capmarket.io/offer',
  outputs: 'capmarket.io/outputs',
} as const;

const MAX_NAME = 63;

/**
 * A valid Backstage entity name for a capmarket name: capabilities, producers and teams are
 * mostly valid already; any other character becomes '-', and a name past 63 characters keeps its
 * start and gets a hash of the whole, so that two long names stay apart.
 */
export function entityName(raw: string): string {
  if (KubernetesValidatorFunctions.isValidObjectName(raw)) {
    return raw;
  }
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  const cleaned = raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/[-_.]{2,}/g, '-')
    .replace(/^[-_.]+|[-_.]+$/g, '');
  if (!cleaned) {
    return `x-${hash}`;
  }
  return cleaned.length <= MAX_NAME ? cleaned : `${cleaned.slice(0, MAX_NAME - 9).replace(/[-_.]+$/, '')}-${hash}`;
}

/** The entity ref of the Group of a team or producer. */
export function groupRef(name: string): string {
  return `group:default/${entityName(name)}`;
}

/**
 * A capability as an API entity: its newest version's parameter JSON Schema is the definition
 * (pretty-printed JSON), owned by {@code apiOwner}, else by the owner of that version's contract
 * when it offers the capability (only producers with offers get a Group), else by the first of its
 * producers.
 */
export function apiEntity(capability: Capability, baseUrl: string, apiOwner?: string): Entity {
  const newest = [...capability.versions].sort((a, b) => b.version - a.version)[0];
  const producers = [...new Set(capability.offers.map(o => o.producerId))].sort();
  const contractOwner = producers.find(p => p === newest?.contractOwner) ?? producers[0];
  const owner = apiOwner ?? (contractOwner ? groupRef(contractOwner) : 'group:default/capmarket');
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: entityName(capability.name),
      title: capability.name,
      description: capability.description || undefined,
      annotations: {
        ...locations(`${baseUrl}/v1/capabilities/${encodeURIComponent(capability.name)}`),
        [ANNOTATIONS.capability]: capability.name,
        [ANNOTATIONS.version]: String(newest?.version ?? ''),
        [ANNOTATIONS.producers]: producers.join(','),
      },
    },
    spec: {
      type: API_TYPE,
      lifecycle: newest && !newest.deprecated ? 'production' : 'deprecated',
      owner,
      definition: JSON.stringify(newest?.parameterSchema ?? {}, null, 2),
    },
  };
}

/** A producer as a Group, with the capabilities it offers in its description. */
export function producerEntity(producerId: string, capabilities: string[], baseUrl: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: entityName(producerId),
      title: producerId,
      description: `capmarket producer offering ${[...capabilities].sort().join(', ')}`,
      annotations: {
        ...locations(`${baseUrl}/v1/capabilities`),
        [ANNOTATIONS.producer]: producerId,
      },
    },
    spec: { type: GROUP_TYPE, children: [] },
  };
}

/**
 * A live request (FULFILLED, UPDATING or DEPROVISIONING) as a Resource owned by its team's Group,
 * depending on its capability's API. Its state is kept as an annotation, and so are its outputs
 * (references to secrets, never secrets), as JSON.
 */
export function resourceEntity(request: Request, baseUrl: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: entityName(`${request.capability}-${request.id}`),
      title: `${request.capability} ${request.id.slice(0, 8)}`,
      description: `${request.capability} version ${request.version} for ${request.team}, from ${request.producerId ?? 'its producer'}`,
      annotations: {
        ...locations(`${baseUrl}/v1/requests/${encodeURIComponent(request.id)}`),
        [ANNOTATIONS.requestId]: request.id,
        [ANNOTATIONS.state]: request.state,
        [ANNOTATIONS.capability]: request.capability,
        [ANNOTATIONS.version]: String(request.version),
        [ANNOTATIONS.producer]: request.producerId ?? '',
        [ANNOTATIONS.offer]: request.offerId ?? '',
        [ANNOTATIONS.outputs]: JSON.stringify(request.outputs ?? {}),
      },
    },
    spec: {
      type: request.capability,
      owner: groupRef(request.team),
      dependsOn: [`api:default/${entityName(request.capability)}`],
    },
  };
}

/**
 * Every entity for a catalog and the live requests: one API per capability, one Group per
 * producer (across capabilities), one Resource per request.
 */
export function entitiesOf(capabilities: Capability[], live: Request[], baseUrl: string, apiOwner?: string): Entity[] {
  const offered = new Map<string, Set<string>>();
  for (const capability of capabilities) {
    for (const offer of capability.offers) {
      const names = offered.get(offer.producerId) ?? new Set<string>();
      names.add(capability.name);
      offered.set(offer.producerId, names);
    }
  }
  return [
    ...capabilities.map(c => apiEntity(c, baseUrl, apiOwner)),
    ...[...offered.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([p, names]) => producerEntity(p, [...names], baseUrl)),
    ...live.map(r => resourceEntity(r, baseUrl)),
  ];
}

function locations(url: string): Record<string, string> {
  return { [ANNOTATION_LOCATION]: `url:${url}`, [ANNOTATION_ORIGIN_LOCATION]: `url:${url}` };
}
