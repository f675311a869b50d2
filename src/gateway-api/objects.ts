// Kubernetes object shapes as they arrive from the API server or from -f files.
// Every field is optional on purpose: inputs are untrusted (hand-written manifests,
// half-reconciled objects), and the binding rules must turn a missing field into a
// reason, never a crash.

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  generation?: number;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: unknown;
  status?: unknown;
}

export interface Condition {
  type?: string;
  status?: string; // "True" | "False" | "Unknown"
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export interface RouteGroupKind {
  group?: string;
  kind?: string;
}

export interface LabelSelectorRequirement {
  key?: string;
  operator?: string; // In | NotIn | Exists | DoesNotExist
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface AllowedRoutes {
  namespaces?: { from?: string; selector?: LabelSelector };
  kinds?: RouteGroupKind[];
}

export interface Listener {
  name?: string;
  hostname?: string;
  port?: number;
  protocol?: string;
  allowedRoutes?: AllowedRoutes;
}

export interface GatewayAddress {
  type?: string; // IPAddress | Hostname | NamedAddress | (absent = IPAddress)
  value?: string;
}

export interface Gateway extends KubeObject {
  spec?: { gatewayClassName?: string; listeners?: Listener[] };
  status?: { addresses?: GatewayAddress[]; conditions?: Condition[] };
}

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  sectionName?: string;
  port?: number;
}

/** A ListenerSet (gateway.networking.k8s.io, formerly XListenerSet) adds listeners to a parent Gateway. */
export interface ListenerSet extends KubeObject {
  spec?: { parentRef?: ParentReference; listeners?: Listener[] };
}

export interface RouteParentStatus {
  parentRef?: ParentReference;
  controllerName?: string;
  conditions?: Condition[];
}

/**
 * The route kinds the binding rules read (Gateway API, standard and experimental channels).
 * TCPRoute and UDPRoute are v1alpha2 (experimental channel) and carry no spec.hostnames.
 */
export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];

export function isRouteKind(kind: unknown): kind is RouteKind {
  return typeof kind === 'string' && (ROUTE_KINDS as readonly string[]).includes(kind);
}

export interface Route extends KubeObject {
  kind?: string; // one of RouteKind when well-formed
  spec?: { parentRefs?: ParentReference[]; hostnames?: string[] };
  status?: { parents?: RouteParentStatus[] };
}

export interface Namespace extends KubeObject {}

export interface IngressRule {
  host?: string;
}

export interface IngressTLS {
  hosts?: string[];
  secretName?: string;
}

export interface Ingress extends KubeObject {
  spec?: { ingressClassName?: string; rules?: IngressRule[]; tls?: IngressTLS[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface ServicePort {
  name?: string;
  port?: number;
  protocol?: string; // TCP (default) | UDP | SCTP
}

/** A core v1 Service: only `type: LoadBalancer` ones have an address outside the cluster. */
export interface Service extends KubeObject {
  spec?: { type?: string; ports?: ServicePort[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** Everything the binding rules look at: one consistent snapshot of the cluster (or of -f files). */
export interface ClusterObjects {
  gateways: Gateway[];
  listenerSets: ListenerSet[];
  routes: Route[];
  namespaces: Namespace[];
  ingresses: Ingress[];
  /** Services: only those an annotation names become bindings. */
  services: Service[];
}

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** The experimental group XListenerSet (and older x-k8s kinds) were served from. */
export const EXPERIMENTAL_GATEWAY_GROUP = 'gateway.networking.x-k8s.io';

/** `kind/namespace/name` of a resolved reference: how objects are named in keys, logs and tables. */
export function refString(ref: { kind: string; namespace: string; name: string }): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** `kind/namespace/name`: how objects are named in keys, logs and tables (namespace defaults to `default`). */
export function objectId(kind: string, o: KubeObject): string {
  return `${kind}/${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? ''}`;
}

export function emptyClusterObjects(): ClusterObjects {
  return { gateways: [], listenerSets: [], routes: [], namespaces: [], ingresses: [], services: [] };
}
