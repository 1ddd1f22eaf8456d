import { useCallback, useEffect, useState } from 'react';
import { units, type UnitInfo } from '../api.js';

/** org.yaml's units for the dispatch pickers, and id → name for showing 市市场监管局 rather than city-amr. */
export function useUnits(): { list: readonly UnitInfo[]; name: (id: string | null | undefined) => string } {
  const [list, setList] = useState<readonly UnitInfo[]>([]);
  useEffect(() => {
    units().then(setList, () => undefined); // the ids are still shown
  }, []);
  const name = useCallback((id: string | null | undefined) => (id ? (list.find((u) => u.id === id)?.name ?? id) : '—'), [list]);
  return { list, name };
}

/** The <option>s of a unit picker. */
export function UnitOptions({ units }: { units: readonly UnitInfo[] }) {
  return units.map((u) => (
    <option key={u.id} value={u.id}>
      {u.name}
    </option>
  ));
}
