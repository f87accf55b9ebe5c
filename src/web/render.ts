import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** Renders a page component to a complete HTML document. Preact escapes every interpolated value. */
export function renderDocument(vnode: VNode): string {
  return `<!doctype html>${renderToString(vnode)}`;
}

/** Renders a fragment (e-mail bodies, partials) without a doctype. */
export function renderFragment(vnode: VNode): string {
  return renderToString(vnode);
}
