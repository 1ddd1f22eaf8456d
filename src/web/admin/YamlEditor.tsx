/**
 * A YAML code editor (CodeMirror 6) whose inline marks are the server loader's own problems
 * (FILE:LINE:COL), so the editor shows exactly what a save would refuse.
 */
import { useEffect, useRef } from 'react';
import { EditorView, basicSetup } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import type { ConfigProblem } from './config-api.js';

interface Props {
  value: string;
  onChange: (text: string) => void;
  /** The problems of this file; line and col are 1-based. */
  problems: ConfigProblem[];
  label: string;
}

/** A problem's place as a character range of the document (the rest of the line from its column). */
function toDiagnostic(view: EditorView, p: ConfigProblem): Diagnostic {
  const doc = view.state.doc;
  const line = doc.line(Math.min(Math.max(p.line, 1), doc.lines));
  // The column counts characters (the server's FILE:LINE:COL); CodeMirror counts UTF-16 units.
  let units = 0;
  let chars = 0;
  for (const ch of line.text) {
    if (chars >= p.col - 1) break;
    units += ch.length;
    chars++;
  }
  const from = Math.min(line.from + units, line.to);
  return { from, to: Math.max(from, line.to), severity: p.severity, message: p.text };
}

export function YamlEditor({ value, onChange, problems, label }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    // Inside a shadow root CodeMirror styles itself with a constructed style sheet; in the document
    // it would add a <style> element, which the Content-Security-Policy (style-src 'self') blocks.
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const parent = document.createElement('div');
    shadow.replaceChildren(parent);
    const v = new EditorView({
      doc: value,
      root: shadow,
      parent,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) changed.current(u.state.doc.toString());
        }),
      ],
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // Created once; later texts come in through the effect below.
  }, []);

  // A new file or a reloaded text replaces the document (not on each keystroke: it is the same text then).
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (v)
      v.dispatch(
        setDiagnostics(
          v.state,
          problems.map((p) => toDiagnostic(v, p)),
        ),
      );
  }, [problems]);

  return <div className="yaml-editor" data-testid="yaml-editor" ref={host} />;
}
