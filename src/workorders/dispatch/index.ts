/** Dispatch by responsibility (按责转办): pure suggestions and org-tree lookups over org.yaml. */
export { suggestDispatch, type DispatchInput, type DispatchSuggestion } from './suggest.js';
export { areaPath, distanceUp, findArea, findUnit, subPlatformFor, subtreeAreaIds, territorialUnitFor, unitScope, unitsInSubtree } from './org-tree.js';
