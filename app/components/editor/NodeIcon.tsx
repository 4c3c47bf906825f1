// A node type's icon, drawn from the one stroke path its descriptor carries (no icon font or library is fetched).
export function NodeIcon({ path, size = 14 }: { path: string; size?: number }) {
  return (
    <svg data-node-icon viewBox="0 0 24 24" width={size} height={size} fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden focusable="false">
      <path d={path} />
    </svg>
  );
}
