// The whole snapshot at once: every route through bindRoute, every Ingress through bindIngress,
// every annotated Service through bindService,
// in one deterministic order (order.ts), plus object-level warnings (lint.ts).

import type { ClusterObjects } from '../gateway-api/objects.js';
import type { BindingOptions, BindingResult } from './types.js';
import { indexObjects } from './object-index.js';
import { bindRoute } from './routes.js';
import { bindIngress } from './ingresses.js';
import { bindService } from './services.js';
import { lintObjects } from './lint.js';
import { compareBindings } from './order.js';

export function computeBindings(objects: ClusterObjects, options: BindingOptions): BindingResult {
  const index = indexObjects(objects);
  const bindings = [
    ...objects.routes.flatMap((r) => (r && typeof r === 'object' ? bindRoute(r, index, options) : [])),
    ...objects.ingresses.flatMap((i) => (i && typeof i === 'object' ? bindIngress(i, index, options) : [])),
    ...(objects.services ?? []).flatMap((s) => (s && typeof s === 'object' ? bindService(s, index, options) : [])),
  ];
  bindings.sort(compareBindings);
  return { bindings, warnings: lintObjects(objects) };
}
