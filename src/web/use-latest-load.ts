import { useMemo, useRef } from 'react';

/**
 * Only the newest of overlapping loads may show its answer. A list, search or detail is asked again
 * when its inputs change (a tab, a filter, the text searched, the item picked, a refresh); answers
 * do not come back in order, so a slow answer to an older question arriving last would overwrite
 * the newer one and show the wrong rows under the current inputs.
 *
 * `begin()` starts a load and returns its check: true until a later load begins. `current()` is the
 * check of the load already shown, for what continues it (its next page): false once a new load begins.
 */
export interface LatestLoad {
  begin(): () => boolean;
  current(): () => boolean;
}

export function useLatestLoad(): LatestLoad {
  const latest = useRef(0);
  return useMemo(() => {
    const checkOf = (mine: number) => () => mine === latest.current;
    return { begin: () => checkOf(++latest.current), current: () => checkOf(latest.current) };
  }, []);
}
