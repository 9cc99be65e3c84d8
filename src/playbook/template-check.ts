// Load-time check of every templated string in a task (arguments, vars, loop, names…): a syntax error or an unknown
// filter or test is a problem at the string's own line and column, before any host is touched.
import { visit, type ParsedNode } from 'yaml';
import { templateProblem, isTemplated } from '../template/index.js';
import type { Site } from './check-value.js';
import type { MapEntry } from './yaml-nodes.js';

// Conditions are checked as expressions (check-value.ts).
const CONDITION_KEYS = new Set(['when', 'changed_when', 'failed_when', 'until']);

export function checkTemplateStrings(site: Site, entries: readonly MapEntry[]): void {
  for (const e of entries) {
    if (e.node === null || CONDITION_KEYS.has(e.key)) continue;
    visit(e.node as ParsedNode, {
      Scalar(_key, node) {
        if (!isTemplated(node.value)) return;
        const problem = templateProblem(node.value);
        if (problem) site.problems.add(site.source.positionOfNode(node), `${site.label}: ${e.key}: ${problem.message}`, problem.hint);
      },
    });
  }
}
