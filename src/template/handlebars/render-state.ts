// The site of the render in progress. Rendering is synchronous, so a module variable set around the call is enough,
// and it keeps the site out of handlebars' data frames where templates could read it as @-variables.
import type { TemplateSite } from '../template-site.js';

interface RenderState {
  site: TemplateSite;
}

let current: RenderState | undefined;

export function withRenderState<T>(state: RenderState, fn: () => T): T {
  const previous = current;
  current = state;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

export function renderState(): RenderState {
  if (current === undefined) throw new Error('template helpers only run inside renderHandlebars');
  return current;
}
