import { useCallback, useEffect, useState } from 'react';
import { units } from '../api.js';

/** Unit ids (org.yaml) → their names, for showing 市市场监管局 rather than city-amr. */
export function useUnitNames(): (id: string | null | undefined) => string {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    units().then(
      (list) => setNames(new Map(list.map((u) => [u.id, u.name]))),
      () => undefined, // the ids are still shown
    );
  }, []);
  return useCallback((id) => (id ? (names.get(id) ?? id) : '—'), [names]);
}
