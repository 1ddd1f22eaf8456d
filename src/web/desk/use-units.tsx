import { useCallback, useEffect, useState } from 'react';
import { units, type UnitInfo } from '../api.js';
import { deskUnits } from './api.js';

/**
 * The units for the desk's pickers — those this user may dispatch to (GET /api/desk/units: a
 * county dispatcher its subtree) — and id → name for showing 市市场监管局 rather than city-amr,
 * for every unit of org.yaml (an order may name units outside the picker's list).
 */
export function useUnits(): { list: readonly UnitInfo[]; name: (id: string | null | undefined) => string } {
  const [list, setList] = useState<readonly UnitInfo[]>([]);
  const [all, setAll] = useState<readonly UnitInfo[]>([]);
  useEffect(() => {
    deskUnits().then(
      (items) => setList(items.map((u) => ({ ...u, phone: null }))),
      () => undefined,
    );
    units().then(setAll, () => undefined); // the ids are still shown
  }, []);
  const name = useCallback(
    (id: string | null | undefined) => (id ? (all.find((u) => u.id === id)?.name ?? list.find((u) => u.id === id)?.name ?? id) : '—'),
    [all, list],
  );
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
