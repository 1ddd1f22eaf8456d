/**
 * A V8 heap snapshot (.heapsnapshot, as v8.writeHeapSnapshot writes it) summed up for
 * bench/memory.ts: self sizes by node type, the modules' source text by package, and the
 * dominator tree (who keeps what alive: an object's retained size is what would be freed with
 * it) down to a size threshold. Dominators by Cooper, Harvey and Kennedy's iterative algorithm
 * over the graph without weak edges, as the browser's heap profiler counts them.
 */
import fs from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface HeapSummary {
  readonly nodes: number;
  readonly totalBytes: number;
  /** Self size by node type (object, string, code, closure, array, hidden, native, …). */
  readonly byType: Record<string, number>;
  /** Source text of the loaded modules by package (node_modules/<name>, the app's dist/, node:internal). */
  readonly sourceByPackage: Record<string, number>;
  /** The dominator tree as indented lines, children of at least `thresholdBytes` retained. */
  readonly tree: string[];
}

const MB = (n: number) => (n / 2 ** 20).toFixed(2);

/** Where a script's URL comes from: an npm package, the app, or Node itself. */
function packageOf(url: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:') || !url.includes('/')) return 'node (internal)';
  if (/\/dist\//.test(url)) return 'sunline (dist)';
  return url.replace(/^file:\/\//, '').slice(-60);
}

export function summarizeHeapSnapshot(file: string, thresholdBytes = 512 * 1024, maxDepth = 9): HeapSummary {
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const meta = s.snapshot.meta;
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const nType = meta.node_fields.indexOf('type');
  const nName = meta.node_fields.indexOf('name');
  const nSelf = meta.node_fields.indexOf('self_size');
  const nEdges = meta.node_fields.indexOf('edge_count');
  const eType = meta.edge_fields.indexOf('type');
  const eName = meta.edge_fields.indexOf('name_or_index');
  const eTo = meta.edge_fields.indexOf('to_node');
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const weak = edgeTypes.indexOf('weak');
  const namedEdge = new Set(['context', 'property', 'internal', 'shortcut'].map((t) => edgeTypes.indexOf(t)));
  const N = s.nodes.length / NF;
  const firstEdge = new Uint32Array(N + 1);
  for (let i = 0, e = 0; i < N; i++) {
    firstEdge[i] = e;
    e += s.nodes[i * NF + nEdges]! * EF;
    firstEdge[i + 1] = e;
  }
  const self = (i: number) => s.nodes[i * NF + nSelf]!;
  const typeOf = (i: number) => nodeTypes[s.nodes[i * NF + nType]!]!;
  const nameOf = (i: number) => s.strings[s.nodes[i * NF + nName]!]!;

  // Totals by type, and scripts' sources by package.
  const byType: Record<string, number> = {};
  let totalBytes = 0;
  const sourceByPackage: Record<string, number> = {};
  for (let i = 0; i < N; i++) {
    byType[typeOf(i)] = (byType[typeOf(i)] ?? 0) + self(i);
    totalBytes += self(i);
    // A Script is a code node with an internal 'source' edge (its text) and a 'name' edge (its URL).
    if (typeOf(i) !== 'code') continue;
    let url = '';
    let source = -1;
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += EF) {
      if (!namedEdge.has(s.edges[e + eType]!)) continue;
      const edge = s.strings[s.edges[e + eName]!];
      const to = s.edges[e + eTo]! / NF;
      if (edge === 'name' && typeOf(to) === 'string') url = nameOf(to);
      else if (edge === 'source') source = self(to);
    }
    if (source < 0) continue;
    const pkg = packageOf(url);
    sourceByPackage[pkg] = (sourceByPackage[pkg] ?? 0) + source;
  }

  // Depth-first postorder from the root (node 0) without weak edges.
  const post = new Int32Array(N).fill(-1);
  const order = new Uint32Array(N);
  let count = 0;
  const stack = new Uint32Array(N);
  const cursor = new Uint32Array(N);
  const seen = new Uint8Array(N);
  let sp = 0;
  stack[sp++] = 0;
  seen[0] = 1;
  cursor[0] = firstEdge[0]!;
  while (sp > 0) {
    const v = stack[sp - 1]!;
    let pushed = false;
    while (cursor[v]! < firstEdge[v + 1]!) {
      const e = cursor[v]!;
      cursor[v] = e + EF;
      if (s.edges[e + eType] === weak) continue;
      const to = s.edges[e + eTo]! / NF;
      if (seen[to]) continue;
      seen[to] = 1;
      cursor[to] = firstEdge[to]!;
      stack[sp++] = to;
      pushed = true;
      break;
    }
    if (!pushed) {
      sp--;
      post[v] = count;
      order[count++] = v;
    }
  }
  // Predecessors of the reachable nodes (CSR).
  const predCount = new Uint32Array(N + 1);
  for (let v = 0; v < N; v++) {
    if (post[v]! < 0) continue;
    for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e += EF) if (s.edges[e + eType] !== weak) predCount[s.edges[e + eTo]! / NF + 1]!++;
  }
  for (let i = 0; i < N; i++) predCount[i + 1]! += predCount[i]!;
  const preds = new Uint32Array(predCount[N]!);
  const fill = predCount.slice(0, N);
  for (let v = 0; v < N; v++) {
    if (post[v]! < 0) continue;
    for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e += EF) {
      if (s.edges[e + eType] === weak) continue;
      const to = s.edges[e + eTo]! / NF;
      preds[fill[to]!++] = v;
    }
  }
  // Immediate dominators (by postorder number), iterated to a fixed point.
  const idom = new Int32Array(N).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (post[a]! < post[b]!) a = idom[a]!;
      while (post[b]! < post[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let k = count - 2; k >= 0; k--) {
      const v = order[k]!;
      let d = -1;
      for (let p = predCount[v]!; p < predCount[v + 1]!; p++) {
        const u = preds[p]!;
        if (idom[u] === -1) continue;
        d = d === -1 ? u : intersect(u, d);
      }
      if (d !== -1 && idom[v] !== d) {
        idom[v] = d;
        changed = true;
      }
    }
  }
  // Retained sizes: children come before their dominator in postorder.
  const retained = new Float64Array(N);
  for (let k = 0; k < count; k++) {
    const v = order[k]!;
    retained[v]! += self(v);
    if (v !== 0) retained[idom[v]!]! += retained[v]!;
  }
  const children = new Map<number, number[]>();
  for (let k = 0; k < count; k++) {
    const v = order[k]!;
    if (v === 0 || retained[v]! < thresholdBytes) continue;
    (children.get(idom[v]!) ?? children.set(idom[v]!, []).get(idom[v]!)!).push(v);
  }
  const tree: string[] = [];
  const label = (v: number) => `${typeOf(v)} ${JSON.stringify(nameOf(v).slice(0, 70))}`;
  const walk = (v: number, depth: number) => {
    tree.push(`${'  '.repeat(depth)}${MB(retained[v]!)} MB retained (${MB(self(v))} self) ${label(v)}`);
    if (depth >= maxDepth) return;
    for (const c of (children.get(v) ?? []).sort((a, b) => retained[b]! - retained[a]!)) walk(c, depth + 1);
  };
  walk(0, 0);
  return { nodes: N, totalBytes, byType, sourceByPackage, tree };
}
