/** The public progress lookup (工单查询): order number + phone → progress. Being built (issue #5). */
export function CitizenLookupPage() {
  return <main data-testid="citizen-lookup" />;
}
