/**
 * Images placed in a knowledge-base article's body (issue 15 item 1): `![alt](attachment:ID)`
 * names an image attached to the same version. The body stays plain text: the server checks the
 * references at submission and renumbers them when a new draft copies the published files; the
 * web shows a reference as that version's image only (never a URL from the text, never HTML).
 */

/** One `![alt](attachment:ID)`: alt up to 200 characters on one line, a decimal id. */
export const BODY_IMAGE = /!\[([^\]\n]{0,200})\]\(attachment:(\d{1,10})\)/g;

export type BodyPart = { readonly text: string } | { readonly image: { readonly alt: string; readonly attachmentId: number } };

/** The body as text and image references, in order. */
export function bodyParts(body: string): BodyPart[] {
  const parts: BodyPart[] = [];
  let last = 0;
  for (const m of body.matchAll(BODY_IMAGE)) {
    if (m.index > last) parts.push({ text: body.slice(last, m.index) });
    parts.push({ image: { alt: m[1]!, attachmentId: Number(m[2]) } });
    last = m.index + m[0].length;
  }
  if (last < body.length) parts.push({ text: body.slice(last) });
  return parts;
}

/** The attachment ids the body names. */
export const bodyImageIds = (body: string): number[] => [...body.matchAll(BODY_IMAGE)].map((m) => Number(m[2]));

/** The body with each reference's id replaced through `map` (ids not in it are left as they are). */
export const renumberBodyImages = (body: string, map: ReadonlyMap<number, number>): string =>
  body.replace(BODY_IMAGE, (whole: string, alt: string, id: string) => {
    const to = map.get(Number(id));
    return to === undefined ? whole : `![${alt}](attachment:${to})`;
  });

/** The reference an editor inserts for an image. */
export const bodyImageRef = (alt: string, attachmentId: number): string => `![${alt.replace(/[\]\n]/g, ' ').slice(0, 200)}](attachment:${attachmentId})`;
